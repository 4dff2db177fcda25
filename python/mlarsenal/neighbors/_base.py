"""What every neighbour estimator shares: the fitted index and its queries."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from mlarsenal import _core
from mlarsenal._cuda_support import cuda_module
from mlarsenal._gpu import neighbors as gpu_neighbors
from mlarsenal._gpu.arrays import is_gpu_array, to_host
from mlarsenal._gpu.device import check_device, resolve_device
from mlarsenal._gpu.placement import Placement
from mlarsenal._gpu.validation import check_gpu_matrix
from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import validate_features
from mlarsenal.metrics._distance import resolve_metric


def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} does not take {type(value).__name__} value, enter integer value")
    if value <= 0:
        raise ValueError(f"Expected {name} > 0. Got {value}")
    return int(value)


class NeighborsBase(ArrayModelMixin, BaseEstimator):
    """Parameters and search methods; subclasses add fit targets and predictions."""

    # The model file holds the index's rows (and the subclasses' targets); the
    # metric state is derived from the parameters again on load.
    _fitted_arrays: ClassVar[dict] = {"_fit_X": ("samples", "features")}
    _fitted_scalars = ("n_samples_fit_",)

    def __init__(
        self, n_neighbors=5, radius=1.0, *, metric="minkowski", p=2, n_jobs=None, device="auto"
    ):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.metric = metric
        self.p = p
        self.n_jobs = n_jobs
        self.device = device

    # ------------------------------------------------------------------ fit
    def _fit_index(self, X):
        self._set_metric_state()
        if self.n_neighbors is not None:
            _check_count(self.n_neighbors, "n_neighbors")
        check_device(self.device)
        # Device copies of the index, by GPU: a GPU X is used in place for
        # GPU searches (the host copy serves the CPU paths, e.g. radius queries).
        self._gpu_index = {}
        if is_gpu_array(X):
            check_gpu_matrix(self, X, reset=True)
            self._gpu_index["original"] = X
            X = to_host(X)
        X = validate_features(self, X, reset=True, dtype=(np.float64, np.float32))
        self._fit_X = np.ascontiguousarray(X)
        self.n_samples_fit_ = X.shape[0]
        return self

    def _set_metric_state(self):
        self._metric_code, self._metric_p, self.effective_metric_ = resolve_metric(
            self.metric, self.p
        )
        self.effective_metric_params_ = (
            {"p": self._metric_p} if self.effective_metric_ == "minkowski" else {}
        )

    def _check_loaded_state(self):
        if self._fit_X.dtype not in (np.float64, np.float32):
            raise ValueError(f"_fit_X must be float32 or float64, got {self._fit_X.dtype}")
        if self.n_samples_fit_ != self._fit_X.shape[0]:
            raise ValueError("n_samples_fit_ must equal the number of rows of _fit_X")
        self._set_metric_state()
        self._gpu_index = {}

    def __getstate__(self):
        # Device buffers do not pickle; a GPU index is rebuilt on first use.
        state = super().__getstate__()
        state.pop("_gpu_index", None)
        return state

    def _query(self, X):
        """Validated queries in the index's dtype; None means the training rows."""
        check_is_fitted(self)
        if X is None:
            return None
        if is_gpu_array(X):  # the CPU engine was chosen: search a host copy
            X = to_host(X)
        X = validate_features(self, X, reset=False, dtype=(np.float64, np.float32))
        return np.ascontiguousarray(X, dtype=self._fit_X.dtype)

    def _threads(self) -> int:
        return effective_n_jobs(self.n_jobs)

    # ------------------------------------------------------------------ k nearest
    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Indices of (and distances to) the k nearest training rows of each query.

        With X=None the training rows are the queries and each row is not its
        own neighbour. Nearest first; ties go to the smaller index.
        """
        k = _check_count(self.n_neighbors if n_neighbors is None else n_neighbors, "n_neighbors")
        if self._search_device(X, k if X is not None else k + 1) == "cuda":
            return self._kneighbors_gpu(X, k, return_distance)
        queries = self._query(X)
        query_is_train = queries is None
        if query_is_train:
            queries = self._fit_X
            k += 1
        if k > self.n_samples_fit_:
            shown = k - 1 if query_is_train else k
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {shown}, "
                f"n_samples_fit = {self.n_samples_fit_}, n_samples = {queries.shape[0]}"
            )
        dist, ind = _core.neighbors.knn_search(
            queries, self._fit_X, self._metric_code, self._metric_p, k, self._threads()
        )
        if query_is_train:
            dist, ind = _drop_self(dist, ind)
        return (dist, ind) if return_distance else ind

    def _search_device(self, X, k: int) -> str:
        """'cpu' or 'cuda' for a k-nearest search of X (None: the training rows)."""
        check_is_fitted(self)
        gpu_index = getattr(self, "_gpu_index", None) or {}
        on_gpu = is_gpu_array(X) if X is not None else "original" in gpu_index

        def work() -> float:
            n_queries = self.n_samples_fit_ if X is None else _n_rows(X)
            return float(n_queries) * self.n_samples_fit_ * self.n_features_in_

        return resolve_device(
            getattr(self, "device", "cpu"),
            on_gpu=on_gpu,
            work=work,
            threshold=gpu_neighbors.WORK_THRESHOLD,
            unsupported=gpu_neighbors.knn_unsupported(
                self._metric_code, self._metric_p, k, self._fit_X.dtype
            ),
        )

    def _kneighbors_gpu(self, X, k: int, return_distance: bool):
        query_is_train = X is None
        if query_is_train:
            k += 1
        if k > self.n_samples_fit_:
            shown = k - 1 if query_is_train else k
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {shown}, "
                f"n_samples_fit = {self.n_samples_fit_}, n_samples = {_n_rows(X) if X is not None else self.n_samples_fit_}"
            )
        gpu_index = self._gpu_index if hasattr(self, "_gpu_index") else {}
        self._gpu_index = gpu_index
        placement = Placement.for_inputs(X if X is not None else gpu_index.get("original"))
        index = self._device_index(placement)
        if query_is_train:
            queries = index
        else:
            if is_gpu_array(X):
                check_gpu_matrix(self, X, reset=False)
            else:
                X = validate_features(self, X, reset=False, dtype=(np.float64, np.float32))
            queries = placement.input(X, self._fit_X.dtype)
        code = gpu_neighbors.gpu_metric_code(self._metric_code, self._metric_p)
        dist, ind = gpu_neighbors.knn_search(placement, queries, index, code, k)
        placement.finish()
        if query_is_train:
            dist, ind = gpu_neighbors.drop_self(dist, ind, placement.library)
        return (dist, ind) if return_distance else ind

    def _device_index(self, placement):
        """The index on the placement's GPU: the fitted GPU array itself when it
        fits, else an upload of the host copy, kept for later searches."""
        original = self._gpu_index.get("original")
        if original is not None:
            view = placement.input(original, self._fit_X.dtype)
            if view.owner is original:
                return view
        cached = self._gpu_index.get(placement.device)
        if cached is None:
            uploader = Placement("numpy", placement.device, 0)
            cached = uploader.input(self._fit_X, self._fit_X.dtype)
            # Uploaded on the default stream but read on the caller's, which may be a
            # non-blocking torch/CuPy stream: the copy must have landed first.
            cuda_module().memory.synchronize(placement.device, 0)
            self._gpu_index[placement.device] = cached
        return cached

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Sparse (n_queries, n_samples_fit) graph of the k nearest neighbours."""
        if mode not in ("connectivity", "distance"):
            raise ValueError(f'mode must be "connectivity" or "distance", got {mode!r}')
        dist, ind = self.kneighbors(X, n_neighbors, return_distance=True)
        if is_gpu_array(ind):
            dist, ind = to_host(dist), to_host(ind)
        n_queries, k = ind.shape
        data = np.ones(ind.size) if mode == "connectivity" else dist.ravel()
        indptr = np.arange(0, n_queries * k + 1, k)
        return sparse.csr_matrix(
            (data, ind.ravel(), indptr), shape=(n_queries, self.n_samples_fit_)
        )

    # ------------------------------------------------------------------ radius
    def radius_neighbors(self, X=None, radius=None, return_distance=True, sort_results=False):
        """Training rows within `radius` of each query (inclusive), as object arrays.

        sort_results=True orders each query's neighbours by distance (ties by
        index); otherwise by index. With X=None a row is not its own neighbour.
        """
        radius = self.radius if radius is None else radius
        if isinstance(radius, bool) or not isinstance(radius, numbers.Real) or not radius >= 0:
            raise ValueError(f"radius must be a non-negative number, got {radius!r}")
        indptr, ind, dist = self._radius_csr(X, float(radius), sort_results)
        splits = indptr[1:-1]
        neigh_ind = _object_array(np.split(ind, splits))
        if not return_distance:
            return neigh_ind
        return _object_array(np.split(dist, splits)), neigh_ind

    def radius_neighbors_graph(self, X=None, radius=None, mode="connectivity", sort_results=False):
        """Sparse (n_queries, n_samples_fit) graph of the neighbours within `radius`."""
        if mode not in ("connectivity", "distance"):
            raise ValueError(f'mode must be "connectivity" or "distance", got {mode!r}')
        radius = self.radius if radius is None else radius
        indptr, ind, dist = self._radius_csr(X, float(radius), sort_results)
        data = np.ones(ind.size) if mode == "connectivity" else dist
        return sparse.csr_matrix((data, ind, indptr), shape=(len(indptr) - 1, self.n_samples_fit_))

    def _radius_csr(self, X, radius, sort_results):
        queries = self._query(X)
        query_is_train = queries is None
        if query_is_train:
            queries = self._fit_X
        indptr, ind, dist = _core.neighbors.radius_search(
            queries, self._fit_X, self._metric_code, self._metric_p, radius, sort_results,
            self._threads(),
        )  # fmt: skip
        if query_is_train:
            keep = ind != np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
            counts = (
                np.add.reduceat(keep, indptr[:-1]) if len(ind) else np.zeros(len(indptr) - 1, int)
            )
            counts = np.where(np.diff(indptr) > 0, counts, 0)
            ind, dist = ind[keep], dist[keep]
            indptr = np.concatenate([[0], np.cumsum(counts)])
        return indptr, ind, dist

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _n_rows(X) -> int:
    shape = getattr(X, "shape", None)
    return int(shape[0]) if shape is not None else int(np.shape(X)[0])


def _drop_self(dist, ind):
    """Remove each training row from its own neighbour list (k+1 -> k)."""
    n, k1 = ind.shape
    mask = ind != np.arange(n)[:, None]
    # A row absent from its own list (duplicates tie ahead of it): drop the last.
    no_self = mask.all(axis=1)
    mask[no_self, -1] = False
    return dist[mask].reshape(n, k1 - 1), ind[mask].reshape(n, k1 - 1)


def _object_array(parts) -> np.ndarray:
    out = np.empty(len(parts), dtype=object)
    out[:] = parts
    return out


class SupervisedNeighborsBase(NeighborsBase):
    """The parameters of the k-NN classifier and regressor (no radius; weights)."""

    def __init__(
        self,
        n_neighbors=5,
        *,
        weights="uniform",
        metric="minkowski",
        p=2,
        n_jobs=None,
        device="auto",
    ):
        super().__init__(n_neighbors=n_neighbors, metric=metric, p=p, n_jobs=n_jobs, device=device)
        self.weights = weights

    def _host_neighbors(self, X):
        """kneighbors of X as host arrays (the vote and the mean run on the host)."""
        dist, ind = self.kneighbors(X)
        if is_gpu_array(ind):
            dist, ind = to_host(dist), to_host(ind)
        return dist, ind
