"""From validated training data to grown trees: binning, then the native trainer.

The rows are binned once (the gradient-boosting binning: up to 255 quantile
bins and a missing-value bin per feature, thresholds learnt from the rows
that carry weight) and stored feature-major, the layout the trainer's split
search reads; every tree of a forest shares that one copy.
"""

from __future__ import annotations

import numpy as np

from mlarsenal import _core

# Thresholds come from at most this many rows (as in gradient boosting).
BIN_SAMPLE_ROWS = 200_000


def bin_columns(X, weight, max_bins: int, seed: int, n_threads: int):
    """(bins, codes): the learned bins and the (n_features, n_rows) uint8 codes."""
    rows = None if weight is None else np.flatnonzero(weight > 0)
    n_candidates = X.shape[0] if rows is None else len(rows)
    if n_candidates > BIN_SAMPLE_ROWS:
        chosen = np.random.RandomState(seed).choice(n_candidates, BIN_SAMPLE_ROWS, replace=False)
        rows = np.sort(chosen if rows is None else rows[chosen])
    sample = None if rows is None else rows.astype(np.int64)
    bins = _core.gbdt.fit_bins(X, sample, max_bins, None, n_threads)
    codes = np.ascontiguousarray(bins.apply(X, n_threads).T)
    return bins, codes


def grow(bins, codes, *, classes, values, weight, params, bootstrap, n_draws, seeds, n_threads):
    """One grown tree (a dict of node arrays) per seed; see cpp/include/mlarsenal/tree."""
    return _core.tree.grow_trees(
        bins,
        codes,
        None if classes is None else np.ascontiguousarray(classes, dtype=np.int32),
        None if values is None else np.ascontiguousarray(values, dtype=np.float64),
        None if weight is None else np.ascontiguousarray(weight, dtype=np.float64),
        params,
        bool(bootstrap),
        int(n_draws),
        np.asarray(seeds, dtype=np.uint64),
        int(n_threads),
    )


def bootstrap_counts(seed, n_rows: int, n_draws: int) -> np.ndarray:
    """How often each row was drawn for the tree grown from `seed` (0: out of bag)."""
    return _core.tree.bootstrap_counts(int(seed), int(n_rows), int(n_draws))
