"""Grown trees as one Forest: what fitted tree models predict, save and load with.

A forest of T trees predicts the average of its trees, so each leaf value is
stored divided by T and the Forest's sum is the average. Classifiers store
class fractions: one output (the fraction of class 1) for two classes, one
tree per class and per grown tree otherwise; regressors store leaf means.
"""

from __future__ import annotations

import numpy as np

from mlarsenal.forest import Forest
from mlarsenal.forest._from_trees import forest_arrays


def forest_from_grown(grown, *, n_features, n_classes, feature_names, meta) -> Forest:
    outputs_per_tree = 1 if n_classes <= 2 else n_classes
    scale = 1.0 / len(grown)
    trees, outputs = [], []
    for tree in grown:
        n = len(tree["feature"])
        common = {
            "feature": tree["feature"],
            "threshold": tree["threshold"],
            "left": tree["left"],
            "right": tree["right"],
            "default_left": tree["default_left"],
            "split_kind": np.zeros(n, np.uint8),
            "cat_begin": np.zeros(n, np.int32),
            "cat_size": np.zeros(n, np.int32),
            "cat_bits": np.zeros(0, np.uint32),
            "gain": tree["gain"],
            "cover": tree["weight"],
            "count": tree["count"],
        }
        value = tree["value"]
        if n_classes == 2:
            columns = [value[:, 1]]
        elif n_classes > 2:
            columns = [value[:, k] for k in range(n_classes)]
        else:
            columns = [value[:, 0]]
        for k, column in enumerate(columns):
            trees.append({**common, "value": column * scale})
            outputs.append(k)
    return Forest(
        forest_arrays(trees, outputs, np.zeros(outputs_per_tree)),
        n_features=n_features,
        n_outputs=outputs_per_tree,
        link="identity",
        trees_per_iteration=outputs_per_tree,
        feature_names=feature_names,
        meta=meta,
    )


def first_tree_of_each(forest: Forest) -> np.ndarray:
    """Indices of one tree per grown tree (classifiers keep one copy per class)."""
    return np.arange(0, forest.n_trees, forest.trees_per_iteration)
