import json
import os
import subprocess
import sys

import mlarsenal


def test_version_is_exposed():
    assert isinstance(mlarsenal.__version__, str)
    assert mlarsenal.build_info()["version"] == mlarsenal.__version__


def test_build_info_reports_openmp_simd_and_cuda():
    info = mlarsenal.build_info()
    assert info["openmp"]["enabled"], "the test build must link OpenMP"
    assert info["openmp"]["max_threads"] >= 1
    simd = info["simd"]
    levels = ["scalar", "avx2", "avx512"]
    assert simd["active"] in simd["compiled"]
    assert levels.index(simd["active"]) <= levels.index(simd["detected"])
    assert "built" in info["cuda"]
    assert info["build_type"] == "Release"
    assert "-ffast-math" not in info["cxx_flags"]
    json.dumps(info)  # plain data, serialisable into benchmark results


def test_printed_build_info_is_a_readable_summary():
    text = str(mlarsenal.build_info())
    assert text.startswith(f"mlarsenal {mlarsenal.__version__}")
    assert "openmp     on" in text
    assert "simd       active" in text


def _run_with_simd(level: str) -> dict:
    script = (
        "import json, numpy as np, mlarsenal, mlarsenal.metrics as m\n"
        "rng = np.random.default_rng(0)\n"
        "a, b, w = rng.normal(size=(3, 100003))\n"
        "print(json.dumps({'active': mlarsenal.build_info()['simd']['active'],\n"
        "  'mse': m.mean_squared_error(a, b).hex(),\n"
        "  'wmse': m.mean_squared_error(a, b, sample_weight=w).hex()}))\n"
    )
    env = dict(os.environ, MLARSENAL_SIMD=level)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_every_simd_level_gives_bit_identical_results():
    detected = mlarsenal.build_info()["simd"]["detected"]
    levels = ["scalar", "avx2", "avx512"]
    runs = {level: _run_with_simd(level) for level in levels[: levels.index(detected) + 1]}
    assert runs["scalar"]["active"] == "scalar"
    for level, run in runs.items():
        assert run["active"] == level
        assert run["mse"] == runs["scalar"]["mse"]
        assert run["wmse"] == runs["scalar"]["wmse"]
