"""SGDClassifier and SGDRegressor: linear models trained by plain stochastic gradient descent."""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from mlarsenal._params import store_params
from mlarsenal._serialization.array_models import ArrayModelMixin, check_classifier_rows
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import (
    as_float_array,
    check_consistent_length,
    check_sample_weight,
    column_or_1d,
)
from mlarsenal.linear_model._class_weight import class_weights
from mlarsenal.linear_model._linear_classifier import LinearClassifierMixin
from mlarsenal.linear_model._sgd_params import (
    CLASSIFICATION_LOSSES,
    CLASSIFIER_DEFAULTS,
    REGRESSION_LOSSES,
    REGRESSOR_DEFAULTS,
    average_start,
    check_params,
)
from mlarsenal.linear_model._sgd_solver import (
    MAX_SEED,
    Problems,
    SgdState,
    is_sparse,
    options,
    run_epochs,
    validation_split,
)
from mlarsenal.linear_model._svm_inputs import linear_scores, validate_rows

# The model file's declaration (mlarsenal/_serialization/array_models.py): the
# training state, so that partial_fit carries on after a load.
_STATE_ARRAYS = {
    "_standard_coef": ("outputs", "features"),
    "_standard_intercept": ("outputs",),
    "_average_coef": ("outputs", "features"),
    "_average_intercept": ("outputs",),
}
_STATE_SCALARS = ("n_iter_", "t_")


class _BaseSGD(BaseEstimator):
    """What SGDClassifier and SGDRegressor share: the training state and one run of epochs.

    The weights being trained live in ``_standard_coef`` (P, d) and
    ``_standard_intercept`` (P,), float64, one row per problem; with
    ``average``, their running averages in ``_average_coef`` /
    ``_average_intercept``. ``coef_`` / ``intercept_`` show the averages once
    averaging has started, the plain weights otherwise. ``t_`` counts the rows
    stepped over plus one and drives the step-size schedules across
    ``partial_fit`` calls.
    """

    def _initial_state(self, n_problems, n_features, coef_init, intercept_init, keep_previous):
        shape = (n_problems, n_features)
        coef = np.zeros(shape)
        intercept = np.zeros(n_problems)
        previous = getattr(self, "_standard_coef", None) if keep_previous else None
        if previous is not None and previous.shape == shape:
            coef[:] = previous
            intercept[:] = self._standard_intercept
        if coef_init is not None:
            coef[:] = _init_array(coef_init, "coef_init", shape)
        if intercept_init is not None:
            intercept[:] = _init_array(intercept_init, "intercept_init", (n_problems,))
        state = SgdState(coef, intercept)
        if self.average:
            state.average_coef = np.zeros(shape)
            state.average_intercept = np.zeros(n_problems)
            previous = getattr(self, "_average_coef", None) if keep_previous else None
            if previous is not None and previous.shape == shape:
                state.average_coef[:] = previous
                state.average_intercept[:] = self._average_intercept
        return state

    def _train(self, X, state, problems, *, codes, target, sample_weight, max_iter, use_split,
               n_threads):  # fmt: skip
        """Runs epochs from `state` and stores the result as the fitted attributes."""
        classification = codes is not None
        if use_split:
            train, val = validation_split(
                self, codes if classification else target, sample_weight, stratify=classification
            )
        else:
            train, val = np.arange(X.shape[0], dtype=np.int64), np.empty(0, dtype=np.int64)
        t_start = float(getattr(self, "t_", 1.0))
        opts = options(
            self, loss=self.loss, max_iter=max_iter, t_start=t_start, sparse=is_sparse(X),
            classification=classification,
        )  # fmt: skip
        n_iter = run_epochs(
            X, codes=codes, target=target, sample_weight=sample_weight, train_rows=train,
            validation_rows=val, problems=problems, state=state, opts=opts, n_threads=n_threads,
        )  # fmt: skip
        self.n_iter_ = n_iter
        self.t_ = t_start + n_iter * len(train)
        self._standard_coef, self._standard_intercept = state.coef, state.intercept
        self._average_coef, self._average_intercept = state.average_coef, state.average_intercept
        averaged = bool(self.average) and average_start(self) <= self.t_ - 1
        coef = state.average_coef if averaged else state.coef
        intercept = state.average_intercept if averaged else state.intercept
        return coef, intercept

    def _warn_if_not_converged(self):
        if self.tol is not None and self.n_iter_ == self.max_iter:
            from sklearn.exceptions import ConvergenceWarning

            warnings.warn(
                f"{type(self).__name__} reached max_iter={self.max_iter} epochs before "
                "converging; consider increasing max_iter",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _weights(self, sample_weight, n_samples):
        weight = check_sample_weight(
            sample_weight, n_samples, only_non_negative=True, allow_all_zero=False
        )
        return None if weight is None else np.ascontiguousarray(weight)


def _init_array(values, name, shape):
    array = as_float_array(values, name, ndim=None).astype(np.float64)
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    return array.reshape(shape)


def _seeds(random_state, n):
    # Drawn per call, as scikit-learn does: a fixed random_state repeats them.
    return check_random_state(random_state).randint(MAX_SEED, size=n).astype(np.uint64)


class SGDClassifier(ArrayModelMixin, LinearClassifierMixin, ClassifierMixin, _BaseSGD):
    """Linear classifier trained by SGD, as scikit-learn's ``SGDClassifier``.

    Minimises ``mean_i c_i s_i L(y_i, w . x_i + b) + alpha * R(w)`` one row at a
    time, with y_i = +-1 per binary problem (two classes: one problem for
    ``classes_[1]``; more: one per class against the rest, the rest weighted
    1), ``L`` one of hinge, log_loss, modified_huber, squared_hinge,
    perceptron (or a regression loss), ``R`` the l2, l1 or elastic-net
    penalty, and scikit-learn's step-size schedules, l2 scale trick,
    cumulative l1 penalty, averaging and stopping rules. Results are
    comparable to scikit-learn's, not bit-identical (the row order comes from
    our own seeded generator). One-vs-rest problems run on ``n_jobs`` native
    threads; results do not depend on the count. X may be dense or scipy
    sparse (CSR, never densified).

    >>> import numpy as np
    >>> from mlarsenal.linear_model import SGDClassifier
    >>> X = np.array([[-2.0, -1.0], [-1.0, -1.5], [1.0, 1.5], [2.0, 1.0]])
    >>> clf = SGDClassifier(loss="log_loss", random_state=0).fit(X, [0, 0, 1, 1])
    >>> clf.predict([[-1.5, -1.0], [1.5, 1.0]])
    array([0, 1])
    >>> clf.predict_proba([[3.0, 3.0]]).argmax(axis=1)
    array([1])
    """

    _fitted_arrays: ClassVar[dict] = {
        "coef_": ("outputs", "features"),
        "intercept_": ("outputs",),
        **_STATE_ARRAYS,
    }
    _fitted_scalars = _STATE_SCALARS
    _optional_arrays = ("_average_coef", "_average_intercept")

    _check_loaded_state = check_classifier_rows

    def __init__(
        self,
        loss=CLASSIFIER_DEFAULTS["loss"],
        *,
        penalty=CLASSIFIER_DEFAULTS["penalty"],
        alpha=CLASSIFIER_DEFAULTS["alpha"],
        l1_ratio=CLASSIFIER_DEFAULTS["l1_ratio"],
        fit_intercept=CLASSIFIER_DEFAULTS["fit_intercept"],
        max_iter=CLASSIFIER_DEFAULTS["max_iter"],
        tol=CLASSIFIER_DEFAULTS["tol"],
        shuffle=CLASSIFIER_DEFAULTS["shuffle"],
        verbose=CLASSIFIER_DEFAULTS["verbose"],
        epsilon=CLASSIFIER_DEFAULTS["epsilon"],
        n_jobs=CLASSIFIER_DEFAULTS["n_jobs"],
        random_state=CLASSIFIER_DEFAULTS["random_state"],
        learning_rate=CLASSIFIER_DEFAULTS["learning_rate"],
        eta0=CLASSIFIER_DEFAULTS["eta0"],
        power_t=CLASSIFIER_DEFAULTS["power_t"],
        early_stopping=CLASSIFIER_DEFAULTS["early_stopping"],
        validation_fraction=CLASSIFIER_DEFAULTS["validation_fraction"],
        n_iter_no_change=CLASSIFIER_DEFAULTS["n_iter_no_change"],
        class_weight=CLASSIFIER_DEFAULTS["class_weight"],
        warm_start=CLASSIFIER_DEFAULTS["warm_start"],
        average=CLASSIFIER_DEFAULTS["average"],
    ):
        store_params(self, locals())

    _losses = CLASSIFICATION_LOSSES + REGRESSION_LOSSES

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        check_params(self, losses=self._losses)
        n_threads = effective_n_jobs(self.n_jobs)
        X = validate_rows(self, X, reset=True)
        y = column_or_1d(y, "y", warn=True)
        check_consistent_length(X=X, y=y)
        check_classification_targets(y)
        classes, codes = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                "SGDClassifier needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {classes[0]!r}"
            )
        keep = self.warm_start and np.array_equal(getattr(self, "classes_", None), classes)
        self.classes_ = classes
        self.t_ = 1.0
        self._fit_batch(X, codes, sample_weight, coef_init, intercept_init, keep_previous=keep,
                        max_iter=self.max_iter, use_split=self.early_stopping,
                        n_threads=n_threads)  # fmt: skip
        self._warn_if_not_converged()
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over (X, y); ``classes`` (every label to expect) is required the first time."""
        first = not hasattr(self, "classes_")
        if first:
            check_params(self, losses=self._losses, for_partial_fit=True)
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
            all_classes = np.unique(column_or_1d(classes, "classes"))
            if len(all_classes) < 2:
                raise ValueError(f"classes must hold at least 2 labels, got {all_classes!r}")
        else:
            all_classes = self.classes_
            if classes is not None and not np.array_equal(np.unique(classes), all_classes):
                raise ValueError(
                    f"classes={classes!r} differs from the classes of the first call to "
                    f"partial_fit: {all_classes!r}"
                )
        n_threads = effective_n_jobs(self.n_jobs)
        X = validate_rows(self, X, reset=first)
        y = column_or_1d(y, "y", warn=True)
        check_consistent_length(X=X, y=y)
        check_classification_targets(y)
        codes = np.searchsorted(all_classes, y)
        codes = np.minimum(codes, len(all_classes) - 1)
        unknown = all_classes[codes] != y
        if unknown.any():
            raise ValueError(
                f"y holds labels not in classes: {np.unique(y[unknown]).tolist()!r}; "
                f"classes are {all_classes.tolist()!r}"
            )
        self.classes_ = all_classes
        self._fit_batch(X, codes, sample_weight, None, None, keep_previous=not first,
                        max_iter=1, use_split=False, n_threads=n_threads)  # fmt: skip
        return self

    def _fit_batch(self, X, codes, sample_weight, coef_init, intercept_init, *, keep_previous,
                   max_iter, use_split, n_threads):  # fmt: skip
        n_classes = len(self.classes_)
        codes = np.ascontiguousarray(codes, dtype=np.int32)
        weight = self._weights(sample_weight, X.shape[0])
        per_class = class_weights(self.class_weight, self.classes_, codes, None)
        per_class = np.ones(n_classes) if per_class is None else per_class
        if n_classes == 2:
            problems = Problems(np.array([1], np.int32), per_class[1:2].copy(),
                                per_class[:1].copy(), _seeds(self.random_state, 1))  # fmt: skip
        else:
            problems = Problems(np.arange(n_classes, dtype=np.int32), per_class.copy(),
                                np.ones(n_classes), _seeds(self.random_state, n_classes))  # fmt: skip
        n_problems = len(problems.positive)
        state = self._initial_state(n_problems, X.shape[1], coef_init, intercept_init,
                                    keep_previous)  # fmt: skip
        coef, intercept = self._train(
            X, state, problems, codes=codes, target=None, sample_weight=weight,
            max_iter=max_iter, use_split=use_split, n_threads=n_threads,
        )  # fmt: skip
        self.coef_ = coef
        self.intercept_ = intercept

    def _has_proba(self):
        return self.loss in ("log_loss", "modified_huber")

    @available_if(_has_proba)
    def predict_proba(self, X):
        """Class probabilities (log_loss: logistic; modified_huber: clipped margins).

        With more than two classes, the one-vs-rest probabilities are
        normalised to sum to one, as in scikit-learn.
        """
        scores = self.decision_function(X)
        if self.loss == "log_loss":
            prob = expit(scores)
        else:
            prob = (np.clip(scores, -1.0, 1.0) + 1.0) / 2.0
        if prob.ndim == 1:
            return np.column_stack([1.0 - prob, prob])
        total = prob.sum(axis=1, keepdims=True)
        empty = total[:, 0] == 0
        prob[empty] = 1.0
        total[empty] = prob.shape[1]
        return prob / total

    @available_if(_has_proba)
    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_label = False
        return tags


class SGDRegressor(ArrayModelMixin, RegressorMixin, _BaseSGD):
    """Linear regression trained by SGD, as scikit-learn's ``SGDRegressor``.

    Minimises ``mean_i s_i L(y_i, w . x_i + b) + alpha * R(w)`` with ``L``
    squared_error, huber, epsilon_insensitive or squared_epsilon_insensitive
    and ``R`` the l2, l1 or elastic-net penalty, by scikit-learn's update rule
    (see SGDClassifier). X may be dense or scipy sparse (CSR).

    >>> import numpy as np
    >>> from mlarsenal.linear_model import SGDRegressor
    >>> X = np.linspace(0, 1, 50)[:, None]
    >>> reg = SGDRegressor(learning_rate="constant", eta0=0.1, penalty=None, tol=None,
    ...                    max_iter=500, random_state=0).fit(X, 3 * X[:, 0] + 1)
    >>> np.round([reg.coef_[0], reg.intercept_[0]], 2)
    array([3., 1.])
    """

    _fitted_arrays: ClassVar[dict] = {
        "coef_": ("features",),
        "intercept_": (1,),
        **_STATE_ARRAYS,
        "_standard_coef": (1, "features"),
        "_standard_intercept": (1,),
        "_average_coef": (1, "features"),
        "_average_intercept": (1,),
    }
    _fitted_scalars = _STATE_SCALARS
    _optional_arrays = ("_average_coef", "_average_intercept")

    def __init__(
        self,
        loss=REGRESSOR_DEFAULTS["loss"],
        *,
        penalty=REGRESSOR_DEFAULTS["penalty"],
        alpha=REGRESSOR_DEFAULTS["alpha"],
        l1_ratio=REGRESSOR_DEFAULTS["l1_ratio"],
        fit_intercept=REGRESSOR_DEFAULTS["fit_intercept"],
        max_iter=REGRESSOR_DEFAULTS["max_iter"],
        tol=REGRESSOR_DEFAULTS["tol"],
        shuffle=REGRESSOR_DEFAULTS["shuffle"],
        verbose=REGRESSOR_DEFAULTS["verbose"],
        epsilon=REGRESSOR_DEFAULTS["epsilon"],
        random_state=REGRESSOR_DEFAULTS["random_state"],
        learning_rate=REGRESSOR_DEFAULTS["learning_rate"],
        eta0=REGRESSOR_DEFAULTS["eta0"],
        power_t=REGRESSOR_DEFAULTS["power_t"],
        early_stopping=REGRESSOR_DEFAULTS["early_stopping"],
        validation_fraction=REGRESSOR_DEFAULTS["validation_fraction"],
        n_iter_no_change=REGRESSOR_DEFAULTS["n_iter_no_change"],
        warm_start=REGRESSOR_DEFAULTS["warm_start"],
        average=REGRESSOR_DEFAULTS["average"],
    ):
        store_params(self, locals())

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        check_params(self, losses=REGRESSION_LOSSES)
        X, target = self._data(X, y, reset=True)
        keep = self.warm_start and hasattr(self, "_standard_coef")
        self.t_ = 1.0
        self._fit_batch(X, target, sample_weight, coef_init, intercept_init, keep_previous=keep,
                        max_iter=self.max_iter, use_split=self.early_stopping)  # fmt: skip
        self._warn_if_not_converged()
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), continuing from the current weights and step size."""
        first = not hasattr(self, "_standard_coef")
        if first:
            check_params(self, losses=REGRESSION_LOSSES, for_partial_fit=True)
        X, target = self._data(X, y, reset=first)
        self._fit_batch(X, target, sample_weight, None, None, keep_previous=not first,
                        max_iter=1, use_split=False)  # fmt: skip
        return self

    def _data(self, X, y, *, reset):
        X = validate_rows(self, X, reset=reset)
        y = column_or_1d(y, "y", warn=True)
        check_consistent_length(X=X, y=y)
        target = np.ascontiguousarray(as_float_array(y, "y"), dtype=np.float64)
        return X, target

    def _fit_batch(self, X, target, sample_weight, coef_init, intercept_init, *, keep_previous,
                   max_iter, use_split):  # fmt: skip
        weight = self._weights(sample_weight, X.shape[0])
        problems = Problems(np.zeros(1, np.int32), np.ones(1), np.ones(1),
                            _seeds(self.random_state, 1))  # fmt: skip
        state = self._initial_state(1, X.shape[1], coef_init, intercept_init, keep_previous)
        coef, intercept = self._train(
            X, state, problems, codes=None, target=target, sample_weight=weight,
            max_iter=max_iter, use_split=use_split, n_threads=1,
        )  # fmt: skip
        self.coef_ = coef[0]
        self.intercept_ = intercept

    def predict(self, X):
        check_is_fitted(self)
        X = validate_rows(self, X, reset=False)
        return linear_scores(X, self.coef_[None, :], self.intercept_).ravel()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        return tags
