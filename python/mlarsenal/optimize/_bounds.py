"""``bounds`` of minimize: scipy's forms turned into two float64 arrays."""

from __future__ import annotations

import numpy as np


def resolve_bounds(bounds, n: int):
    """(lower, upper) arrays of length n, or (None, None) when there are no bounds.

    Accepts a sequence of n ``(low, high)`` pairs (None meaning unbounded) or
    an object with ``lb`` and ``ub`` attributes (``scipy.optimize.Bounds``).
    """
    if bounds is None:
        return None, None
    if hasattr(bounds, "lb") and hasattr(bounds, "ub"):
        lower = np.broadcast_to(np.asarray(bounds.lb, dtype=np.float64), (n,)).copy()
        upper = np.broadcast_to(np.asarray(bounds.ub, dtype=np.float64), (n,)).copy()
    else:
        try:
            pairs = list(bounds)
        except TypeError:
            raise TypeError(
                f"bounds must be a sequence of (low, high) pairs or a Bounds object, "
                f"got {type(bounds).__name__}"
            ) from None
        if len(pairs) != n:
            raise ValueError(f"bounds has {len(pairs)} pairs, expected {n} (one per variable)")
        lower = np.empty(n)
        upper = np.empty(n)
        for i, pair in enumerate(pairs):
            try:
                low, high = pair
            except (TypeError, ValueError):
                raise ValueError(f"bounds[{i}] must be a (low, high) pair, got {pair!r}") from None
            lower[i] = -np.inf if low is None else float(low)
            upper[i] = np.inf if high is None else float(high)
    if np.isnan(lower).any() or np.isnan(upper).any():
        raise ValueError("bounds contain NaN; use None or ±inf for no bound")
    bad = np.flatnonzero(lower > upper)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"bounds[{i}]: lower bound {lower[i]} exceeds upper bound {upper[i]}")
    return lower, upper
