"""LinearSVC: linear support vector classification, liblinear's problems and solvers."""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from mlarsenal import _core
from mlarsenal._params import store_params
from mlarsenal._serialization.array_models import ArrayModelMixin, check_classifier_rows
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_consistent_length, check_sample_weight, column_or_1d
from mlarsenal.linear_model._class_weight import class_weights
from mlarsenal.linear_model._linear_classifier import LinearClassifierMixin
from mlarsenal.linear_model._svm_inputs import linear_scores, native_rows, validate_rows
from mlarsenal.linear_model._svm_params import DEFAULTS, check_params, uses_dual_solver


class LinearSVC(ArrayModelMixin, LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Linear support vector classifier, as scikit-learn's ``LinearSVC`` (liblinear).

    For each binary problem (two classes, or each class against the rest),
    minimises ``R(w) + sum_i C_i * loss(y_i (w . x_i + b))`` with the hinge or
    squared hinge loss, ``R(w) = 0.5 * |w|^2`` (penalty="l2") or ``|w|_1``
    (penalty="l1", squared hinge only) and ``C_i = C * sample_weight_i *
    class_weight``. As in liblinear, the intercept is the weight of an extra
    feature of constant value ``intercept_scaling`` and is penalised with the
    others; class weights apply to both classes of a binary problem but only to
    the positive class of a one-vs-rest problem.

    Solvers, chosen by ``dual`` exactly as scikit-learn does ("auto": dual
    when n_samples < n_features, primal otherwise, unless the penalty/loss
    pair has only one):

    - dual: dual coordinate descent (Hsieh et al. 2008) with a seeded random
      order of rows per epoch and shrinking; stops when the spread of the
      projected gradient is at most ``tol``. ``n_iter_`` counts epochs.
    - primal, l2: truncated Newton with conjugate gradient on the generalised
      Hessian and a line search; l1: OWL-QN. Both stop when the gradient norm
      falls to ``tol * max(min(n_pos, n_neg), 1) / n_samples`` times its value
      at zero (liblinear's rule). ``n_iter_`` counts iterations. Deterministic
      (``random_state`` is not used).

    One-vs-rest problems run on ``n_jobs`` native threads (the primal solver
    also splits row sums among them); results do not depend on the thread
    count. X may be dense or scipy sparse (CSR rows are read as they are,
    never densified).

    >>> import numpy as np
    >>> from mlarsenal.linear_model import LinearSVC
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    >>> clf = LinearSVC(random_state=0).fit(X, [0, 0, 1, 1])
    >>> clf.predict([[0.2, 0.1], [2.9, 3.0]])
    array([0, 1])
    >>> clf.coef_.shape, clf.intercept_.shape
    ((1, 2), (1,))
    """

    _fitted_arrays: ClassVar[dict] = {
        "coef_": ("outputs", "features"),
        "intercept_": ("outputs",),
    }
    _fitted_scalars = ("n_iter_",)

    _check_loaded_state = check_classifier_rows

    def __init__(
        self,
        penalty=DEFAULTS["penalty"],
        loss=DEFAULTS["loss"],
        *,
        dual=DEFAULTS["dual"],
        tol=DEFAULTS["tol"],
        C=DEFAULTS["C"],
        multi_class=DEFAULTS["multi_class"],
        fit_intercept=DEFAULTS["fit_intercept"],
        intercept_scaling=DEFAULTS["intercept_scaling"],
        class_weight=DEFAULTS["class_weight"],
        verbose=DEFAULTS["verbose"],
        random_state=DEFAULTS["random_state"],
        max_iter=DEFAULTS["max_iter"],
        n_jobs=DEFAULTS["n_jobs"],
    ):
        store_params(self, locals())

    def fit(self, X, y, sample_weight=None):
        check_params(self)
        n_threads = effective_n_jobs(self.n_jobs)
        X = validate_rows(self, X, reset=True)
        y = column_or_1d(y, "y", warn=True)
        check_consistent_length(X=X, y=y)
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                "LinearSVC needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {classes[0]!r}"
            )
        codes = np.ascontiguousarray(codes.ravel(), dtype=np.int32)
        weight = check_sample_weight(
            sample_weight, X.shape[0], only_non_negative=True, allow_all_zero=False
        )
        per_class = class_weights(self.class_weight, classes, codes, weight)
        if per_class is None:
            per_class = np.ones(len(classes))
        row_cost = np.full(X.shape[0], float(self.C)) if weight is None else float(self.C) * weight
        cost = (np.ascontiguousarray(row_cost), np.ascontiguousarray(per_class, dtype=np.float64))
        scaling = float(self.intercept_scaling) if self.fit_intercept else 0.0
        # scikit-learn draws liblinear's seed from random_state the same way.
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        if uses_dual_solver(self, *X.shape):
            coef, n_iter = _core.linear.fit_linear_svc(
                native_rows(X), codes, len(classes), *cost, self.loss, float(self.tol),
                int(self.max_iter), scaling, int(seed), n_threads,
            )  # fmt: skip
        else:
            coef, n_iter = _core.linear.fit_linear_svc_primal(
                native_rows(X), codes, len(classes), *cost, self.penalty, float(self.tol),
                int(self.max_iter), scaling, n_threads,
            )  # fmt: skip
        if n_iter.max() >= self.max_iter:
            from sklearn.exceptions import ConvergenceWarning

            warnings.warn(
                f"LinearSVC did not converge in max_iter={self.max_iter} iterations; increase "
                "max_iter or scale the data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(coef[:, :-1])
        self.intercept_ = coef[:, -1].copy()
        self.n_iter_ = int(n_iter.max())
        return self

    def primal_objective(self, X, y, sample_weight=None):
        """Per problem, ``0.5 * (|w|^2 + w_b^2) + sum_i C_i loss_i`` at the fitted weights.

        The objective the solver minimises (w_b = intercept / intercept_scaling);
        with penalty="l1" the penalty is ``|w|_1 + |w_b|`` instead. One value per
        binary problem.
        """
        check_is_fitted(self)
        X = validate_rows(self, X, reset=False)
        y = column_or_1d(y, "y")
        codes = np.searchsorted(self.classes_, y)
        weight = check_sample_weight(
            sample_weight, X.shape[0], only_non_negative=True, allow_all_zero=False
        )
        per_class = class_weights(self.class_weight, self.classes_, codes, weight)
        per_class = np.ones(len(self.classes_)) if per_class is None else per_class
        base = float(self.C) * (np.ones(X.shape[0]) if weight is None else weight)
        scores = np.atleast_2d(linear_scores(X, self.coef_, self.intercept_).T).T
        values = []
        for p in range(self.coef_.shape[0]):
            positive = 1 if len(self.classes_) == 2 else p
            is_pos = codes == positive
            sign = np.where(is_pos, 1.0, -1.0)
            cost = base * (
                per_class[codes] if len(self.classes_) == 2 else np.where(is_pos, per_class[p], 1.0)
            )
            slack = np.maximum(0.0, 1.0 - sign * scores[:, p])
            loss = slack if self.loss == "hinge" else slack**2
            w_b = self.intercept_[p] / self.intercept_scaling if self.fit_intercept else 0.0
            if self.penalty == "l1":
                penalty = float(np.abs(self.coef_[p]).sum()) + abs(w_b)
            else:
                penalty = 0.5 * (float(self.coef_[p] @ self.coef_[p]) + w_b**2)
            values.append(penalty + float(cost @ loss))
        return np.array(values)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_label = False
        return tags
