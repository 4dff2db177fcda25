"""mlarsenal: machine learning with native hot paths.

The public surface is what this module and each subpackage's ``__init__``
re-export. Subpackages load on first attribute access, so ``import mlarsenal``
stays cheap and never touches a GPU driver.
"""

import importlib as _importlib

from mlarsenal._build_info import build_info
from mlarsenal._threads import effective_n_jobs
from mlarsenal._version import __version__

_SUBPACKAGES = (
    "cluster",
    "ensemble",
    "forest",
    "linear_model",
    "metrics",
    "mlflow",
    "naive_bayes",
    "neighbors",
    "optim",
    "optimize",
    "registry",
    "serving",
    "tracking",
    "tree",
)
# Top-level names that live in a private module, imported on first access.
_LAZY_ATTRIBUTES = {
    "load": "mlarsenal._serialization",
    "ModelFormatError": "mlarsenal._serialization",
    "GradientBoostingClassifier": "mlarsenal.ensemble",
    "GradientBoostingRegressor": "mlarsenal.ensemble",
}

__all__ = [
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "ModelFormatError",
    "__version__",
    "build_info",
    "effective_n_jobs",
    "load",
    *_SUBPACKAGES,
]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return _importlib.import_module(f"mlarsenal.{name}")
    if name in _LAZY_ATTRIBUTES:
        return getattr(_importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'mlarsenal' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBPACKAGES) | set(_LAZY_ATTRIBUTES))
