"""Neighbour weights for the supervised estimators ("uniform" or "distance")."""

from __future__ import annotations

import numpy as np

WEIGHTS = ("uniform", "distance")


def check_weights(weights) -> str:
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be 'uniform' or 'distance', got {weights!r}")
    return weights


def neighbor_weights(dist: np.ndarray, weights: str) -> np.ndarray | None:
    """None for uniform; 1/d for distance, where a query with exact matches
    weighs only those matches (as scikit-learn does)."""
    if weights == "uniform":
        return None
    with np.errstate(divide="ignore"):
        inverse = 1.0 / dist
    exact = np.isinf(inverse)
    rows = exact.any(axis=1)
    inverse[rows] = exact[rows]
    return inverse
