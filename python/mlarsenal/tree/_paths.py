"""decision_path: the nodes each row passes through, from the leaf it reaches."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from mlarsenal.tree._to_forest import first_tree_of_each


def _parents(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    parent = np.full(len(left), -1, dtype=np.int64)
    inner = np.flatnonzero(left >= 0)
    parent[left[inner]] = inner
    parent[right[inner]] = inner
    return parent


def decision_path(forest, leaves: np.ndarray):
    """(CSR indicator over the nodes of all trees, per-tree node offsets) for given leaves.

    leaves: (n_rows, n_estimators) leaf indices, one column per grown tree.
    Children are numbered after their parents, so a row's nodes sorted by
    index run from the root to its leaf, as scikit-learn lists them.
    """
    arrays = forest.arrays
    tree_offsets = arrays["tree_offsets"]
    n_rows = leaves.shape[0]
    rows, columns, node_offsets = [], [], [0]
    for j, t in enumerate(first_tree_of_each(forest)):
        begin, end = int(tree_offsets[t]), int(tree_offsets[t + 1])
        parent = _parents(arrays["left"][begin:end], arrays["right"][begin:end])
        node = leaves[:, j].astype(np.int64)
        row = np.arange(n_rows)
        while row.size:
            rows.append(row)
            columns.append(node + node_offsets[-1])
            node = parent[node]
            keep = node >= 0
            row, node = row[keep], node[keep]
        node_offsets.append(node_offsets[-1] + end - begin)
    data_rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    data_columns = np.concatenate(columns) if columns else np.zeros(0, np.int64)
    indicator = sparse.csr_matrix(
        (np.ones(len(data_rows), dtype=np.int64), (data_rows, data_columns)),
        shape=(n_rows, node_offsets[-1]),
    )
    indicator.sort_indices()
    return indicator, np.asarray(node_offsets, dtype=np.int64)
