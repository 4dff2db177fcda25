#!/usr/bin/env bash
# Build mlarsenal with CUDA for this machine's GPU, run the GPU tests and the
# GPU benchmarks, and write everything into one directory:
#
#   benchmarks/gpu.sh [OUTDIR]        (default: $OUT, else benchmarks/results/gpu)
#
# Needs: an NVIDIA GPU and driver, nvcc, cmake, Python with numpy, scipy,
# scikit-learn, torch (CUDA), pybind11 (CuPy optional). No network: nothing
# is installed; the modules are built with CMake and staged next to a copy
# of python/mlarsenal on PYTHONPATH. Budget: about 8 minutes in all.
#
# Outputs: build.log, environment.json, gpu_tests.log, gpu_tests.xml,
# gpu_bench.json, gpu_bench.log, summary.txt.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUTDIR="${1:-${OUT:-$ROOT/benchmarks/results/gpu}}"
PYTHON="${PYTHON:-python3}"
BUILD="${MLARSENAL_GPU_BUILD_DIR:-$ROOT/build-gpu}"
mkdir -p "$OUTDIR"
OUTDIR="$(cd "$OUTDIR" && pwd)"
cd "$ROOT"
START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }
note() { echo "[gpu.sh $(elapsed)s] $*" | tee -a "$OUTDIR/summary.txt"; }

: > "$OUTDIR/summary.txt"
# Python packages the machine lacks (scipy, scikit-learn...) can travel as
# wheels in .whl/ at the repository root: they are installed into a private
# folder, never into the machine's Python (docs/user_guide/gpu.md).
if compgen -G "$ROOT/.whl/*.whl" > /dev/null; then
  WHEELS="$ROOT/build-gpu-wheels"
  "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$WHEELS" "$ROOT"/.whl/*.whl >> "$OUTDIR/summary.txt" 2>&1 &&
    export PYTHONPATH="$WHEELS${PYTHONPATH:+:$PYTHONPATH}"
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUTDIR/nvidia-smi.csv" 2>&1 || true
"$PYTHON" - > "$OUTDIR/environment.json" 2>&1 <<'PY'
import importlib, json, platform
mods = {}
for name in ("numpy", "scipy", "sklearn", "torch", "cupy", "numba", "pybind11"):
    try:
        mods[name] = getattr(importlib.import_module(name), "__version__", "?")
    except Exception as exc:
        mods[name] = f"missing ({type(exc).__name__})"
try:
    import torch
    mods["cuda_device"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
except Exception:
    pass
print(json.dumps({"python": platform.python_version(), "modules": mods}, indent=2))
PY
note "environment: $(tr -d '\n' < "$OUTDIR/environment.json" | head -c 600)"

# ---------------------------------------------------------------- build (native arch only)
GENERATOR=()
command -v ninja > /dev/null && GENERATOR=(-G Ninja)
JOBS="$(nproc 2> /dev/null || echo 4)"
note "building _core and _cuda in $BUILD with $JOBS jobs"
if ! timeout 330 bash -c "
  cmake -S '$ROOT' -B '$BUILD' ${GENERATOR[*]} -DCMAKE_BUILD_TYPE=Release \
    -DMLARSENAL_BUILD_PYTHON=ON -DMLARSENAL_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=native \
    -DPython_EXECUTABLE=\"\$(command -v '$PYTHON')\" \
    -Dpybind11_DIR=\"\$('$PYTHON' -m pybind11 --cmakedir)\" &&
  cmake --build '$BUILD' --target _core _cuda -j '$JOBS'
" > "$OUTDIR/build.log" 2>&1; then
  note "BUILD FAILED (see build.log):"
  tail -n 30 "$OUTDIR/build.log" | tee -a "$OUTDIR/summary.txt"
  exit 1
fi
note "build done"

SITE="$BUILD/site"
rm -rf "$SITE" && mkdir -p "$SITE"
cp -r "$ROOT/python/mlarsenal" "$SITE/"
cp "$BUILD"/_core*.so "$BUILD"/_cuda*.so "$SITE/mlarsenal/"
export PYTHONPATH="$SITE${PYTHONPATH:+:$PYTHONPATH}"
"$PYTHON" -c "import mlarsenal, json; print(json.dumps(mlarsenal.build_info()['cuda'], default=str))" \
  >> "$OUTDIR/summary.txt" 2>&1
"$PYTHON" -c "from mlarsenal._cuda_support import cuda_available as a; raise SystemExit(0 if a() else 1)" \
  || { note "the CUDA module loads but sees no usable GPU"; exit 1; }

# ---------------------------------------------------------------- GPU tests
note "running the GPU tests"
timeout 150 "$PYTHON" -m pytest tests/python/cuda tests/python/test_cuda_support.py \
  -q -p no:cacheprovider -o addopts="" -m gpu --junitxml="$OUTDIR/gpu_tests.xml" \
  > "$OUTDIR/gpu_tests.log" 2>&1
TESTS_RC=$?
note "GPU tests exit code $TESTS_RC: $(tail -n 1 "$OUTDIR/gpu_tests.log")"

# ---------------------------------------------------------------- benchmarks
REMAINING=$(( 470 - $(elapsed) ))
if (( REMAINING < 60 )); then
  note "skipping benchmarks: only ${REMAINING}s left of the budget"
  exit 1
fi
note "running the GPU benchmarks (limit ${REMAINING}s)"
timeout "$REMAINING" "$PYTHON" -m benchmarks.gpu_bench --out "$OUTDIR" > "$OUTDIR/gpu_bench.log" 2>&1
BENCH_RC=$?
note "benchmarks exit code $BENCH_RC"
cat "$OUTDIR/gpu_bench.log" >> "$OUTDIR/summary.txt"
note "done"
exit $(( TESTS_RC != 0 || BENCH_RC != 0 ))
