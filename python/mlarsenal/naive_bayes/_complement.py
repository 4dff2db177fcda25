"""ComplementNB."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from mlarsenal.naive_bayes._discrete import DiscreteNB, check_non_negative


class ComplementNB(DiscreteNB):
    """Complement naive Bayes (Rennie et al., 2003), as scikit-learn's.

    Each class is described by the counts of every *other* class, which
    suits imbalanced text data: ``feature_log_prob_`` is minus the log of the
    smoothed complement frequencies, or, with ``norm=True``, those logs divided
    by their per-class sum. The class prior only decides when there is a
    single class. X may be a scipy sparse matrix; it must not hold negative
    values.

    >>> import numpy as np
    >>> from mlarsenal.naive_bayes import ComplementNB
    >>> X = np.array([[3, 0, 1], [2, 1, 0], [0, 2, 3], [1, 0, 4]])
    >>> ComplementNB().fit(X, [0, 0, 1, 1]).predict([[4, 0, 0], [0, 1, 5]])
    array([0, 1])
    """

    _fitted_arrays: ClassVar[dict] = DiscreteNB._fitted_arrays | {"feature_all_": ("features",)}

    def __init__(
        self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None, norm=False
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior
        self.norm = norm

    def _check_params(self) -> None:
        super()._check_params()
        if not isinstance(self.norm, (bool, np.bool_)):
            raise TypeError(f"norm must be a bool, got {self.norm!r}")

    def _count(self, X, Y) -> None:
        check_non_negative(X, "ComplementNB")
        super()._count(X, Y)
        self.feature_all_ = self.feature_count_.sum(axis=0)

    def _update_feature_log_prob(self, alpha) -> None:
        complement = self.feature_all_ + alpha - self.feature_count_
        logged = np.log(complement / complement.sum(axis=1, keepdims=True))
        if self.norm:
            self.feature_log_prob_ = logged / logged.sum(axis=1, keepdims=True)
        else:
            self.feature_log_prob_ = -logged

    def _joint_log_likelihood(self, X):
        jll = np.asarray(X @ self.feature_log_prob_.T)
        if len(self.classes_) == 1:
            jll = jll + self.class_log_prior_
        return jll

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags
