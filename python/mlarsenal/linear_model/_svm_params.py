"""LinearSVC's parameters: defaults and checks."""

from __future__ import annotations

import numbers

import numpy as np

DEFAULTS = {
    "penalty": "l2",
    "loss": "squared_hinge",
    "dual": "auto",
    "tol": 1e-4,
    "C": 1.0,
    "multi_class": "ovr",
    "fit_intercept": True,
    "intercept_scaling": 1.0,
    "class_weight": None,
    "verbose": 0,
    "random_state": None,
    "max_iter": 1000,
    "n_jobs": None,
}


# (penalty, loss) -> the solvers scikit-learn (liblinear) offers for it:
# True is the dual solver, False the primal one.
SOLVERS = {
    ("l2", "squared_hinge"): (True, False),
    ("l2", "hinge"): (True,),
    ("l1", "squared_hinge"): (False,),
}


def check_params(est) -> None:
    """Raise ValueError/TypeError naming the first invalid parameter of `est`."""
    if est.penalty not in ("l1", "l2"):
        raise ValueError(f'penalty must be "l1" or "l2", got {est.penalty!r}')
    if est.loss not in ("hinge", "squared_hinge"):
        raise ValueError(f'loss must be "hinge" or "squared_hinge", got {est.loss!r}')
    if not (est.dual == "auto" or isinstance(est.dual, (bool, np.bool_))):
        raise ValueError(f'dual must be True, False or "auto", got {est.dual!r}')
    solvers = SOLVERS.get((est.penalty, est.loss), ())
    if not solvers:
        raise ValueError(
            f"penalty={est.penalty!r} with loss={est.loss!r} is not supported (as in "
            'scikit-learn); penalty="l1" needs loss="squared_hinge"'
        )
    if est.dual != "auto" and bool(est.dual) not in solvers:
        raise ValueError(
            f"penalty={est.penalty!r} with loss={est.loss!r} is not supported with "
            f"dual={est.dual!r} (as in scikit-learn); use dual={solvers[0]!r}"
        )
    if est.multi_class != "ovr":
        raise ValueError(f'multi_class must be "ovr", got {est.multi_class!r}')
    real_in_range(est.tol, "tol", low=0.0, low_open=False)
    real_in_range(est.C, "C", low=0.0, low_open=True)
    real_in_range(est.intercept_scaling, "intercept_scaling", low=0.0, low_open=True)
    if not isinstance(est.fit_intercept, (bool, np.bool_)):
        raise TypeError(f"fit_intercept must be a bool, got {est.fit_intercept!r}")
    check_int(est.max_iter, "max_iter", low=0)
    cw = est.class_weight
    if not (cw is None or cw == "balanced" or isinstance(cw, dict)):
        raise ValueError(f'class_weight must be None, "balanced" or a dict, got {cw!r}')


def uses_dual_solver(est, n_samples: int, n_features: int) -> bool:
    """Whether the dual solver runs: `dual` itself, or for "auto" scikit-learn's rule.

    "auto" prefers the dual solver when there are fewer samples than features
    and the primal one otherwise, falling back to the other where the
    penalty/loss pair has only one (after `check_params`).
    """
    if est.dual != "auto":
        return bool(est.dual)
    solvers = SOLVERS[(est.penalty, est.loss)]
    preferred = n_samples < n_features
    return preferred if preferred in solvers else solvers[0]


def real_in_range(value, name: str, *, low: float, low_open: bool, high: float | None = None,
                  high_open: bool = False) -> None:  # fmt: skip
    """A finite real number within the given bounds, else TypeError/ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    ok = bool(np.isfinite(value)) and (value > low if low_open else value >= low)
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        lower = f"{'>' if low_open else '>='} {low}"
        upper = "" if high is None else f" and {'<' if high_open else '<='} {high}"
        raise ValueError(f"{name} must be a finite number {lower}{upper}, got {value!r}")


def check_int(value, name: str, *, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
