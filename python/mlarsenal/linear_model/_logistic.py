"""LogisticRegression."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from mlarsenal._params import store_params
from mlarsenal._serialization.array_models import ArrayModelMixin, check_classifier_rows
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_consistent_length, check_sample_weight, column_or_1d
from mlarsenal._validation.sparse import validate_matrix
from mlarsenal.linear_model._class_weight import class_weights
from mlarsenal.linear_model._linear_classifier import LinearClassifierMixin
from mlarsenal.linear_model._logistic_params import DEFAULTS, check_params, penalty_strengths
from mlarsenal.linear_model._logistic_solver import n_params, solve


class LogisticRegression(ArrayModelMixin, LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Binary and multinomial logistic regression, as scikit-learn's with ``solver="lbfgs"``.

    Minimises scikit-learn's normalised objective
    ``sum_i s_i loss_i / S + ||W||^2 / (2 C S)`` with ``S = sum_i s_i`` (the
    sample weights times the class weights): binary log loss with one
    coefficient vector for two classes, multinomial log loss with one vector
    per class otherwise. Intercepts are not penalised; ``penalty=None``
    drops the penalty. ``penalty="l1"`` replaces the L2 term by
    ``‖W‖₁ / (C S)`` and ``"elasticnet"`` mixes the two with ``l1_ratio``
    (``l1_ratio ‖W‖₁ + (1 − l1_ratio) ‖W‖² / 2``, over ``C S``); both are
    solved by OWL-QN, the orthant-wise L-BFGS. ``tol`` bounds the projected
    gradient (the pseudo-gradient with an L1 term) at convergence. Dense X
    is evaluated natively in one pass per evaluation on ``n_jobs`` threads
    (results do not depend on it); scipy sparse X through sparse products.

    ``solver="saga"`` minimises the same objective by SAGA, one randomly
    drawn row per step (seeded by ``random_state``) with the L1 part as a
    proximal step; on CSR X a step costs O(nonzeros of the row). It stops
    when an epoch changes no coefficient by more than ``tol`` times the
    largest one; ``n_iter_`` counts epochs.

    >>> import numpy as np
    >>> from mlarsenal.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> clf = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> clf.predict([[0.2], [2.8]])
    array([0, 1])
    >>> clf.predict_proba([[1.5]]).round(3)
    array([[0.5, 0.5]])
    >>> saga = LogisticRegression(solver="saga", max_iter=1000, random_state=0)
    >>> saga.fit(X, [0, 0, 1, 1]).predict([[0.2], [2.8]])
    array([0, 1])
    >>> bool(abs(saga.objective_ - clf.objective_) < 1e-3)
    True
    """

    _fitted_arrays: ClassVar[dict] = {
        "coef_": ("outputs", "features"),
        "intercept_": ("outputs",),
        "n_iter_": (1,),
    }
    _fitted_scalars = ("objective_",)

    def __init__(
        self,
        penalty=DEFAULTS["penalty"],
        *,
        C=DEFAULTS["C"],
        tol=DEFAULTS["tol"],
        fit_intercept=DEFAULTS["fit_intercept"],
        class_weight=DEFAULTS["class_weight"],
        solver=DEFAULTS["solver"],
        max_iter=DEFAULTS["max_iter"],
        warm_start=DEFAULTS["warm_start"],
        n_jobs=DEFAULTS["n_jobs"],
        l1_ratio=DEFAULTS["l1_ratio"],
        random_state=DEFAULTS["random_state"],
    ):
        store_params(self, locals())

    def fit(self, X, y, sample_weight=None):
        check_params(self)
        n_threads = effective_n_jobs(self.n_jobs)
        X = validate_matrix(self, X, reset=True, sparse_format="csr")
        if not sp.issparse(X) and X.strides[1] != X.itemsize:
            # The kernel reads rows as contiguous runs.
            X = np.ascontiguousarray(X)
        y = column_or_1d(y, "y", warn=True)
        check_consistent_length(X=X, y=y)
        check_classification_targets(y)
        classes, y_codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                "LogisticRegression needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {classes[0]!r}"
            )
        y_codes = np.ascontiguousarray(y_codes.ravel(), dtype=np.int32)
        weight = self._weights(sample_weight, X.shape[0], classes, y_codes)
        weight_sum = float(X.shape[0] if weight is None else weight.sum())
        if not weight_sum > 0:
            raise ValueError("sample_weight (times class_weight) sums to zero; nothing to fit")

        n_classes = len(classes)
        l2, l1 = penalty_strengths(self, weight_sum)
        coef0 = self._initial_coef(X.shape[1], classes)
        coef, nit, objective = solve(
            X, y_codes, weight, coef0,
            n_classes=n_classes, fit_intercept=bool(self.fit_intercept),
            scale=1.0 / weight_sum, l2=l2, l1=l1, tol=float(self.tol),
            max_iter=int(self.max_iter), n_threads=n_threads,
            solver=self.solver, random_state=self.random_state,
        )  # fmt: skip
        per_output = X.shape[1] + int(self.fit_intercept)
        coef = coef.reshape(-1, per_output).astype(X.dtype, copy=False)
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(coef[:, : X.shape[1]])
        self.intercept_ = (
            coef[:, -1].copy() if self.fit_intercept else np.zeros(coef.shape[0], dtype=X.dtype)
        )
        self.n_iter_ = np.array([nit], dtype=np.int32)
        self.objective_ = objective
        return self

    def _weights(self, sample_weight, n_samples, classes, y_codes):
        """Sample weights times class weights (float64), or None for unit weights."""
        weight = check_sample_weight(sample_weight, n_samples, only_non_negative=True)
        per_class = class_weights(self.class_weight, classes, y_codes, weight)
        if per_class is None:
            return weight
        by_row = per_class[y_codes]
        return np.ascontiguousarray(by_row if weight is None else weight * by_row)

    def _initial_coef(self, n_features, classes):
        """Zeros, or the previous solution when warm_start and the shapes agree."""
        fit_intercept = bool(self.fit_intercept)
        size = n_params(n_features, len(classes), fit_intercept)
        previous = getattr(self, "coef_", None) if self.warm_start else None
        n_outputs = 1 if len(classes) == 2 else len(classes)
        if previous is None or previous.shape != (n_outputs, n_features):
            return np.zeros(size)
        parts = [previous.astype(np.float64)]
        if fit_intercept:
            parts.append(np.asarray(self.intercept_, dtype=np.float64)[:, None])
        return np.ascontiguousarray(np.hstack(parts).ravel())

    def decision_function(self, X):
        """Margins X @ coef_.T + intercept_; 1-d for two classes (positive: classes_[1])."""
        # Not LinearClassifierMixin's: the float64 intercept keeps margins, and so
        # probabilities, in float64 for float32 X.
        check_is_fitted(self)
        X = validate_matrix(self, X, reset=False, sparse_format="csr")
        scores = np.asarray(X @ self.coef_.T.astype(X.dtype, copy=False)) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1.0 - positive, positive])
        return softmax(scores, axis=1)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    _check_loaded_state = check_classifier_rows

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = False
        return tags
