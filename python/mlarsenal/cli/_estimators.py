"""The model kinds ``mlarsenal train`` builds, and which task a target column calls for."""

from __future__ import annotations

import numpy as np

# --model choice -> the task it fixes (None: detected from the target).
MODEL_KINDS = {
    "gradient_boosting": None,
    "gradient_boosting_classifier": "classification",
    "gradient_boosting_regressor": "regression",
}
# An integer-valued numeric target with at most this many distinct values is
# taken for class labels; more, for a quantity to regress.
MAX_AUTO_CLASSES = 20


def detect_task(y: np.ndarray) -> str:
    """'classification' for labels (text, booleans, few integer values), else 'regression'."""
    if y.dtype == object or y.dtype == bool:
        return "classification"
    values = np.unique(y)
    integral = np.array_equal(values, np.round(values))
    return "classification" if integral and len(values) <= MAX_AUTO_CLASSES else "regression"


def make_estimator(task: str, params: dict, seed: int):
    """An unfitted gradient-boosting estimator for `task` with `params` set."""
    from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

    cls = GradientBoostingClassifier if task == "classification" else GradientBoostingRegressor
    estimator = cls(random_state=seed)
    known = estimator.get_params(deep=False)
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(
            f"--param: {cls.__name__} has no parameter(s) {unknown}; "
            f"its parameters are {sorted(known)}"
        )
    return estimator.set_params(**params)
