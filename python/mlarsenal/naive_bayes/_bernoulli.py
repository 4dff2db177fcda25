"""BernoulliNB."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from mlarsenal.naive_bayes._discrete import DiscreteNB


class BernoulliNB(DiscreteNB):
    """Bernoulli naive Bayes, as scikit-learn's, for binary (present/absent) features.

    Features are first thresholded: values above ``binarize`` become 1, the
    rest 0 (``binarize=None`` takes X as already binary). Unlike the
    multinomial model, an absent feature counts as evidence too:
    ``P(x_j = 0 | c) = 1 - P(x_j = 1 | c)``. X may be a scipy sparse matrix.

    >>> import numpy as np
    >>> from mlarsenal.naive_bayes import BernoulliNB
    >>> X = np.array([[1, 0, 1], [1, 1, 0], [0, 1, 1], [0, 0, 1]])
    >>> BernoulliNB().fit(X, [0, 0, 1, 1]).predict([[1, 1, 0], [0, 0, 1]])
    array([0, 1])
    """

    def __init__(
        self, *, alpha=1.0, force_alpha=True, binarize=0.0, fit_prior=True, class_prior=None
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _check_params(self) -> None:
        super()._check_params()
        b = self.binarize
        if b is not None and (isinstance(b, bool) or not isinstance(b, numbers.Real)):
            raise TypeError(f"binarize must be a number or None, got {b!r}")

    def _checked_X(self, X, *, reset: bool):
        X = super()._checked_X(X, reset=reset)
        if self.binarize is None:
            return X
        if sp.issparse(X):
            X = X.copy()
            X.data = (X.data > self.binarize).astype(np.float64)
            X.eliminate_zeros()
            return X
        return np.greater(X, self.binarize).astype(np.float64)

    def _update_feature_log_prob(self, alpha) -> None:
        smoothed = self.feature_count_ + alpha
        # Per feature: present and absent each get alpha (alpha may be one per feature).
        self.feature_log_prob_ = np.log(smoothed) - np.log(self.class_count_[:, None] + 2.0 * alpha)

    def _joint_log_likelihood(self, X):
        # log(1 - p) from log p through expm1: accurate when p is close to 0 or 1.
        log_absent = np.log(-np.expm1(self.feature_log_prob_))
        jll = np.asarray(X @ (self.feature_log_prob_ - log_absent).T)
        return jll + self.class_log_prior_ + log_absent.sum(axis=1)
