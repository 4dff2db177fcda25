"""Model serving over the Open Inference Protocol v2 (REST), with the binary tensor extension.

:func:`create_app` builds the ASGI app (FastAPI) for model files or registry
references; :func:`serve` runs it (uvicorn, one or several worker processes,
graceful shutdown); :data:`serve_command` is the ``mlarsenal serve`` command,
also runnable as ``python -m mlarsenal.serving``. Importing this package is
cheap: FastAPI, uvicorn and orjson (the ``serve`` extra) load only when an app
is built or a server runs. See docs/user_guide/serving.md.
"""

import importlib as _importlib

_LAZY_ATTRIBUTES = {
    "create_app": "mlarsenal.serving._app",
    "serve": "mlarsenal.serving._runner",
    "serve_command": "mlarsenal.serving._command",
    "AppSettings": "mlarsenal.serving._settings",
    "RunSettings": "mlarsenal.serving._settings",
}

__all__ = sorted(_LAZY_ATTRIBUTES)


def __getattr__(name):
    if name in _LAZY_ATTRIBUTES:
        return getattr(_importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'mlarsenal.serving' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_ATTRIBUTES))
