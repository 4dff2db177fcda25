"""Vectorised summaries of a forest's structure: depths, leaves, importances.

A loaded forest is only guaranteed to satisfy the native checks (children
after their parent), not to be a proper tree; these functions stay linear
and terminate on any such structure.
"""

from __future__ import annotations

import numpy as np


def node_depths(tree_offsets: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Depth of every node (roots 0), by pointer jumping: O(n_nodes log depth)."""
    n_nodes = len(left)
    tree = np.repeat(np.arange(len(tree_offsets) - 1), np.diff(tree_offsets))
    internal = np.flatnonzero(left >= 0)
    base = tree_offsets[tree[internal]]
    ancestor = np.arange(n_nodes, dtype=np.int64)
    ancestor[base + right[internal]] = internal
    ancestor[base + left[internal]] = internal
    depth = (ancestor != np.arange(n_nodes)).astype(np.int64)
    # Invariant: depth[i] = edges from i up to ancestor[i]; roots point at themselves.
    while True:
        jumped = ancestor[ancestor]
        if np.array_equal(jumped, ancestor):
            return depth
        depth += depth[ancestor]
        ancestor = jumped


def tree_depths(tree_offsets: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Depth of each tree: edges on its longest root-to-leaf path (a single leaf: 0)."""
    if len(tree_offsets) <= 1:
        return np.zeros(0, dtype=np.int64)
    return np.maximum.reduceat(node_depths(tree_offsets, left, right), tree_offsets[:-1])


def importances(feature: np.ndarray, left: np.ndarray, weights, n_features: int) -> np.ndarray:
    """Per-feature sum of `weights` over the split nodes, normalised to sum 1 (zeros if none)."""
    internal = left >= 0
    w = None if weights is None else weights[internal]
    totals = np.bincount(feature[internal], weights=w, minlength=n_features).astype(np.float64)
    total = totals.sum()
    return totals / total if total > 0 else np.zeros(n_features)
