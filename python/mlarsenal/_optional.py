"""Lazy imports of optional dependencies, with an error that names the extra.

Heavy or situational packages (torch, the serving stack, dask, mlflow,
matplotlib, the benchmark peers) are never imported by ``import mlarsenal``;
the code that needs one calls :func:`import_optional` at the point of use.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Top-level module -> the extra of pyproject.toml that installs it.
EXTRA_OF_MODULE = {
    "fastapi": "serve",
    "uvicorn": "serve",
    "orjson": "serve",
    "prometheus_client": "serve",
    "torch": "torch",
    "dask": "dask",
    "distributed": "dask",
    "mlflow": "mlflow",
    "matplotlib": "plot",
    "numba": "numba",
    "tqdm": "progress",
    "lightgbm": "bench",
    "xgboost": "bench",
    "faiss": "bench",
    "pandas": "test",
    "pyarrow": "test",
    "polars": "test",
}


class MissingOptionalDependency(ImportError):
    """An optional dependency is not installed; the message says how to get it."""


def import_optional(
    name: str, *, extra: str | None = None, purpose: str | None = None
) -> ModuleType:
    """Import module `name`, or raise MissingOptionalDependency naming the extra.

    >>> import_optional("numpy").__name__
    'numpy'
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        top_level = name.split(".")[0]
        extra = extra or EXTRA_OF_MODULE.get(top_level)
        what = purpose or "this feature of mlarsenal"
        hint = f"pip install 'mlarsenal[{extra}]'" if extra else f"pip install {top_level}"
        raise MissingOptionalDependency(
            f"{what} needs the optional dependency '{top_level}', which is not installed. "
            f"Install it with: {hint}"
        ) from exc
