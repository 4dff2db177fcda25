"""``mlarsenal.build_info()``: how this copy was built and what it runs on."""

from __future__ import annotations

import platform
import sys

from mlarsenal import _core
from mlarsenal._cuda_support import cuda_info
from mlarsenal._threads import effective_n_jobs
from mlarsenal._version import __version__


class BuildInfo(dict):
    """A plain dict whose ``str()`` is a readable summary (``print(build_info())``)."""

    def __str__(self) -> str:
        omp = self["openmp"]
        simd = self["simd"]
        cuda = self["cuda"]
        if cuda["built"]:
            cuda_line = (
                f"built (archs {', '.join(cuda['archs'])}; {cuda['device_count']} device(s)"
                + (f"; {cuda['error']}" if cuda["error"] else "")
                + ")"
            )
        else:
            cuda_line = "not built"
        lines = [
            f"mlarsenal {self['version']}",
            f"  python     {self['python']} on {self['platform']}",
            f"  compiler   {self['compiler']} ({self['build_type']})",
            f"  flags      {self['cxx_flags']}",
            f"  openmp     {'on ' + omp['version'] if omp['enabled'] else 'OFF (serial build)'}"
            f"; {omp['max_threads']} thread(s) by default",
            f"  simd       active {simd['active']} (detected {simd['detected']}, "
            f"compiled {', '.join(simd['compiled'])}{', -march=native' if simd['native'] else ''})",
            f"  cpu        {', '.join(simd['cpu_features']) or 'baseline'}",
            f"  cuda       {cuda_line}",
        ]
        return "\n".join(lines)


def build_info() -> BuildInfo:
    """Version, compiler, flags, OpenMP, SIMD levels and CUDA status.

    Returns a dict (printable as a summary) with keys ``version``, ``python``,
    ``platform``, ``compiler``, ``cxx_flags``, ``build_type``, ``openmp``
    (``enabled``, ``version``, ``max_threads``), ``simd`` (``compiled``,
    ``detected``, ``active``, ``native``, ``cpu_features``), ``cuda``
    (``built`` and, when built, ``archs``, ``device_count``, ...) and
    ``n_jobs_default``.

    >>> import mlarsenal
    >>> info = mlarsenal.build_info()
    >>> info["version"] == mlarsenal.__version__
    True
    """
    core = _core.build_info()
    return BuildInfo(
        version=__version__,
        native_version=core["version"],
        python=platform.python_version(),
        platform=f"{platform.system()}-{platform.machine()}",
        executable=sys.executable,
        compiler=core["compiler"],
        cxx_flags=core["cxx_flags"],
        build_type=core["build_type"],
        openmp={
            "enabled": core["openmp"],
            "version": core["openmp_version"],
            "max_threads": _core.max_threads(),
        },
        simd={
            "compiled": core["simd_compiled"].split(";"),
            "detected": core["simd_detected"],
            "active": core["simd_active"],
            "native": core["native"],
            "cpu_features": core["cpu_features"],
        },
        cuda=cuda_info(),
        n_jobs_default=effective_n_jobs(None),
    )
