"""Lasso's and ElasticNet's parameters: defaults, checks and what they resolve to."""

from __future__ import annotations

import numpy as np

from mlarsenal._validation.scalars import is_int, is_real

DEFAULTS = {
    "alpha": 1.0,
    "l1_ratio": 0.5,
    "fit_intercept": True,
    "precompute": False,
    "max_iter": 1000,
    "copy_X": True,
    "tol": 1e-4,
    "warm_start": False,
    "positive": False,
    "random_state": None,
    "selection": "cyclic",
    "n_jobs": None,
}


def check_params(est, *, has_l1_ratio: bool) -> None:
    """Raise ValueError/TypeError naming the first invalid parameter of `est`."""
    _finite_real(est.alpha, "alpha", low=0.0, high=None)
    if has_l1_ratio:
        _finite_real(est.l1_ratio, "l1_ratio", low=0.0, high=1.0)
    _finite_real(est.tol, "tol", low=0.0, high=None)
    for name in ("fit_intercept", "copy_X", "warm_start", "positive"):
        if not isinstance(getattr(est, name), (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {getattr(est, name)!r}")
    if est.precompute is not False:
        # A Gram matrix only pays off for a few features; the native solver
        # reads X directly (working sets keep the inner loop small).
        raise ValueError(
            f"precompute must be False (the only supported value), got {est.precompute!r}"
        )
    if not is_int(est.max_iter):
        raise TypeError(f"max_iter must be an int, got {est.max_iter!r}")
    if est.max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {est.max_iter}")
    if est.selection not in ("cyclic", "random"):
        raise ValueError(f'selection must be "cyclic" or "random", got {est.selection!r}')


def _finite_real(value, name: str, *, low: float, high: float | None) -> None:
    if not is_real(value):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (np.isfinite(value) and value >= low and (high is None or value <= high)):
        bounds = f"in [{low:g}, {high:g}]" if high is not None else f">= {low:g}"
        raise ValueError(f"{name} must be a finite number {bounds}, got {value!r}")


def penalty_strengths(alpha: float, l1_ratio: float) -> tuple[float, float]:
    """(l1, l2) of the solver's objective: alpha * l1_ratio and alpha * (1 - l1_ratio)."""
    return float(alpha) * float(l1_ratio), float(alpha) * (1.0 - float(l1_ratio))
