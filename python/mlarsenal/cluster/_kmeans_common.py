"""What KMeans and MiniBatchKMeans share: parameter checks, seeding and prediction."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.utils.validation import check_is_fitted

from mlarsenal import _core
from mlarsenal._gpu import kmeans as gpu_kmeans
from mlarsenal._gpu import neighbors as gpu_neighbors
from mlarsenal._gpu.arrays import is_gpu_array, to_host
from mlarsenal._gpu.device import resolve_device
from mlarsenal._gpu.placement import Placement
from mlarsenal._gpu.validation import check_gpu_matrix
from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_sample_weight, validate_features
from mlarsenal.cluster._kmeans_plusplus import _greedy_kmeans_plusplus
from mlarsenal.metrics._distance import pairwise_distances

FLOAT_DTYPES = (np.float64, np.float32)


def is_positive_int(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Integral) and value >= 1


def labels_inertia(X, weight, centers, n_threads):
    """Nearest centre of each row and the weighted inertia (native, exact near-ties)."""
    return _core.cluster.assign_labels(
        X, weight, np.ascontiguousarray(centers, dtype=X.dtype), n_threads
    )


class KMeansBase(
    ArrayModelMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator
):
    """Subclasses set `_n_init_for_random` (seedings per fit for "random" and callables)."""

    def _check_loaded_state(self):
        if self.cluster_centers_.dtype not in FLOAT_DTYPES:
            raise ValueError("cluster_centers_ must be float32 or float64")

    _n_init_for_random = 10
    _positive_int_params = ("n_clusters", "max_iter")

    def _check_common_params(self, X):
        """(number of seedings, init): init validated, an array cast to X's dtype."""
        for name in self._positive_int_params:
            value = getattr(self, name)
            if not is_positive_int(value):
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if self.n_clusters > X.shape[0]:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        if not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol must be a number >= 0, got {self.tol!r}")
        init = self.init
        init_name = init if isinstance(init, str) else None
        is_array = hasattr(init, "__array__")
        if not (is_array or callable(init) or init_name in ("k-means++", "random")):
            raise ValueError(
                f"init must be 'k-means++', 'random', a callable or an array, got {init!r}"
            )
        if is_array:
            init = np.asarray(init, dtype=X.dtype)
            if init.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(
                    f"The shape of the initial centers {init.shape} does not match the number "
                    f"of clusters {self.n_clusters} and features {X.shape[1]}"
                )
        if self.n_init == "auto":
            n_init = 1 if (init_name == "k-means++" or is_array) else self._n_init_for_random
        elif is_positive_int(self.n_init):
            n_init = int(self.n_init)
        else:
            raise ValueError(f"n_init must be 'auto' or an integer >= 1, got {self.n_init!r}")
        return n_init, init

    def _seed(self, X, init, weight, random_state, n_threads, init_size=None):
        """Initial centres, drawn as scikit-learn draws them (optionally from a subset)."""
        if init_size is not None and init_size < X.shape[0]:
            subset = random_state.randint(0, X.shape[0], init_size)
            X, weight = X[subset], weight[subset]
        if isinstance(init, np.ndarray):
            return init.copy()
        if callable(init):
            centers = np.asarray(init(X, self.n_clusters, random_state=random_state), dtype=X.dtype)
            if centers.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(f"init callable returned shape {centers.shape}")
            return centers
        if init == "random":
            chosen = random_state.choice(
                X.shape[0], size=self.n_clusters, replace=False, p=weight / weight.sum()
            )
            return X[chosen].copy()
        return _greedy_kmeans_plusplus(
            np.ascontiguousarray(X), self.n_clusters, weight, random_state, None, n_threads
        )[0]

    # ------------------------------------------------------------------ fitted use
    def _validated(self, X):
        check_is_fitted(self)
        if is_gpu_array(X):  # the CPU engine was chosen: work on a host copy
            X = to_host(X)
        X = validate_features(self, X, reset=False, dtype=FLOAT_DTYPES)
        return np.ascontiguousarray(X, dtype=self.cluster_centers_.dtype)

    def _use_gpu(self, X) -> bool:
        """Whether predict/transform/score of X run on the GPU (estimators
        without a `device` parameter always use the CPU)."""
        check_is_fitted(self)

        def work() -> float:
            shape = getattr(X, "shape", None)
            if shape is None or len(shape) != 2:
                return 0.0
            return float(shape[0]) * shape[1] * self.n_clusters

        device = getattr(self, "device", "cpu")
        return (
            resolve_device(
                device, on_gpu=is_gpu_array(X), work=work, threshold=gpu_kmeans.WORK_THRESHOLD
            )
            == "cuda"
        )

    def _gpu_input(self, X):
        placement = Placement.for_inputs(X)
        if is_gpu_array(X):
            check_gpu_matrix(self, X, reset=False)
        else:
            X = validate_features(self, X, reset=False, dtype=FLOAT_DTYPES)
        return placement, placement.input(X, np.float32)

    def predict(self, X, sample_weight=None):
        """Index of the nearest centre of each row (on X's GPU library for GPU inputs)."""
        if self._use_gpu(X):
            placement, view = self._gpu_input(X)
            labels, _ = gpu_kmeans.assign_labels(placement, view, None, self.cluster_centers_)
            placement.finish()
            return labels
        X = self._validated(X)
        return labels_inertia(X, None, self.cluster_centers_, effective_n_jobs(self.n_jobs))[0]

    def transform(self, X):
        """Euclidean distances of each row to every centre, (n_samples, n_clusters)."""
        if self._use_gpu(X):
            placement, view = self._gpu_input(X)
            centers = placement.input(self.cluster_centers_, np.float32)
            out = gpu_neighbors.pairwise_distances(placement, view, centers, 1)
            placement.finish()
            return out
        X = self._validated(X)
        return pairwise_distances(X, self.cluster_centers_, n_jobs=self.n_jobs)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the inertia of X under this model (higher is better)."""
        if self._use_gpu(X):
            placement, view = self._gpu_input(X)
            if sample_weight is not None and not is_gpu_array(sample_weight):
                sample_weight = check_sample_weight(sample_weight, view.shape[0], dtype=np.float32)
            weight = gpu_kmeans.weight_view(placement, sample_weight, view.shape[0])
            _, inertia = gpu_kmeans.assign_labels(placement, view, weight, self.cluster_centers_)
            placement.finish()
            return -inertia
        X = self._validated(X)
        if is_gpu_array(sample_weight):
            sample_weight = to_host(sample_weight)
        weight = check_sample_weight(sample_weight, X.shape[0], dtype=X.dtype)
        return -labels_inertia(X, weight, self.cluster_centers_, effective_n_jobs(self.n_jobs))[1]
