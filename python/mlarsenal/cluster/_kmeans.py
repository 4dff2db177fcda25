"""KMeans: k-means++ seeding and Lloyd iterations with fused assignment and update."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from sklearn.utils import check_random_state

from mlarsenal import _core
from mlarsenal._gpu import kmeans as gpu_kmeans
from mlarsenal._gpu.arrays import is_gpu_array, to_host
from mlarsenal._gpu.device import check_device, resolve_device
from mlarsenal._gpu.placement import Placement
from mlarsenal._gpu.validation import check_gpu_matrix
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_sample_weight, validate_features
from mlarsenal.cluster._kmeans_common import FLOAT_DTYPES, KMeansBase


class KMeans(KMeansBase):
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
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where fit, predict, transform and score run (docs/user_guide/gpu.md).
        "auto" uses the GPU when one is usable and X is a GPU array or the work
        per iteration is large. The GPU computes in float32; seeding
        ("k-means++", "random", callables) runs on a host copy of X.
    deterministic : bool, default=False
        GPU only: sum the new centres in a fixed order, so repeated fits give
        bitwise identical results (slower). The CPU engine is always deterministic.

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

    _fitted_arrays: ClassVar[dict] = {
        "cluster_centers_": ("clusters", "features"),
        "labels_": ("samples",),
    }
    _fitted_scalars = ("inertia_", "n_iter_", "_n_features_out")

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
        device="auto",
        deterministic=False,
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
        self.device = device
        self.deterministic = deterministic

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, sample_weight=None):
        check_device(self.device)
        if self._fit_device(X) == "cuda":
            return self._fit_gpu(X, sample_weight)
        if is_gpu_array(X):
            X = to_host(X)
        if is_gpu_array(sample_weight):
            sample_weight = to_host(sample_weight)
        X = validate_features(self, X, reset=True, dtype=FLOAT_DTYPES)
        n_init, init = self._check_common_params(X)
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

        if isinstance(init, np.ndarray):
            init = init - mean
        best = None
        for _ in range(n_init):
            start = self._seed(X, init, unit, random_state, n_threads)
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

    # ------------------------------------------------------------------ GPU
    def _fit_device(self, X) -> str:
        def work() -> float:
            shape = getattr(X, "shape", None)
            if shape is None or len(shape) != 2:
                return 0.0
            return float(shape[0]) * shape[1] * self.n_clusters

        return resolve_device(
            self.device,
            on_gpu=is_gpu_array(X),
            work=work,
            threshold=gpu_kmeans.WORK_THRESHOLD,
        )

    def _fit_gpu(self, X, sample_weight):
        """fit on the GPU: the CPU fit's steps (centring, tolerance, seeding on the
        host, best of n_init), with Lloyd's iterations in ``_cuda``."""
        if is_gpu_array(X):
            n, _ = check_gpu_matrix(self, X, reset=True)
            placement = Placement.for_inputs(X)
            centred, mean, variance = gpu_kmeans.centred_on_device(X)
            dtype = np.dtype(np.float64 if "64" in str(X.dtype) else np.float32)
            host = None  # made only if seeding needs it
        else:
            host_X = validate_features(self, X, reset=True, dtype=FLOAT_DTYPES)
            n = host_X.shape[0]
            dtype = host_X.dtype
            placement = Placement.for_inputs()
            host = np.array(host_X, dtype=dtype, order="C", copy=True)
            mean = host.mean(axis=0)
            host -= mean
            variance = float(np.mean(np.var(host, axis=0)))
            centred = host
        n_init, init = self._check_common_params(_ShapeOnly(n, self.n_features_in_, dtype))
        host_weight = (
            None if sample_weight is None or is_gpu_array(sample_weight) else sample_weight
        )
        weight = check_sample_weight(
            host_weight, n, dtype=dtype, only_non_negative=True, allow_all_zero=False
        )
        unit = np.ones(n, dtype=dtype) if weight is None else weight
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_jobs(self.n_jobs)
        tol = variance * self.tol if self.tol else 0.0
        if isinstance(init, np.ndarray):
            init = init - mean.astype(init.dtype)
        X_view = placement.input(centred, np.float32)
        weights = gpu_kmeans.weight_view(
            placement, sample_weight if is_gpu_array(sample_weight) else weight, n
        )
        best = None
        for _ in range(n_init):
            if not isinstance(init, np.ndarray) and host is None:
                host = to_host(centred).astype(dtype, copy=False)
            start = self._seed(host, init, unit, random_state, n_threads)
            centers, labels, inertia, n_iter = gpu_kmeans.lloyd(
                placement, X_view, weights, start, max_iter=self.max_iter, tol=tol,
                deterministic=bool(self.deterministic),
            )  # fmt: skip
            if best is None or inertia < best[2]:
                best = (centers, labels, inertia, n_iter)
        placement.finish()
        centers, labels, inertia, n_iter = best
        self.cluster_centers_ = (centers.astype(dtype) + mean).astype(dtype)
        self.labels_ = to_host(labels).astype(np.int32) if is_gpu_array(labels) else labels
        self.inertia_ = float(inertia)
        self.n_iter_ = int(n_iter)
        self._n_features_out = self.n_clusters
        return self


class _ShapeOnly:
    """What _check_common_params reads of X (shape and dtype) for a GPU array."""

    def __init__(self, n: int, d: int, dtype):
        self.shape = (n, d)
        self.dtype = np.dtype(dtype)
