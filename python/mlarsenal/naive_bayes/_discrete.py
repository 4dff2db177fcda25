"""What the count-based classifiers (multinomial, Bernoulli, complement) share."""

from __future__ import annotations

import numbers
import warnings
from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from mlarsenal._validation import check_sample_weight
from mlarsenal.naive_bayes._base import (
    BaseNB,
    check_partial_fit_classes,
    check_targets,
    class_codes,
    non_negative_priors,
)

# Below this, log(alpha) of an unseen feature is so negative that one such
# feature outweighs all the evidence; force_alpha=False raises alpha to it.
ALPHA_FLOOR = 1e-10


def check_non_negative(X, name: str) -> None:
    values = X.data if sp.issparse(X) else X
    if values.size and values.min() < 0:
        raise ValueError(
            f"Negative values in data passed to {name} (X); counts must be non-negative"
        )


class DiscreteNB(BaseNB):
    _fitted_arrays: ClassVar[dict] = {
        "class_count_": ("classes",),
        "feature_count_": ("classes", "features"),
        "class_log_prior_": ("classes",),
        "feature_log_prob_": ("classes", "features"),
    }
    """Feature counts per class; subclasses turn them into ``feature_log_prob_``."""

    def _check_params(self) -> None:
        for name in ("fit_prior", "force_alpha"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be a bool, got {getattr(self, name)!r}")
        alpha = self.alpha
        if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool):
            if not alpha >= 0:
                raise ValueError(f"alpha must be a non-negative number, got {alpha!r}")
        elif not hasattr(alpha, "__len__"):
            raise TypeError(f"alpha must be a number or an array of one per feature, got {alpha!r}")

    def _smoothing(self):
        """alpha as used: a scalar or one value per feature, floored unless force_alpha."""
        alpha = self.alpha
        if not isinstance(alpha, numbers.Real):
            alpha = np.asarray(alpha, dtype=np.float64)
            if alpha.shape != (self.n_features_in_,):
                raise ValueError(
                    f"alpha has shape {alpha.shape}; as an array it needs one value per "
                    f"feature ({self.n_features_in_})"
                )
            if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
                raise ValueError("alpha values must be finite and non-negative")
        if np.min(alpha) < ALPHA_FLOOR and not self.force_alpha:
            warnings.warn(
                f"alpha is below {ALPHA_FLOOR}, which makes unseen features dominate; it is "
                f"raised to {ALPHA_FLOOR}. Pass force_alpha=True to keep it unchanged.",
                UserWarning,
                stacklevel=3,
            )
            return np.maximum(alpha, ALPHA_FLOOR)
        return alpha

    def fit(self, X, y, sample_weight=None):
        self._check_params()
        X = self._checked_X(X, reset=True)
        y = check_targets(X, y)
        self.classes_ = np.unique(y)
        self._init_counters(len(self.classes_), X.shape[1])
        return self._update(X, y, sample_weight)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Add one batch's counts; ``classes`` (every label) is required on the first call."""
        self._check_params()
        X = self._checked_X(X, reset=not hasattr(self, "classes_"))
        y = check_targets(X, y)
        if check_partial_fit_classes(self, classes, y):
            self._init_counters(len(self.classes_), X.shape[1])
        return self._update(X, y, sample_weight)

    def _init_counters(self, n_classes: int, n_features: int) -> None:
        self.class_count_ = np.zeros(n_classes)
        self.feature_count_ = np.zeros((n_classes, n_features))

    def _update(self, X, y, sample_weight):
        codes = class_codes(self.classes_, y)
        # Class indicators, weighted: counting is then one product Y.T @ X.
        Y = np.zeros((X.shape[0], len(self.classes_)))
        Y[np.arange(X.shape[0]), codes] = 1.0
        weight = check_sample_weight(
            sample_weight, X.shape[0], only_non_negative=True, allow_all_zero=False
        )
        if weight is not None:
            Y *= weight[:, None]
        self._count(X, Y)
        self._update_feature_log_prob(self._smoothing())
        self._update_class_log_prior()
        return self

    def _count(self, X, Y) -> None:
        self.feature_count_ += np.asarray(Y.T @ X) if not sp.issparse(X) else (X.T @ Y).T
        self.class_count_ += Y.sum(axis=0)

    def _update_class_log_prior(self) -> None:
        n_classes = len(self.classes_)
        if self.class_prior is not None:
            prior = non_negative_priors(self.class_prior, n_classes, "class_prior")
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(prior)
        elif self.fit_prior:
            # A class seen only with zero weight gets log(0) = -inf: it is never predicted.
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(self.class_count_) - np.log(self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(n_classes, -np.log(n_classes))

    def _update_feature_log_prob(self, alpha) -> None:
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Counting models score below the generic checks' accuracy bar on their
        # Gaussian blobs (as scikit-learn's do); the data there is not counts.
        tags.classifier_tags.poor_score = True
        return tags
