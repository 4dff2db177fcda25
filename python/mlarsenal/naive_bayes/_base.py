"""What every naive Bayes classifier shares: targets, classes, input, prediction."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._validation import (
    check_consistent_length,
    column_or_1d,
)
from mlarsenal._validation.sparse import validate_matrix


def check_X(estimator, X, *, reset: bool, accept_sparse: bool) -> np.ndarray | sp.csr_matrix:
    """X as float64: a dense array, or a CSR matrix when sparse input is accepted
    (rows are contiguous for X @ W)."""
    sparse_format = "csr" if accept_sparse else None
    return validate_matrix(estimator, X, reset=reset, dtype=np.float64, sparse_format=sparse_format)


def check_targets(X, y) -> np.ndarray:
    y = column_or_1d(y, "y", warn=True)
    check_consistent_length(X=X, y=y)
    check_classification_targets(y)
    return y


def check_partial_fit_classes(estimator, classes, y) -> bool:
    """Sets classes_ on the first partial_fit call; True when it was the first call.

    y's labels are checked against the classes first, so that a rejected first
    batch leaves the estimator unfitted.
    """
    previous = getattr(estimator, "classes_", None)
    if classes is None:
        if previous is None:
            raise ValueError("classes must be passed on the first call to partial_fit")
        return False
    classes = np.unique(column_or_1d(classes, "classes"))
    if previous is None:
        class_codes(classes, y)
        estimator.classes_ = classes
        return True
    if not np.array_equal(previous, classes):
        raise ValueError(
            f"classes={classes!r} is not the same as on the first call to partial_fit, "
            f"which was {previous!r}"
        )
    return False


def class_codes(classes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of each label of y in classes (sorted); unknown labels are an error."""
    codes = np.searchsorted(classes, y)
    codes = np.minimum(codes, len(classes) - 1)
    unknown = classes[codes] != y
    if np.any(unknown):
        raise ValueError(f"y contains labels not in classes {classes!r}: {np.unique(y[unknown])!r}")
    return codes


def non_negative_priors(priors, n_classes: int, name: str) -> np.ndarray:
    priors = np.asarray(priors, dtype=np.float64)
    if priors.ndim != 1 or len(priors) != n_classes:
        raise ValueError(
            f"{name} has {priors.size} values; the number of priors must match the number "
            f"of classes ({n_classes})"
        )
    if not np.all(np.isfinite(priors)) or np.any(priors < 0):
        raise ValueError(f"{name} must be finite and non-negative, got {priors!r}")
    return priors


class BaseNB(ArrayModelMixin, ClassifierMixin, BaseEstimator):
    """Prediction from the joint log-likelihood ``log P(x, c)`` each subclass computes."""

    _accept_sparse = True

    def _checked_X(self, X, *, reset: bool):
        return check_X(self, X, reset=reset, accept_sparse=self._accept_sparse)

    def _joint_log_likelihood(self, X):
        raise NotImplementedError

    def predict_joint_log_proba(self, X):
        """Unnormalised ``log P(x, c)``, columns in the order of ``classes_``."""
        check_is_fitted(self)
        X = self._checked_X(X, reset=False)
        return self._joint_log_likelihood(X)

    def predict(self, X):
        jll = self.predict_joint_log_proba(X)
        return self.classes_[np.argmax(jll, axis=1)]

    def predict_log_proba(self, X):
        """Log class probabilities: the joint log-likelihood minus its logsumexp per row."""
        jll = self.predict_joint_log_proba(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X):
        return np.exp(self.predict_log_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        tags.classifier_tags.multi_label = False
        return tags
