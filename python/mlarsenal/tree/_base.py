"""Fitting and prediction shared by decision trees, random forests and extra trees.

A decision tree is a forest of one tree grown on every row; a random forest
grows n_estimators trees on bootstrap samples; extra trees score one random
threshold per feature. All of them train natively in parallel (one tree per
thread, results identical for any n_jobs) and predict through the fitted
:class:`mlarsenal.forest.Forest` (``forest_``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, check_random_state

from mlarsenal._serialization.estimator_files import ModelFileMixin
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import (
    check_consistent_length,
    check_feature_names,
    check_sample_weight,
    validate_features,
)
from mlarsenal._validation.arrays import FLOAT_DTYPES
from mlarsenal._validation.features import feature_name_list, plain_float_matrix
from mlarsenal.tree._grow import bin_columns, grow
from mlarsenal.tree._params import check_max_bins, draws_per_tree, native_tree_params
from mlarsenal.tree._paths import decision_path
from mlarsenal.tree._to_forest import first_tree_of_each, forest_from_grown


class BaseDecisionForest(ModelFileMixin, BaseEstimator):
    """Subclasses define the target side (_encode_target, _n_classes) and the ensemble shape."""

    _model_file_io = "mlarsenal.tree._persistence"
    _single_tree = False  # decision trees: apply() gives one column, decision_path no offsets

    # ------------------------------------------------------------ subclass API
    def _encode_target(self, y):  # pragma: no cover - abstract
        raise NotImplementedError

    def _class_weights(self, y):
        return None

    def _ensemble_shape(self):
        """(n_estimators, bootstrap, max_samples, random thresholds) of this estimator."""
        return 1, False, None, getattr(self, "splitter", "best") == "random"

    # --------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Grow the trees on (X, y); NaN in X is a missing value."""
        X = validate_features(self, X, reset=True, dtype=FLOAT_DTYPES, allow_nan=True)
        classes, values = self._encode_target(y)
        check_consistent_length(X=X, y=classes if classes is not None else values)
        weight = check_sample_weight(sample_weight, X.shape[0], only_non_negative=True)
        class_weight = self._class_weights(classes)
        if class_weight is not None:
            weight = class_weight if weight is None else weight * class_weight
        if weight is not None and not (weight > 0).any():
            raise ValueError("sample_weight is zero everywhere; at least one weight must be > 0")

        n_estimators, bootstrap, max_samples, random_thresholds = self._ensemble_shape()
        if getattr(self, "oob_score", False) and not bootstrap:
            raise ValueError(
                "oob_score=True needs bootstrap=True (out-of-bag rows exist only then)"
            )
        n_draws = draws_per_tree(max_samples, X.shape[0]) if bootstrap else 0
        self._random_thresholds = random_thresholds
        total_weight = X.shape[0] if weight is None else float(weight.sum())
        params = native_tree_params(
            self,
            n_rows=X.shape[0],
            n_features=X.shape[1],
            n_classes=self._n_classes(),
            total_weight=total_weight,
        )
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=n_estimators).astype(np.uint64)
        n_threads = effective_n_jobs(self.n_jobs)
        bins, codes = bin_columns(
            X, weight, check_max_bins(self.max_bins), int(seeds[0]), n_threads
        )
        grown = grow(
            bins, codes, classes=classes, values=values, weight=weight, params=params,
            bootstrap=bootstrap, n_draws=n_draws, seeds=seeds, n_threads=n_threads,
        )  # fmt: skip
        meta = {"estimator": type(self).__name__}
        if hasattr(self, "classes_"):
            meta["classes"] = _json_classes(self.classes_)
        self.forest_ = forest_from_grown(
            grown,
            n_features=X.shape[1],
            n_classes=self._n_classes(),
            feature_names=feature_name_list(self),
            meta=meta,
        )
        self._tree_seeds = seeds
        self._n_draws = n_draws
        if getattr(self, "oob_score", False):
            from mlarsenal.tree._oob import set_oob_score

            set_oob_score(self, X, classes if classes is not None else values)
        return self

    def _n_classes(self) -> int:
        return len(self.classes_) if hasattr(self, "classes_") else 0

    # -------------------------------------------------------------- prediction
    def _prepared(self, X):
        check_is_fitted(self, "forest_")
        plain = plain_float_matrix(self, X)
        if plain is not None:
            return plain
        check_feature_names(self, X, reset=False)
        return validate_features(self, X, reset=False, dtype=FLOAT_DTYPES, allow_nan=True)

    def _averaged(self, X) -> np.ndarray:
        """The trees' average: (n, n_outputs) class fractions or (n, 1) values."""
        X = self._prepared(X)
        raw = self.forest_.predict(X, output="raw", n_jobs=effective_n_jobs(self.n_jobs))
        return raw.reshape(X.shape[0], -1)

    def apply(self, X):
        """Leaf (node index within its tree) each row reaches: (n_samples, n_estimators)."""
        X = self._prepared(X)
        leaves = self.forest_.predict(X, output="leaf", n_jobs=effective_n_jobs(self.n_jobs))
        leaves = leaves.reshape(X.shape[0], -1)[:, first_tree_of_each(self.forest_)]
        return leaves[:, 0] if self._single_tree else leaves

    def decision_path(self, X):
        """Nodes each row passes through, as a sparse indicator matrix (scikit-learn's layout).

        Decision trees return the (n_samples, n_nodes) CSR matrix; forests
        return it over the nodes of all trees plus the offsets of each tree's
        nodes (``n_nodes_ptr``).
        """
        leaves = self.apply(X)
        indicator, offsets = decision_path(self.forest_, leaves.reshape(leaves.shape[0], -1))
        return indicator if self._single_tree else (indicator, offsets)

    @property
    def feature_importances_(self):
        """Mean decrease in impurity of each feature, averaged over trees, summing to 1."""
        check_is_fitted(self, "forest_")
        return mean_decrease_in_impurity(self.forest_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def mean_decrease_in_impurity(forest) -> np.ndarray:
    """scikit-learn's importances: each tree's gains per feature normalised, then averaged."""
    arrays = forest.arrays
    offsets = arrays["tree_offsets"]
    total = np.zeros(forest.n_features)
    for t in first_tree_of_each(forest):
        nodes = slice(offsets[t], offsets[t + 1])
        feature, gain = arrays["feature"][nodes], arrays["gain"][nodes]
        inner = feature >= 0
        per_tree = np.bincount(feature[inner], weights=gain[inner], minlength=forest.n_features)
        if per_tree.sum() > 0:
            total += per_tree / per_tree.sum()
    return total / total.sum() if total.sum() > 0 else total


def _json_classes(classes) -> list:
    return [c.item() if isinstance(c, np.generic) else str(c) for c in classes]
