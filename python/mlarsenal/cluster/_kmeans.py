"""KMeans: k-means++ seeding and Lloyd iterations with fused assignment and update."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_sample_weight, validate_features
from mlarsenal.cluster._kmeans_plusplus import _greedy_kmeans_plusplus
from mlarsenal.metrics._distance import pairwise_distances


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """k-means clustering, as :class:`sklearn.cluster.KMeans` (Lloyd's algorithm).

    Parameters
    ----------
    n_clusters : int, default=8
    init : {"k-means++", "random"}, callable or array of shape (n_clusters, n_features)
        Same seeding as scikit-learn: the same `random_state` picks the same points.
    n_init : "auto" or int, default="auto"
        Runs from different seeds; the lowest inertia wins. "auto": 1 for
        k-means++ and an explicit array, 10 for "random" and callables.
    max_iter : int, default=300
    tol : float, default=1e-4
        Relative tolerance on the centres' total squared shift (scaled by the
        mean feature variance, as in scikit-learn).
    random_state : int, RandomState or None
    n_jobs : int or None
        Native threads (None: every usable core).

    Each iteration assigns every point to its nearest centre on the GEMM
    distance kernel (exactly: near-ties are re-scored) and accumulates the new
    centres in the same pass. Results do not depend on `n_jobs`.

    >>> import numpy as np
    >>> from mlarsenal.cluster import KMeans
    >>> X = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0], [10.0, 2.0], [10.0, 4.0], [10.0, 0.0]])
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> sorted(km.cluster_centers_.tolist())
    [[1.0, 2.0], [10.0, 2.0]]
    """

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        verbose=0,
        random_state=None,
        copy_x=True,
        n_jobs=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ parameters
    def _check_params(self, n_samples):
        for name in ("n_clusters", "max_iter"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if self.n_clusters > n_samples:
            raise ValueError(f"n_samples={n_samples} should be >= n_clusters={self.n_clusters}.")
        if not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol must be a number >= 0, got {self.tol!r}")
        init_is_array = hasattr(self.init, "__array__")
        init_name = self.init if isinstance(self.init, str) else None
        if not (init_is_array or callable(self.init) or init_name in ("k-means++", "random")):
            raise ValueError(
                f"init must be 'k-means++', 'random', a callable or an array, got {self.init!r}"
            )
        if self.n_init == "auto":
            return 1 if (init_name == "k-means++" or init_is_array) else 10
        if (
            isinstance(self.n_init, bool)
            or not isinstance(self.n_init, numbers.Integral)
            or self.n_init < 1
        ):
            raise ValueError(f"n_init must be 'auto' or an integer >= 1, got {self.n_init!r}")
        return int(self.n_init)

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, sample_weight=None):
        X = validate_features(self, X, reset=True, dtype=(np.float64, np.float32))
        n_init = self._check_params(X.shape[0])
        weight = check_sample_weight(
            sample_weight, X.shape[0], dtype=X.dtype, only_non_negative=True, allow_all_zero=False
        )
        unit = np.ones(X.shape[0], dtype=X.dtype) if weight is None else weight
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_jobs(self.n_jobs)

        # Centring first (as scikit-learn does) keeps |x|^2 small, which keeps
        # the GEMM-form distances accurate.
        X = np.array(X, dtype=X.dtype, order="C", copy=True)
        mean = X.mean(axis=0)
        X -= mean
        tol = float(np.mean(np.var(X, axis=0)) * self.tol) if self.tol else 0.0

        init = self.init
        if hasattr(init, "__array__"):
            init = np.asarray(init, dtype=X.dtype)
            if init.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(
                    f"The shape of the initial centers {init.shape} does not match the number "
                    f"of clusters {self.n_clusters} and features {X.shape[1]}"
                )
            init = init - mean

        best = None
        for _ in range(n_init):
            start = self._initial_centers(X, init, unit, random_state, n_threads)
            centers, labels, inertia, n_iter, _strict = _core.cluster.lloyd(
                X, weight, np.ascontiguousarray(start, dtype=X.dtype), self.max_iter, tol, n_threads
            )
            if best is None or inertia < best[2]:
                best = (centers, labels, inertia, n_iter)
        centers, labels, inertia, n_iter = best
        self.cluster_centers_ = centers + mean
        self.labels_ = labels.astype(np.int32)
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        self._n_features_out = self.n_clusters
        return self

    def _initial_centers(self, X, init, weight, random_state, n_threads):
        if isinstance(init, np.ndarray):
            return init
        if callable(init):
            centers = np.asarray(init(X, self.n_clusters, random_state=random_state), dtype=X.dtype)
            if centers.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(f"init callable returned shape {centers.shape}")
            return centers
        if init == "random":
            chosen = random_state.choice(
                X.shape[0], size=self.n_clusters, replace=False, p=weight / weight.sum()
            )
            return X[chosen]
        return _greedy_kmeans_plusplus(X, self.n_clusters, weight, random_state, None, n_threads)[0]

    # ------------------------------------------------------------------ use
    def _validated(self, X):
        check_is_fitted(self)
        X = validate_features(self, X, reset=False, dtype=(np.float64, np.float32))
        return np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)

    def predict(self, X, sample_weight=None):
        """Index of the nearest centre of each row."""
        X = self._validated(X)
        labels, _ = _core.cluster.assign_labels(
            X, None, self.cluster_centers_, effective_n_jobs(self.n_jobs)
        )
        return labels

    def fit_predict(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).labels_

    def transform(self, X):
        """Euclidean distances of each row to every centre, (n_samples, n_clusters)."""
        X = self._validated(X)
        return pairwise_distances(X, self.cluster_centers_, n_jobs=self.n_jobs)

    def fit_transform(self, X, y=None, sample_weight=None):
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X under this model (higher is better)."""
        X = self._validated(X)
        weight = check_sample_weight(sample_weight, X.shape[0], dtype=X.dtype)
        _, inertia = _core.cluster.assign_labels(
            X, weight, self.cluster_centers_, effective_n_jobs(self.n_jobs)
        )
        return -inertia
