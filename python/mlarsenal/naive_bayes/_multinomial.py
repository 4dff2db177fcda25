"""MultinomialNB."""

from __future__ import annotations

import numpy as np

from mlarsenal.naive_bayes._discrete import DiscreteNB, check_non_negative


class MultinomialNB(DiscreteNB):
    """Multinomial naive Bayes, as scikit-learn's, for counts (word counts, tf-idf).

    ``feature_log_prob_[c, j] = log((N_cj + alpha) / (N_c + alpha * n_features))``
    with ``N_cj`` the (weighted) total of feature j in class c. X may be a
    scipy sparse matrix; it must not hold negative values.

    >>> import numpy as np
    >>> from mlarsenal.naive_bayes import MultinomialNB
    >>> X = np.array([[3, 0, 1], [2, 1, 0], [0, 2, 3], [1, 0, 4]])
    >>> clf = MultinomialNB().fit(X, ["a", "a", "b", "b"])
    >>> clf.predict([[4, 0, 0], [0, 1, 5]])
    array(['a', 'b'], dtype='<U1')
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _count(self, X, Y) -> None:
        check_non_negative(X, "MultinomialNB")
        super()._count(X, Y)

    def _update_feature_log_prob(self, alpha) -> None:
        smoothed = self.feature_count_ + alpha
        self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))

    def _joint_log_likelihood(self, X):
        return np.asarray(X @ self.feature_log_prob_.T) + self.class_log_prior_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags
