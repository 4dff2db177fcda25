"""KNeighborsRegressor."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.base import RegressorMixin

from mlarsenal._gpu.arrays import is_gpu_array, to_host
from mlarsenal._gpu.validation import like_input
from mlarsenal._validation import check_consistent_length
from mlarsenal.neighbors._base import SupervisedNeighborsBase
from mlarsenal.neighbors._weights import check_weights, neighbor_weights


class KNeighborsRegressor(RegressorMixin, SupervisedNeighborsBase):
    """Mean target of the k nearest training rows, as :class:`sklearn.neighbors.KNeighborsRegressor`.

    weights: ``"uniform"`` or ``"distance"`` (1/distance; exact matches win
    outright). y may be (n_samples,) or (n_samples, n_outputs).

    >>> import numpy as np
    >>> from mlarsenal.neighbors import KNeighborsRegressor
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> KNeighborsRegressor(n_neighbors=2).fit(X, [0.0, 0.0, 1.0, 1.0]).predict([[1.6]])
    array([0.5])
    """

    _fitted_arrays: ClassVar[dict] = {
        **SupervisedNeighborsBase._fitted_arrays,
        "_y": [("samples",), ("samples", "outputs")],
    }

    def fit(self, X, y):
        check_weights(self.weights)
        self._fit_index(X)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        y = np.asarray(to_host(y) if is_gpu_array(y) else y)
        if y.ndim == 0 or y.ndim > 2:
            raise ValueError(f"y must be 1-d or 2-d, got shape {y.shape}")
        check_consistent_length(X=self._fit_X, y=y)
        y = y.astype(np.float64)
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity")
        self._y = y
        return self

    def predict(self, X):
        return like_input(X, self._predict_host(X))

    def _predict_host(self, X) -> np.ndarray:
        dist, ind = self._host_neighbors(X)
        weight = neighbor_weights(dist, self.weights)
        targets = self._y[ind]  # (n_queries, k) or (n_queries, k, n_outputs)
        if weight is None:
            return targets.mean(axis=1)
        if targets.ndim == 3:
            weight = weight[:, :, None]
        return (targets * weight).sum(axis=1) / weight.sum(axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
