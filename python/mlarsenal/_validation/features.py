"""Feature counts and names, recorded at fit and checked afterwards.

Follows scikit-learn's conventions: ``n_features_in_`` always,
``feature_names_in_`` only when fitted on a table whose column names are all
strings; later calls must present the same features in the same order.
"""

from __future__ import annotations

import warnings

import numpy as np

from mlarsenal._validation.arrays import FLOAT_DTYPES, check_array, check_finite
from mlarsenal._validation.arrow import arrow_column_names, is_arrow_table


def feature_names_of(X) -> np.ndarray | None:
    """Column names of a DataFrame-like `X`, or None (arrays, non-string names)."""
    columns = getattr(X, "columns", None)
    if columns is not None and not isinstance(X, np.ndarray):
        names = list(columns)
    elif is_arrow_table(X):
        names = arrow_column_names(X)
    else:
        return None
    if not names or not all(isinstance(n, str) for n in names):
        return None
    return np.asarray(names, dtype=object)


def check_feature_names(estimator, X, *, reset: bool) -> None:
    """Record (reset=True) or check the feature names of `X` against a fitted estimator.

    Messages follow scikit-learn's wording, which its estimator checks match.
    """
    names = feature_names_of(X)
    if reset:
        if names is not None:
            estimator.feature_names_in_ = names
        elif hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    fitted = getattr(estimator, "feature_names_in_", None)
    estimator_name = type(estimator).__name__
    if fitted is None and names is None:
        return
    if fitted is not None and names is None:
        warnings.warn(
            f"X does not have valid feature names, but {estimator_name} was fitted with "
            "feature names",
            UserWarning,
            stacklevel=3,
        )
        return
    if fitted is None:
        warnings.warn(
            f"X has feature names, but {estimator_name} was fitted without feature names",
            UserWarning,
            stacklevel=3,
        )
        return
    if len(fitted) == len(names) and np.array_equal(fitted, names):
        return
    seen = set(fitted.tolist())
    given = set(names.tolist())
    message = "The feature names should match those that were passed during fit.\n"
    unexpected = [n for n in names if n not in seen]
    missing = [n for n in fitted if n not in given]
    if unexpected:
        message += f"Feature names unseen at fit time:\n- {_listing(unexpected)}\n"
    if missing:
        message += f"Feature names seen at fit time, yet now missing:\n- {_listing(missing)}\n"
    if not unexpected and not missing:
        message += "Feature names must be in the same order as they were in fit.\n"
    raise ValueError(message)


def _listing(names, limit: int = 5) -> str:
    shown = "\n- ".join(str(n) for n in names[:limit])
    return shown + ("\n- ..." if len(names) > limit else "")


def validate_features(estimator, X, *, reset: bool, **check_array_kwargs) -> np.ndarray:
    """check_array plus the n_features_in_ / feature_names_in_ bookkeeping."""
    check_feature_names(estimator, X, reset=reset)
    array = check_array(X, **check_array_kwargs)
    n_features = array.shape[1] if array.ndim == 2 else 1
    if reset:
        estimator.n_features_in_ = n_features
    else:
        expected = getattr(estimator, "n_features_in_", None)
        if expected is not None and n_features != expected:
            raise ValueError(
                f"X has {n_features} features, but {type(estimator).__name__} "
                f"is expecting {expected} features as input"
            )
    return array


def feature_name_list(estimator) -> list[str] | None:
    """The fitted feature names as plain strings (for JSON and Forests), or None."""
    names = getattr(estimator, "feature_names_in_", None)
    return None if names is None else [str(n) for n in names]


def plain_float_matrix(estimator, X) -> np.ndarray | None:
    """`X` itself, checked, when it needs no conversion; None when it does.

    The common serving call to a tree model is a 2-D float32/float64 ndarray
    for an estimator fitted without feature names: then only infinity is
    rejected (NaN is a missing value) and the width checked, which keeps one
    row's prediction in microseconds. Anything else goes through the full
    conversion of the caller.
    """
    if not (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in FLOAT_DTYPES
        and getattr(estimator, "feature_names_in_", None) is None
    ):
        return None
    check_finite(X, "X", allow_nan=True)
    check_n_features(estimator, X.shape[1])
    return X


def check_n_features(estimator, n_features: int) -> None:
    expected = estimator.n_features_in_
    if n_features != expected:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is expecting "
            f"{expected} features as input"
        )
