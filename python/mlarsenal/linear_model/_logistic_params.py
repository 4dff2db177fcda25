"""LogisticRegression's parameters: defaults, checks and what they resolve to."""

from __future__ import annotations

import numbers

import numpy as np

DEFAULTS = {
    "penalty": "l2",
    "C": 1.0,
    "tol": 1e-4,
    "fit_intercept": True,
    "class_weight": None,
    "solver": "lbfgs",
    "max_iter": 100,
    "warm_start": False,
    "n_jobs": None,
    "l1_ratio": None,
    "random_state": None,
}
SOLVERS = ("lbfgs", "saga")
PENALTIES = ("l2", "l1", "elasticnet", None)


def check_params(est) -> None:
    """Raise ValueError/TypeError naming the first invalid parameter of `est`."""
    if est.penalty not in PENALTIES:
        raise ValueError(f'penalty must be "l2", "l1", "elasticnet" or None, got {est.penalty!r}')
    if est.penalty == "elasticnet":
        ratio = est.l1_ratio
        if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real) or not 0 <= ratio <= 1:
            raise ValueError(
                f'l1_ratio must be a number in [0, 1] with penalty="elasticnet", got {ratio!r}'
            )
    _positive_real(est.C, "C", allow_zero=False)
    _positive_real(est.tol, "tol", allow_zero=True)
    for name in ("fit_intercept", "warm_start"):
        if not isinstance(getattr(est, name), (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {getattr(est, name)!r}")
    if est.solver not in SOLVERS:
        raise ValueError(f'solver must be "lbfgs" or "saga", got {est.solver!r}')
    max_iter = est.max_iter
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral):
        raise TypeError(f"max_iter must be an int, got {max_iter!r}")
    if max_iter < 0:
        raise ValueError(f"max_iter must be >= 0, got {max_iter}")
    cw = est.class_weight
    if not (cw is None or cw == "balanced" or isinstance(cw, dict)):
        raise ValueError(f'class_weight must be None, "balanced" or a dict, got {cw!r}')


def _positive_real(value, name: str, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    ok = np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")


def penalty_strengths(est, weight_sum: float) -> tuple[float, float]:
    """(l2, l1) coefficients of the normalised objective ``... + ½ l2 ‖W‖² + l1 ‖W‖₁``:
    the penalty's share of 1 / (C * sum of weights)."""
    strength = 1.0 / (float(est.C) * weight_sum)
    if est.penalty is None:
        return 0.0, 0.0
    if est.penalty == "l1":
        return 0.0, strength
    if est.penalty == "elasticnet":
        ratio = float(est.l1_ratio)
        return (1.0 - ratio) * strength, ratio * strength
    return strength, 0.0
