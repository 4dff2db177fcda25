"""What a result depends on: machine, threads, versions, BLAS settings, build, commit.

Everything here is read, never set: the BLAS variables in particular are recorded as
found (see the BLAS note in ``docs/developer/benchmarks.md``).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import subprocess
from pathlib import Path

import mlarsenal

REPO_ROOT = Path(__file__).resolve().parent.parent

# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE pick (or mis-pick) OpenBLAS kernels and can halve
# BLAS speed; the thread counts bound every library sharing the process; MLARSENAL_SIMD
# caps our own kernels' instruction set.
RECORDED_ENV_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "MLARSENAL_SIMD",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
)

# Versions worth knowing when they are installed; missing ones are recorded as None.
RECORDED_DISTRIBUTIONS = (
    "numpy",
    "scipy",
    "scikit-learn",
    "lightgbm",
    "xgboost",
    "faiss-cpu",
    "threadpoolctl",
    "torch",
)


def capture_environment(n_jobs: int | None) -> dict:
    return {
        "cpu": cpu_description(),
        "n_jobs": n_jobs,
        "threads": mlarsenal.effective_n_jobs(n_jobs),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: _version_or_none(name) for name in RECORDED_DISTRIBUTIONS},
        "env": {name: os.environ.get(name) for name in RECORDED_ENV_VARS},
        "blas": blas_libraries(),
        "build_info": dict(mlarsenal.build_info()),
        "source": source_revision(),
    }


def source_revision(repo: Path = REPO_ROOT) -> dict:
    """The git commit the benchmarked checkout is at, and whether it has local changes.

    None values when git or the repository is unavailable (e.g. an unpacked sdist).
    """

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}


def cpu_description() -> dict:
    return {
        "model": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
    }


def cpu_model(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> str:
    """The CPU's marketing name: /proc/cpuinfo on Linux, else py-cpuinfo, else platform."""
    try:
        for line in cpuinfo_path.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    except OSError:
        pass
    if importlib.util.find_spec("cpuinfo") is not None:
        import cpuinfo  # py-cpuinfo, part of the bench extra

        brand = cpuinfo.get_cpu_info().get("brand_raw")
        if brand:
            return brand
    return platform.processor() or platform.machine() or "unknown"


def blas_libraries() -> list[dict]:
    """BLAS/OpenMP libraries loaded so far, as threadpoolctl sees them (if installed).

    Its ``architecture`` field shows the kernel OpenBLAS actually picked, i.e. the effect
    of OPENBLAS_CORETYPE, which the variable alone does not tell.
    """
    if importlib.util.find_spec("threadpoolctl") is None:
        return []
    from threadpoolctl import threadpool_info

    keep = ("user_api", "internal_api", "prefix", "version", "architecture", "num_threads")
    return [{k: lib.get(k) for k in keep} for lib in threadpool_info()]


def _version_or_none(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
