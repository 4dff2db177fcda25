"""The ``options`` and ``tol`` of minimize(method="lbfgs"): names, defaults and checks.

Names and defaults are scipy's for ``method="L-BFGS-B"`` so that a call moves
over unchanged.
"""

from __future__ import annotations

import numbers

import numpy as np

DEFAULTS = {
    "maxcor": 10,
    "ftol": 2.220446049250313e-09,  # scipy's factr=1e7 times machine epsilon
    "gtol": 1e-5,
    "maxiter": 15000,
    "maxfun": 15000,
    "maxls": 20,
}
# Accepted for compatibility with scipy calls; they only control printing.
_IGNORED = {"disp", "iprint"}
_MINIMUM = {"maxcor": 1, "maxiter": 0, "maxfun": 1, "maxls": 1}


def resolve_options(options, tol) -> dict:
    """Defaults overridden by `tol` (ftol and gtol, as scipy does) and then `options`."""
    resolved = dict(DEFAULTS)
    if tol is not None:
        resolved["ftol"] = resolved["gtol"] = _non_negative(tol, "tol")
    if options is None:
        return resolved
    if not isinstance(options, dict):
        raise TypeError(f"options must be a dict or None, got {type(options).__name__}")
    for name, value in options.items():
        if name in _IGNORED:
            continue
        if name not in DEFAULTS:
            known = ", ".join(sorted(DEFAULTS))
            raise ValueError(f"options: unknown option {name!r} for lbfgs; known: {known}")
        if name in _MINIMUM:
            resolved[name] = _integer(value, f"options[{name!r}]", _MINIMUM[name])
        else:
            resolved[name] = _non_negative(value, f"options[{name!r}]")
    return resolved


def _integer(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _non_negative(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)
