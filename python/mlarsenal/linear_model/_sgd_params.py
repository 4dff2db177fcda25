"""SGDClassifier / SGDRegressor parameters: defaults and checks (scikit-learn's)."""

from __future__ import annotations

import numbers

import numpy as np

from mlarsenal.linear_model._svm_params import check_int, real_in_range

CLASSIFICATION_LOSSES = ("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron")
REGRESSION_LOSSES = (
    "squared_error",
    "huber",
    "epsilon_insensitive",
    "squared_epsilon_insensitive",
)
PENALTIES = ("l2", "l1", "elasticnet", None)
LEARNING_RATES = ("constant", "optimal", "invscaling", "adaptive")

_SHARED = {
    "penalty": "l2",
    "alpha": 1e-4,
    "l1_ratio": 0.15,
    "fit_intercept": True,
    "max_iter": 1000,
    "tol": 1e-3,
    "shuffle": True,
    "verbose": 0,
    "epsilon": 0.1,
    "random_state": None,
    "eta0": 0.01,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "n_iter_no_change": 5,
    "warm_start": False,
    "average": False,
}
CLASSIFIER_DEFAULTS = {
    **_SHARED,
    "loss": "hinge",
    "n_jobs": None,
    "learning_rate": "optimal",
    "power_t": 0.5,
    "class_weight": None,
}
REGRESSOR_DEFAULTS = {
    **_SHARED,
    "loss": "squared_error",
    "learning_rate": "invscaling",
    "power_t": 0.25,
}


def check_params(est, *, losses, for_partial_fit: bool = False) -> None:
    """Raise ValueError/TypeError naming the first invalid parameter of `est`."""
    if est.loss not in losses:
        raise ValueError(f"loss must be one of {', '.join(losses)}; got {est.loss!r}")
    if est.penalty not in PENALTIES:
        raise ValueError(f'penalty must be "l2", "l1", "elasticnet" or None, got {est.penalty!r}')
    real_in_range(est.alpha, "alpha", low=0.0, low_open=False)
    if est.l1_ratio is None:
        if est.penalty == "elasticnet":
            raise ValueError('l1_ratio must be set when penalty is "elasticnet"')
    else:
        real_in_range(est.l1_ratio, "l1_ratio", low=0.0, low_open=False, high=1.0)
    for name in ("fit_intercept", "shuffle", "early_stopping", "warm_start"):
        if not isinstance(getattr(est, name), (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {getattr(est, name)!r}")
    check_int(est.max_iter, "max_iter", low=1)
    tol = est.tol
    if tol is not None and (
        isinstance(tol, bool) or not isinstance(tol, numbers.Real) or np.isnan(tol)
    ):
        raise TypeError(f"tol must be a number or None, got {tol!r}")
    real_in_range(est.epsilon, "epsilon", low=0.0, low_open=False)
    if est.learning_rate not in LEARNING_RATES:
        raise ValueError(
            f"learning_rate must be one of {LEARNING_RATES}, got {est.learning_rate!r}"
        )
    real_in_range(est.eta0, "eta0", low=0.0, low_open=False)
    real_in_range(est.power_t, "power_t", low=-np.inf, low_open=True)
    real_in_range(est.validation_fraction, "validation_fraction", low=0.0, low_open=True,
                  high=1.0, high_open=True)  # fmt: skip
    check_int(est.n_iter_no_change, "n_iter_no_change", low=1)
    average = est.average
    if not isinstance(average, (bool, np.bool_)):
        check_int(average, "average", low=1)
    cw = getattr(est, "class_weight", None)
    if not (cw is None or cw == "balanced" or isinstance(cw, dict)):
        raise ValueError(f'class_weight must be None, "balanced" or a dict, got {cw!r}')
    if est.learning_rate == "optimal" and est.alpha == 0:
        raise ValueError('alpha must be > 0 with learning_rate="optimal": it sets the step sizes')
    if est.learning_rate != "optimal" and not est.eta0 > 0:
        raise ValueError(f"eta0 must be > 0 with learning_rate={est.learning_rate!r}")
    if for_partial_fit and est.early_stopping:
        raise ValueError("early_stopping must be False with partial_fit")
    if for_partial_fit and cw == "balanced":
        raise ValueError(
            'class_weight="balanced" is not supported by partial_fit (a batch does not show '
            "the class frequencies); compute the weights with "
            "sklearn.utils.compute_class_weight on a large sample and pass them as a dict"
        )


def average_start(est) -> float:
    """The count of rows seen from which weights are averaged (0: no averaging)."""
    return float(int(est.average)) if est.average else 0.0
