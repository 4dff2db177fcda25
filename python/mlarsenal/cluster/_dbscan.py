"""DBSCAN on the exact radius-neighbour kernel."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from mlarsenal import _core
from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_sample_weight, validate_features
from mlarsenal.cluster._kmeans_common import FLOAT_DTYPES, is_positive_int
from mlarsenal.metrics._distance import resolve_metric


class DBSCAN(ArrayModelMixin, ClusterMixin, BaseEstimator):
    """Density-based clustering, as :class:`sklearn.cluster.DBSCAN` (same labels).

    A point is a core point when the (weighted) number of points within `eps`
    of it, itself included, is at least `min_samples`. Clusters grow from core
    points in index order; border points join the first cluster reaching them;
    the rest is noise (label -1). Neighbourhoods come from the exact radius
    search of :mod:`mlarsenal.neighbors` (points at exactly `eps` count).

    >>> import numpy as np
    >>> from mlarsenal.cluster import DBSCAN
    >>> X = np.array([[1.0, 2.0], [2.0, 2.0], [2.0, 3.0], [8.0, 7.0], [8.0, 8.0], [25.0, 80.0]])
    >>> DBSCAN(eps=3, min_samples=2).fit(X).labels_
    array([ 0,  0,  0,  1,  1, -1])
    """

    _fitted_arrays: ClassVar[dict] = {
        "labels_": ("samples",),
        "core_sample_indices_": ("cores",),
        "components_": ("cores", "features"),
    }

    def __init__(self, eps=0.5, *, min_samples=5, metric="euclidean", p=None, n_jobs=None):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.p = p
        self.n_jobs = n_jobs

    def fit(self, X, y=None, sample_weight=None):
        if isinstance(self.eps, bool) or not isinstance(self.eps, numbers.Real) or not self.eps > 0:
            raise ValueError(f"eps must be a number > 0, got {self.eps!r}")
        if not is_positive_int(self.min_samples):
            raise ValueError(f"min_samples must be an integer >= 1, got {self.min_samples!r}")
        code, p, _ = resolve_metric(self.metric, 2 if self.p is None else self.p)
        X = np.ascontiguousarray(validate_features(self, X, reset=True, dtype=FLOAT_DTYPES))
        weight = check_sample_weight(sample_weight, X.shape[0], allow_all_zero=False)
        indptr, indices, _ = _core.neighbors.radius_search(
            X, X, code, p, float(self.eps), False, effective_n_jobs(self.n_jobs)
        )
        if weight is None:
            density = np.diff(indptr)
        else:
            density = (
                np.add.reduceat(weight[indices], indptr[:-1])
                if indices.size
                else np.zeros(X.shape[0])
            )
        is_core = (density >= self.min_samples).astype(np.uint8)
        self.labels_ = _core.cluster.dbscan_labels(indptr, indices, is_core)
        self.core_sample_indices_ = np.flatnonzero(is_core)
        self.components_ = X[self.core_sample_indices_].copy()
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).labels_
