"""Grown trees as one Forest: what fitted tree models predict, save and load with.

A forest of T trees predicts the average of its trees, so each leaf value is
stored divided by T and the Forest's sum is the average. Classifiers store
class fractions: one output (the fraction of class 1) for two classes, one
tree per class and per grown tree otherwise; regressors store leaf means.
"""

from __future__ import annotations

import numpy as np

from mlarsenal.forest import Forest


def forest_from_grown(grown, *, n_features, n_classes, feature_names, meta) -> Forest:
    """The Forest of natively grown trees; empties `grown` as it goes.

    Full-depth forests hold millions of nodes: each column is concatenated
    once and its per-tree pieces released right away, and the Forest keeps
    the concatenated arrays without another copy.
    """
    outputs_per_tree = 1 if n_classes <= 2 else n_classes
    n_grown = len(grown)
    scale = 1.0 / n_grown
    if n_classes == 2:
        value_columns = [1]
    elif n_classes > 2:
        value_columns = list(range(n_classes))
    else:
        value_columns = [0]
    sizes = np.array([len(tree["feature"]) for tree in grown], dtype=np.int64)
    # Tree order: grown tree 0's copies for outputs 0..k-1, then grown tree 1's, ...
    copies = len(value_columns)
    node_sizes = np.repeat(sizes, copies)
    total = int(node_sizes.sum())

    def column(name, dtype, pick=lambda a, k: a):
        out = np.empty(total, dtype=dtype)
        at = 0
        for tree in grown:
            source = tree[name]
            for k in range(copies):
                out[at : at + len(source)] = pick(source, k)
                at += len(source)
            del tree[name]
        return out

    arrays = {
        "tree_offsets": np.concatenate([[0], np.cumsum(node_sizes)]).astype(np.int64),
        "tree_output": np.tile(np.arange(copies, dtype=np.int32), n_grown),
        "base_score": np.zeros(outputs_per_tree),
        "feature": column("feature", np.int32),
        "threshold": column("threshold", np.float64),
        "left": column("left", np.int32),
        "right": column("right", np.int32),
        "default_left": column("default_left", np.uint8),
        "gain": column("gain", np.float64),
        "cover": column("weight", np.float64),
        "count": column("count", np.int64),
        "value": column("value", np.float64, lambda a, k: a[:, value_columns[k]] * scale),
        "split_kind": np.zeros(total, np.uint8),
        "cat_begin": np.zeros(total, np.int32),
        "cat_size": np.zeros(total, np.int32),
        "cat_bits": np.zeros(0, np.uint32),
    }
    grown.clear()
    forest_meta = {
        "n_features": n_features,
        "n_outputs": outputs_per_tree,
        "link": "identity",
        "trees_per_iteration": outputs_per_tree,
        "feature_names": feature_names,
        "meta": meta,
    }
    return Forest.from_parts(forest_meta, arrays, copy=False)


def first_tree_of_each(forest: Forest) -> np.ndarray:
    """Indices of one tree per grown tree (classifiers keep one copy per class)."""
    return np.arange(0, forest.n_trees, forest.trees_per_iteration)
