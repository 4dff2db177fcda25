"""k-means++ seeding (greedy, with local trials), on the native distance kernel."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_array, check_sample_weight
from mlarsenal.metrics._distance import resolve_metric

_SQEUCLIDEAN = resolve_metric("sqeuclidean")[0]


def kmeans_plusplus(
    X, n_clusters, *, sample_weight=None, random_state=None, n_local_trials=None, n_jobs=None
):
    """Initial centres by greedy k-means++, as :func:`sklearn.cluster.kmeans_plusplus`.

    Draws the same random numbers in the same order as scikit-learn, so the
    same `random_state` picks the same points. Returns (centers, indices).

    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [9.0, 9.0], [9.0, 8.0]])
    >>> centers, indices = kmeans_plusplus(X, 2, random_state=0)
    >>> sorted(indices.tolist()) in ([0, 2], [0, 3], [1, 2], [1, 3])
    True
    """
    X = np.ascontiguousarray(check_array(X, dtype=(np.float64, np.float32)))
    n_samples = X.shape[0]
    if not 1 <= n_clusters <= n_samples:
        raise ValueError(f"n_clusters={n_clusters} must be in [1, n_samples={n_samples}]")
    weight = check_sample_weight(sample_weight, n_samples, dtype=X.dtype, only_non_negative=True)
    weight = np.ones(n_samples, dtype=X.dtype) if weight is None else weight
    if weight.sum() <= 0:
        raise ValueError("sample_weight must have a positive sum")
    return _greedy_kmeans_plusplus(
        X, n_clusters, weight, check_random_state(random_state), n_local_trials,
        effective_n_jobs(n_jobs),
    )  # fmt: skip


def _single_threaded_blas():
    # The potentials are small BLAS products; a multi-threaded BLAS would leave
    # its threads spinning between them and steal the cores our kernel needs
    # (a quarter of the run time was spent in them).
    return threadpool_limits(limits=1, user_api="blas")


def _squared_distances(A, X, n_threads, dtype):
    """(len(A), len(X)) squared distances in `dtype`, computed in float64.

    float64 first, then rounded, as scikit-learn does for float32 data: the
    potentials and their cumulative sums then match its values, and so do the
    rows its random draws pick. X is the query side of the kernel: it is split
    between threads and the few rows of A are packed once.
    """
    distances = _core.neighbors.pairwise_distances(X, A, _SQEUCLIDEAN, 2.0, n_threads)
    return np.ascontiguousarray(distances.T, dtype=dtype)


def _greedy_kmeans_plusplus(X, n_clusters, weight, random_state, n_local_trials, n_threads):
    with _single_threaded_blas():
        return _seed(X, n_clusters, weight, random_state, n_local_trials, n_threads)


def _seed(X, n_clusters, weight, random_state, n_local_trials, n_threads):
    n_samples, n_features = X.shape
    if n_local_trials is None:
        # scikit-learn's choice (Arthur & Vassilvitskii suggest O(log k) trials).
        n_local_trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, n_features), dtype=X.dtype)
    indices = np.full(n_clusters, -1, dtype=int)
    X64 = X if X.dtype == np.float64 else X.astype(np.float64)
    center_id = random_state.choice(n_samples, p=weight / weight.sum())
    centers[0], indices[0] = X[center_id], center_id
    closest = _squared_distances(X64[center_id : center_id + 1], X64, n_threads, X.dtype)[0]
    potential = closest @ weight
    for c in range(1, n_clusters):
        # Candidates drawn with probability proportional to weight * distance^2;
        # keep the one that lowers the potential most.
        targets = random_state.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(weight * closest), targets)
        np.clip(candidates, None, closest.size - 1, out=candidates)
        to_candidates = _squared_distances(X64[candidates], X64, n_threads, X.dtype)
        np.minimum(closest, to_candidates, out=to_candidates)
        potentials = to_candidates @ weight
        best = int(np.argmin(potentials))
        potential, closest = potentials[best], to_candidates[best]
        centers[c], indices[c] = X[candidates[best]], candidates[best]
    return centers, indices
