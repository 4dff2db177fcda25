"""KNeighborsClassifier."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets

from mlarsenal._gpu.arrays import is_gpu_array, to_host
from mlarsenal._gpu.validation import like_input
from mlarsenal._validation import check_consistent_length, column_or_1d
from mlarsenal.neighbors._base import SupervisedNeighborsBase
from mlarsenal.neighbors._weights import check_weights, neighbor_weights


class KNeighborsClassifier(ClassifierMixin, SupervisedNeighborsBase):
    """Vote of the k nearest training rows, as :class:`sklearn.neighbors.KNeighborsClassifier`.

    weights: ``"uniform"`` (each neighbour one vote) or ``"distance"`` (votes
    weighted by 1/distance; exact matches win outright). Ties between classes
    go to the smallest class label. Targets are 1-d class labels.

    >>> import numpy as np
    >>> from mlarsenal.neighbors import KNeighborsClassifier
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> KNeighborsClassifier(n_neighbors=3).fit(X, [0, 0, 1, 1]).predict([[1.1]])
    array([0])
    """

    _fitted_arrays: ClassVar[dict] = {
        **SupervisedNeighborsBase._fitted_arrays,
        "_y": ("samples",),  # class codes, indices into classes_
    }

    def _check_loaded_state(self):
        super()._check_loaded_state()
        if self._y.dtype.kind not in "iu" or (
            len(self._y) and (self._y.min() < 0 or self._y.max() >= len(self.classes_))
        ):
            raise ValueError("_y must hold class codes in [0, len(classes_))")

    def fit(self, X, y):
        check_weights(self.weights)
        self._fit_index(X)
        y = to_host(y) if is_gpu_array(y) else y
        y = column_or_1d(y, "y", warn=True)
        check_consistent_length(X=self._fit_X, y=y)
        if y.dtype.kind in "fc" and not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        check_classification_targets(y)
        self.classes_, self._y = np.unique(y, return_inverse=True)
        self._y = self._y.ravel()
        return self

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_`` (on X's GPU library
        when X is a GPU array)."""
        return like_input(X, self._proba(X))

    def _proba(self, X) -> np.ndarray:
        dist, ind = self._host_neighbors(X)
        votes = self._y[ind]
        weight = neighbor_weights(dist, self.weights)
        if weight is None:
            weight = np.ones_like(dist, dtype=np.float64)
        proba = np.zeros((ind.shape[0], len(self.classes_)))
        rows = np.repeat(np.arange(ind.shape[0]), ind.shape[1])
        np.add.at(proba, (rows, votes.ravel()), weight.ravel())
        total = proba.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        return proba / total

    def predict(self, X):
        proba = self._proba(X)
        return like_input(X, self.classes_[np.argmax(proba, axis=1)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = False
        return tags
