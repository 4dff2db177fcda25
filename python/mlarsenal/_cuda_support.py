"""Lazy access to the optional ``_cuda`` extension.

The CPU package never imports ``_cuda`` at import time: the module exists only
in CUDA builds, and querying it needs a driver. Everything here degrades to
"not built" or "no device" instead of raising.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType


@functools.cache
def cuda_module() -> ModuleType | None:
    """The ``mlarsenal._cuda`` module, or None when this build has no CUDA."""
    try:
        return importlib.import_module("mlarsenal._cuda")
    except ImportError:
        return None


def cuda_info() -> dict:
    """CUDA facts for :func:`mlarsenal.build_info`."""
    module = cuda_module()
    if module is None:
        return {"built": False}
    status = module.runtime_status()
    return {
        "built": True,
        "compiler": module.compiler,
        "archs": module.compiled_archs.split(","),
        "runtime_version": status["runtime_version"],
        "driver_version": status["driver_version"],
        "device_count": status["device_count"],
        "devices": module.devices() if status["device_count"] else [],
        "error": status["error"],
    }


def cuda_available() -> bool:
    """True when the CUDA module is built and at least one GPU is usable."""
    module = cuda_module()
    return module is not None and module.runtime_status()["device_count"] > 0
