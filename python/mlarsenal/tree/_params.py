"""The one home of the decision-tree parameters and their validation.

Names, meanings and defaults follow scikit-learn's trees and forests
(``criterion``, ``max_depth``, ``min_samples_split``, ``min_samples_leaf``,
``min_weight_fraction_leaf``, ``max_features``, ``max_leaf_nodes``,
``min_impurity_decrease``, ``bootstrap``, ``max_samples``, ``oob_score``);
``max_bins`` is the histogram resolution shared with gradient boosting.
"""

from __future__ import annotations

import math

from mlarsenal._validation.scalars import is_int, is_real

CLASSIFICATION_CRITERIA = ("gini", "entropy", "log_loss")
REGRESSION_CRITERIA = ("squared_error",)


def _count_or_fraction(name, value, n_rows, *, min_int, open_zero=True) -> int:
    """An int >= min_int, or a float fraction of n_rows in (0, 1] (scikit-learn's rule)."""
    if is_int(value):
        if value < min_int:
            raise ValueError(
                f"{name} must be an int >= {min_int} or a float in (0, 1], got {value}"
            )
        return int(value)
    if is_real(value) and 0.0 < value <= 1.0:
        return max(min_int, math.ceil(value * n_rows))
    raise ValueError(f"{name} must be an int >= {min_int} or a float in (0, 1], got {value!r}")


def native_tree_params(est, *, n_rows, n_features, n_classes, total_weight) -> dict:
    """Checked parameters of a tree estimator as the native trainer takes them."""
    classifier = n_classes > 0
    criteria = CLASSIFICATION_CRITERIA if classifier else REGRESSION_CRITERIA
    if est.criterion not in criteria:
        raise ValueError(
            f"criterion must be one of {', '.join(map(repr, criteria))}, got {est.criterion!r}"
        )
    criterion = "entropy" if est.criterion == "log_loss" else est.criterion
    max_depth = est.max_depth
    if max_depth is not None and not (is_int(max_depth) and max_depth >= 1):
        raise ValueError(f"max_depth must be None or an int >= 1, got {max_depth!r}")
    min_split = _count_or_fraction("min_samples_split", est.min_samples_split, n_rows, min_int=2)
    min_leaf = _count_or_fraction("min_samples_leaf", est.min_samples_leaf, n_rows, min_int=1)
    fraction = est.min_weight_fraction_leaf
    if not (is_real(fraction) and 0.0 <= fraction <= 0.5):
        raise ValueError(f"min_weight_fraction_leaf must be a float in [0, 0.5], got {fraction!r}")
    max_leaf_nodes = est.max_leaf_nodes
    if max_leaf_nodes is not None and not (is_int(max_leaf_nodes) and max_leaf_nodes >= 2):
        raise ValueError(f"max_leaf_nodes must be None or an int >= 2, got {max_leaf_nodes!r}")
    decrease = est.min_impurity_decrease
    if not (is_real(decrease) and decrease >= 0.0):
        raise ValueError(f"min_impurity_decrease must be a float >= 0, got {decrease!r}")
    return {
        "criterion": criterion,
        "n_classes": int(n_classes),
        "max_depth": 0 if max_depth is None else int(max_depth),
        "min_samples_split": max(min_split, 2 * min_leaf),
        "min_samples_leaf": min_leaf,
        "min_weight_leaf": float(fraction) * float(total_weight),
        "min_impurity_decrease": float(decrease),
        "max_leaf_nodes": 0 if max_leaf_nodes is None else int(max_leaf_nodes),
        "max_features": features_per_split(est.max_features, n_features),
        "random_thresholds": bool(getattr(est, "_random_thresholds", False)),
    }


def features_per_split(max_features, n_features: int) -> int:
    """How many features each split scores: "sqrt", "log2", None (all), an int or a fraction."""
    if max_features is None:
        return n_features
    if isinstance(max_features, str):
        if max_features == "sqrt":
            return max(1, int(math.sqrt(n_features)))
        if max_features == "log2":
            return max(1, int(math.log2(n_features)))
        raise ValueError(
            f"max_features must be 'sqrt', 'log2', None, an int or a float, got {max_features!r}"
        )
    if is_int(max_features):
        if not 1 <= max_features <= n_features:
            raise ValueError(
                f"max_features must be in [1, n_features={n_features}], got {max_features}"
            )
        return int(max_features)
    if is_real(max_features) and 0.0 < max_features <= 1.0:
        return max(1, int(max_features * n_features))
    raise ValueError(
        f"max_features must be 'sqrt', 'log2', None, an int or a float in (0, 1], got {max_features!r}"
    )


def check_max_bins(max_bins) -> int:
    if not (is_int(max_bins) and 2 <= max_bins <= 255):
        raise ValueError(f"max_bins must be an int in [2, 255], got {max_bins!r}")
    return int(max_bins)


def draws_per_tree(max_samples, n_rows: int) -> int:
    """Rows drawn (with replacement) for each tree's bootstrap."""
    if max_samples is None:
        return n_rows
    if is_int(max_samples):
        if not 1 <= max_samples <= n_rows:
            raise ValueError(f"max_samples must be in [1, n_samples={n_rows}], got {max_samples}")
        return int(max_samples)
    if is_real(max_samples) and 0.0 < max_samples <= 1.0:
        return max(1, round(n_rows * max_samples))
    raise ValueError(f"max_samples must be None, an int or a float in (0, 1], got {max_samples!r}")


def check_n_estimators(n_estimators) -> int:
    if not (is_int(n_estimators) and n_estimators >= 1):
        raise ValueError(f"n_estimators must be an int >= 1, got {n_estimators!r}")
    return int(n_estimators)
