"""Distance metrics shared by pairwise_distances and the neighbour estimators."""

from __future__ import annotations

import numbers

import numpy as np

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_array
from mlarsenal.metrics._dispatch import common_float_dtype

# Name -> code of cpp/include/mlarsenal/neighbors/distances.hpp (Metric).
_METRIC_CODES = {
    "sqeuclidean": 0,
    "euclidean": 1,
    "l2": 1,
    "cosine": 2,
    "manhattan": 3,
    "cityblock": 3,
    "l1": 3,
    "chebyshev": 4,
    "infinity": 4,
    "minkowski": 5,
    "inner_product": 6,
}
SUPPORTED_METRICS = tuple(sorted(_METRIC_CODES))


def resolve_metric(metric, p=2) -> tuple[int, float, str]:
    """(kernel code, p, canonical name); minkowski with p in {1, 2, inf} maps to its special case."""
    if not isinstance(metric, str) or metric not in _METRIC_CODES:
        raise ValueError(
            f"metric must be one of {list(SUPPORTED_METRICS)}, got {metric!r} "
            "(callables and other scipy metrics are not supported)"
        )
    if metric == "minkowski":
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or np.isnan(p) or p < 1:
            raise ValueError(f"p must be a number >= 1 for the minkowski metric, got {p!r}")
        if p == 1:
            return _METRIC_CODES["manhattan"], 1.0, "manhattan"
        if p == 2:
            return _METRIC_CODES["euclidean"], 2.0, "euclidean"
        if np.isinf(p):
            return _METRIC_CODES["chebyshev"], float(p), "chebyshev"
        return _METRIC_CODES["minkowski"], float(p), "minkowski"
    canonical = {"l2": "euclidean", "cityblock": "manhattan", "l1": "manhattan"}.get(metric, metric)
    canonical = "chebyshev" if canonical == "infinity" else canonical
    return _METRIC_CODES[metric], float(p), canonical


def as_rows(X, name: str, dtype=None) -> np.ndarray:
    """A C-contiguous float32/float64 matrix (the kernels need contiguous rows)."""
    array = check_array(X, name=name, dtype=(np.float64, np.float32) if dtype is None else dtype)
    return np.ascontiguousarray(array)


def pairwise_distances(X, Y=None, metric="euclidean", *, n_jobs=None, **kwds):
    """Distance matrix between the rows of X and the rows of Y (or X).

    As :func:`sklearn.metrics.pairwise_distances` for the metrics
    ``"euclidean"`` (``"l2"``), ``"sqeuclidean"``, ``"cosine"``,
    ``"manhattan"`` (``"cityblock"``, ``"l1"``), ``"chebyshev"`` and
    ``"minkowski"`` (``p=`` keyword), and ``"inner_product"``: the negated inner
    product ``-x·y`` (not a scikit-learn metric; it ranks rows by largest inner
    product, as faiss's IndexFlatIP). float32 inputs give a float32 matrix;
    otherwise float64. The dot-product metrics use a blocked GEMM kernel and
    re-score exactly the pairs where its ``|x|² + |y|² - 2x·y`` form would
    lose accuracy (near neighbours).

    >>> pairwise_distances([[0.0, 0.0], [3.0, 4.0]])
    array([[0., 5.],
           [5., 0.]])
    """
    unknown = set(kwds) - {"p"}
    if unknown:
        raise TypeError(f"pairwise_distances got unexpected keyword(s) {sorted(unknown)}")
    code, p, _ = resolve_metric(metric, kwds.get("p", 2))
    Xa = as_rows(X, "X")
    Ya = Xa if Y is None else as_rows(Y, "Y")
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(
            f"X and Y have different numbers of features: {Xa.shape[1]} vs {Ya.shape[1]}"
        )
    dtype = common_float_dtype(Xa, Ya)
    Xa, Ya = Xa.astype(dtype, copy=False), Ya.astype(dtype, copy=False)
    out = _core.neighbors.pairwise_distances(Xa, Ya, code, p, effective_n_jobs(n_jobs))
    if Y is None:
        np.fill_diagonal(out, 0.0)  # a row is at distance 0 from itself, whatever the rounding
    return out
