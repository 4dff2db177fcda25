"""Doctest collection of the package (pytest runs the docstrings as tests).

A subpackage built on an optional dependency imports it at import time (mlarsenal.optim needs
torch), so without that dependency its modules cannot even be collected: skip them instead.
"""

import importlib.util

# subpackage directory (or module file) -> the optional module it cannot be imported without
_NEEDS_OPTIONAL = {"optim": "torch", "mlflow.py": "mlflow"}

collect_ignore = [
    package
    for package, module in _NEEDS_OPTIONAL.items()
    if importlib.util.find_spec(module) is None
]
