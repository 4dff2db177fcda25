"""NearestNeighbors: the index itself, for kneighbors / radius_neighbors queries."""

from __future__ import annotations

from mlarsenal.neighbors._base import NeighborsBase


class NearestNeighbors(NeighborsBase):
    """Exact nearest-neighbour queries, as :class:`sklearn.neighbors.NearestNeighbors`.

    Parameters
    ----------
    n_neighbors : int, default=5
    radius : float, default=1.0
    metric : str, default="minkowski"
        ``"minkowski"`` (with ``p``), ``"euclidean"``, ``"sqeuclidean"``,
        ``"cosine"``, ``"manhattan"``, ``"chebyshev"`` and their aliases.
    p : float, default=2
    n_jobs : int or None, default=None
        Native threads (None: every usable core).
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where ``kneighbors`` runs (docs/user_guide/gpu.md). "auto" uses the GPU
        when one is usable and the queries (or the fitted rows) are GPU arrays, or
        the search is large; CuPy/torch inputs are read in place and results come
        back in the same library. Radius queries always run on the CPU.

    >>> import numpy as np
    >>> from mlarsenal.neighbors import NearestNeighbors
    >>> index = NearestNeighbors(n_neighbors=2).fit(np.array([[0.0], [1.0], [5.0]]))
    >>> index.kneighbors(np.array([[0.9]]))
    (array([[0.1, 0.9]]), array([[1, 0]]))
    """

    def fit(self, X, y=None):
        return self._fit_index(X)
