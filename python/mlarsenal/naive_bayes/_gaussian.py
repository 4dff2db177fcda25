"""GaussianNB."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np

from mlarsenal._validation import check_sample_weight
from mlarsenal.naive_bayes._base import (
    BaseNB,
    check_partial_fit_classes,
    check_targets,
    check_X,
    class_codes,
    non_negative_priors,
)


def _check_params(estimator) -> None:
    vs = estimator.var_smoothing
    if isinstance(vs, bool) or not isinstance(vs, numbers.Real) or not vs >= 0:
        raise ValueError(f"var_smoothing must be a non-negative number, got {vs!r}")


def _mean_variance(X, weight):
    """Weighted mean and (biased) variance of X's columns; weight None means unit weights."""
    if weight is None:
        return float(X.shape[0]), X.mean(axis=0), X.var(axis=0)
    total = float(weight.sum())
    if np.isclose(total, 0.0):
        # A class whose rows all weigh zero adds nothing.
        return total, None, None
    mean = np.average(X, axis=0, weights=weight)
    return total, mean, np.average((X - mean) ** 2, axis=0, weights=weight)


def _merge(n_past, mean_past, var_past, n_new, mean_new, var_new):
    """Count, mean and variance of two sets from theirs (Chan, Golub and LeVeque)."""
    if n_past == 0:
        return n_new, mean_new, var_new
    n_total = n_past + n_new
    ssd = n_past * var_past + n_new * var_new
    ssd = ssd + (n_new * n_past / n_total) * (mean_past - mean_new) ** 2
    mean = (n_new * mean_new + n_past * mean_past) / n_total
    return n_total, mean, ssd / n_total


class GaussianNB(BaseNB):
    """Gaussian naive Bayes, as scikit-learn's: per-class feature means and variances.

    ``var_smoothing`` times the largest feature variance of the data seen so
    far (``epsilon_``) is added to every variance so that a constant feature
    does not divide by zero. ``partial_fit`` merges each batch into the
    running means and variances with the pairwise update of Chan, Golub and
    LeVeque, which is stable where summing squares is not; fitting in
    batches therefore gives the same model as one ``fit``.

    >>> import numpy as np
    >>> from mlarsenal.naive_bayes import GaussianNB
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> clf = GaussianNB().fit(X, [0, 0, 1, 1])
    >>> clf.theta_
    array([[-1.5],
           [ 1.5]])
    >>> clf.predict([[-0.5], [3.0]])
    array([0, 1])
    """

    _accept_sparse = False

    _fitted_arrays: ClassVar[dict] = {
        "theta_": ("classes", "features"),
        "var_": ("classes", "features"),
        "class_count_": ("classes",),
        "class_prior_": ("classes",),
        # What partial_fit merges the next batch into (epsilon_ follows all rows seen).
        "_seen_mean": ("features",),
        "_seen_var": ("features",),
    }
    _fitted_scalars = ("epsilon_", "_seen_count")

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y, sample_weight=None):
        _check_params(self)
        X = check_X(self, X, reset=True, accept_sparse=False)
        y = check_targets(X, y)
        for name in (
            "classes_",
            "theta_",
            "var_",
            "class_count_",
            "class_prior_",
            "epsilon_",
            "_seen_count",
            "_seen_mean",
            "_seen_var",
        ):
            self.__dict__.pop(name, None)
        self.classes_ = np.unique(y)
        return self._update(X, y, sample_weight, first_call=True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Add one batch; ``classes`` (every label) is required on the first call."""
        _check_params(self)
        first_call = not hasattr(self, "classes_")
        X = check_X(self, X, reset=first_call, accept_sparse=False)
        y = check_targets(X, y)
        first_call = check_partial_fit_classes(self, classes, y)
        return self._update(X, y, sample_weight, first_call=first_call)

    def _update(self, X, y, sample_weight, *, first_call):
        weight = check_sample_weight(
            sample_weight, X.shape[0], only_non_negative=True, allow_all_zero=False
        )
        codes = class_codes(self.classes_, y)
        n_classes, n_features = len(self.classes_), X.shape[1]
        # epsilon_ follows the largest (unweighted) feature variance of all rows
        # seen so far, merged batch by batch, so that partial_fit in batches ends
        # with the same epsilon_ (and var_) as one fit on the concatenation.
        n_batch, mean_batch, var_batch = _mean_variance(X, None)
        if first_call:
            seen = (n_batch, mean_batch, var_batch)
            self.theta_ = np.zeros((n_classes, n_features))
            self.var_ = np.zeros((n_classes, n_features))
            self.class_count_ = np.zeros(n_classes)
            if self.priors is not None:
                priors = non_negative_priors(self.priors, n_classes, "priors")
                if not np.isclose(priors.sum(), 1.0):
                    raise ValueError(f"priors must sum to 1, got sum {priors.sum()!r}")
                self.class_prior_ = priors
        else:
            self.var_[:, :] -= self.epsilon_
            past = (self._seen_count, self._seen_mean, self._seen_var)
            seen = _merge(*past, n_batch, mean_batch, var_batch)
        self._seen_count, self._seen_mean, self._seen_var = float(seen[0]), seen[1], seen[2]
        self.epsilon_ = float(self.var_smoothing * self._seen_var.max())

        for code in np.unique(codes):
            rows = codes == code
            w = None if weight is None else weight[rows]
            n_new, mean_new, var_new = _mean_variance(X[rows], w)
            if np.isclose(n_new, 0.0):
                continue
            self.theta_[code], self.var_[code] = _merge(
                self.class_count_[code],
                self.theta_[code],
                self.var_[code],
                n_new,
                mean_new,
                var_new,
            )[1:]
            self.class_count_[code] += n_new

        self.var_[:, :] += self.epsilon_
        if self.priors is None:
            self.class_prior_ = self.class_count_ / self.class_count_.sum()
        return self

    def _joint_log_likelihood(self, X):
        log_norm = -0.5 * np.sum(np.log(2.0 * np.pi * self.var_), axis=1)
        # (X - theta)^2 per class, not the expanded X^2 - 2 X theta + theta^2:
        # the expansion cancels catastrophically for data far from zero.
        quad = np.column_stack(
            [
                np.sum((X - mean) ** 2 / var, axis=1)
                for mean, var in zip(self.theta_, self.var_, strict=True)
            ]
        )
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        return log_prior + log_norm - 0.5 * quad

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
