"""The one home of the gradient-boosting parameters: defaults and validation.

Names follow scikit-learn's HistGradientBoosting where it has one
(``max_iter``, ``max_leaf_nodes``, ``min_samples_leaf``, ``l2_regularization``,
``max_bins``, ``categorical_features``, ``monotonic_cst``, ``interaction_cst``,
``early_stopping``, ``n_iter_no_change``, ``validation_fraction``, ``tol``,
``max_features``) and LightGBM's otherwise (``min_child_weight``,
``min_split_gain``, ``l1_regularization``, ``subsample``, ``colsample_bytree``;
``quantized_gradients`` is LightGBM's ``use_quantized_grad``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlarsenal._validation.scalars import is_int, is_real

# Parameters shared by the classifier and the regressor, with their defaults.
SHARED_DEFAULTS = {
    "learning_rate": 0.1,
    "max_iter": 100,
    "max_leaf_nodes": 31,
    "max_depth": None,
    "min_samples_leaf": 20,
    "min_child_weight": 1e-3,
    "min_split_gain": 0.0,
    "l1_regularization": 0.0,
    "l2_regularization": 0.0,
    "max_bins": 255,
    "max_features": 1.0,
    "quantized_gradients": False,
    "colsample_bytree": 1.0,
    "subsample": 1.0,
    "categorical_features": "from_dtype",
    "monotonic_cst": None,
    "interaction_cst": None,
    "warm_start": False,
    "early_stopping": "auto",
    "scoring": "loss",
    "validation_fraction": 0.1,
    "n_iter_no_change": 10,
    "tol": 1e-7,
    "verbose": 0,
    "random_state": None,
    "n_jobs": None,
}

# Rows used to learn the bin thresholds (all rows below it), as LightGBM and
# scikit-learn do: quantiles from 200k rows are as good as from all of them.
BIN_SAMPLE_ROWS = 200_000
# early_stopping="auto" turns it on above this many rows (scikit-learn's rule).
AUTO_EARLY_STOPPING_ROWS = 10_000


def _int_at_least(name, value, low):
    if not is_int(value) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _real_in(name, value, low, high, *, low_open=False, high_open=False):
    ok = is_real(value) and np.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high
        )
    if not ok:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ValueError(f"{name} must be a number in {left}{low}, {high}{right}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class TreeParams:
    """Validated settings for the native tree grower (cpp/include/mlarsenal/gbdt)."""

    learning_rate: float
    max_leaf_nodes: int  # 0: no limit
    max_depth: int  # 0: no limit
    min_samples_leaf: int
    min_child_weight: float
    min_split_gain: float
    l1_regularization: float
    l2_regularization: float
    max_features: float
    quantized_gradients: bool

    def native(self, monotonic, interaction_groups, n_threads) -> dict:
        return {
            "learning_rate": self.learning_rate,
            "max_leaf_nodes": self.max_leaf_nodes,
            "max_depth": self.max_depth,
            "min_samples_leaf": self.min_samples_leaf,
            "min_child_weight": self.min_child_weight,
            "min_split_gain": self.min_split_gain,
            "l1_regularization": self.l1_regularization,
            "l2_regularization": self.l2_regularization,
            "max_features": self.max_features,
            "quantized_gradients": self.quantized_gradients,
            # Categorical-split regularisation, LightGBM's defaults.
            "cat_smooth": 10.0,
            "cat_l2": 10.0,
            "min_data_per_group": self.min_samples_leaf,
            "max_cat_threshold": 32,
            "monotonic": list(monotonic),
            "interaction_groups": interaction_groups,
            "n_threads": n_threads,
        }


def check_shared_params(est) -> TreeParams:
    """Validate the shared parameters of `est`; raise ValueError naming the first bad one."""
    inf = float("inf")
    _real_in("learning_rate", est.learning_rate, 0.0, inf, low_open=True)
    _int_at_least("max_iter", est.max_iter, 1)
    if est.max_leaf_nodes is not None:
        _int_at_least("max_leaf_nodes", est.max_leaf_nodes, 2)
    if est.max_depth is not None:
        _int_at_least("max_depth", est.max_depth, 1)
    _int_at_least("min_samples_leaf", est.min_samples_leaf, 1)
    _real_in("min_child_weight", est.min_child_weight, 0.0, inf)
    _real_in("min_split_gain", est.min_split_gain, 0.0, inf)
    _real_in("l1_regularization", est.l1_regularization, 0.0, inf)
    _real_in("l2_regularization", est.l2_regularization, 0.0, inf)
    if not is_int(est.max_bins) or not 2 <= est.max_bins <= 255:
        raise ValueError(f"max_bins must be an integer in [2, 255], got {est.max_bins!r}")
    _real_in("max_features", est.max_features, 0.0, 1.0, low_open=True)
    _real_in("colsample_bytree", est.colsample_bytree, 0.0, 1.0, low_open=True)
    _real_in("subsample", est.subsample, 0.0, 1.0, low_open=True)
    if est.early_stopping not in ("auto", True, False):
        raise ValueError(
            f"early_stopping must be 'auto', True or False, got {est.early_stopping!r}"
        )
    if est.scoring not in ("loss", None):
        raise ValueError(
            f"scoring must be 'loss' (or None, the same), got {est.scoring!r}; early stopping "
            "monitors the training loss on the validation data"
        )
    _real_in(
        "validation_fraction", est.validation_fraction, 0.0, 1.0, low_open=True, high_open=True
    )
    _int_at_least("n_iter_no_change", est.n_iter_no_change, 1)
    _real_in("tol", est.tol, 0.0, inf)
    _int_at_least("verbose", est.verbose, 0)
    for name in ("warm_start", "quantized_gradients"):
        value = getattr(est, name)
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {value!r}")
    return TreeParams(
        learning_rate=float(est.learning_rate),
        max_leaf_nodes=int(est.max_leaf_nodes or 0),
        max_depth=int(est.max_depth or 0),
        min_samples_leaf=int(est.min_samples_leaf),
        min_child_weight=float(est.min_child_weight),
        min_split_gain=float(est.min_split_gain),
        l1_regularization=float(est.l1_regularization),
        l2_regularization=float(est.l2_regularization),
        max_features=float(est.max_features),
        quantized_gradients=bool(est.quantized_gradients),
    )


def check_monotonic_cst(monotonic_cst, n_features, feature_names, is_categorical) -> np.ndarray:
    """Per-feature -1/0/+1 from an array-like or a {feature name: constraint} dict."""
    cst = np.zeros(n_features, dtype=np.int8)
    if monotonic_cst is None:
        return cst
    if isinstance(monotonic_cst, dict):
        if feature_names is None:
            raise ValueError("monotonic_cst is a dict of feature names, but X has no feature names")
        index = {name: i for i, name in enumerate(feature_names)}
        for name, value in monotonic_cst.items():
            if name not in index:
                raise ValueError(f"monotonic_cst names an unknown feature {name!r}")
            cst[index[name]] = _constraint(value)
    else:
        values = list(monotonic_cst)
        if len(values) != n_features:
            raise ValueError(
                f"monotonic_cst has {len(values)} entries, X has {n_features} features"
            )
        cst[:] = [_constraint(v) for v in values]
    bad = np.flatnonzero((cst != 0) & is_categorical)
    if bad.size:
        raise ValueError(f"categorical feature {int(bad[0])} cannot have a monotonic constraint")
    return cst


def _constraint(value) -> int:
    if value not in (-1, 0, 1) or isinstance(value, bool):
        raise ValueError(f"monotonic_cst entries must be -1, 0 or 1, got {value!r}")
    return int(value)


def check_interaction_cst(interaction_cst, n_features, feature_names) -> list[list[int]]:
    """Groups of feature indices that may appear together on a branch.

    Accepts scikit-learn's forms: None, "pairwise", "no_interactions", or an
    iterable of iterables of feature indices (or names). Features in no group
    form one more group, as in scikit-learn.
    """
    if interaction_cst is None:
        return []
    if interaction_cst == "pairwise":
        return [[i, j] for i in range(n_features) for j in range(i + 1, n_features)]
    if interaction_cst == "no_interactions":
        return [[i] for i in range(n_features)]
    if isinstance(interaction_cst, str):
        raise ValueError(
            "interaction_cst must be None, 'pairwise', 'no_interactions' or a list of feature "
            f"groups, got {interaction_cst!r}"
        )
    index = {name: i for i, name in enumerate(feature_names)} if feature_names is not None else {}
    groups = []
    try:
        for group in interaction_cst:
            members = []
            for f in group:
                if isinstance(f, str):
                    if f not in index:
                        raise ValueError(f"interaction_cst names an unknown feature {f!r}")
                    f = index[f]
                if not is_int(f) or not 0 <= f < n_features:
                    raise ValueError(
                        f"interaction_cst holds {f!r}, not a feature index in [0, {n_features})"
                    )
                members.append(int(f))
            groups.append(sorted(set(members)))
    except TypeError as error:
        raise ValueError(
            "interaction_cst must be an iterable of iterables of feature indices"
        ) from error
    listed = {f for g in groups for f in g}
    rest = [f for f in range(n_features) if f not in listed]
    if rest:
        groups.append(rest)
    return groups
