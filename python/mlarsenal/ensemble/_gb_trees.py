"""The trees one fit grows, kept as native dicts and joined into Forest arrays."""

from __future__ import annotations

import numpy as np

from mlarsenal.forest import Forest
from mlarsenal.forest._from_trees import GROWN_NODE_ARRAYS, forest_arrays
from mlarsenal.forest._node_arrays import CATEGORICAL


def single_tree_forest(tree, n_features) -> Forest:
    """A one-tree forest (base 0) to add a new tree's values to other rows' scores."""
    return Forest(forest_arrays([tree], [0], [0.0]), n_features=n_features)


def split_forest_trees(forest: Forest) -> tuple[list[dict], list[int]]:
    """The per-tree dicts and outputs of a fitted forest (warm start continues from them)."""
    arrays = forest.arrays
    offsets = arrays["tree_offsets"]
    trees = []
    for t in range(len(offsets) - 1):
        begin, end = offsets[t], offsets[t + 1]
        tree = {name: arrays[name][begin:end].copy() for name in GROWN_NODE_ARRAYS}
        categorical = (tree["split_kind"] & CATEGORICAL) != 0
        first = int(tree["cat_begin"][categorical].min()) if categorical.any() else 0
        last = (
            int((tree["cat_begin"] + tree["cat_size"])[categorical].max())
            if categorical.any()
            else 0
        )
        tree["cat_bits"] = arrays["cat_bits"][first:last].copy()
        tree["cat_begin"] = np.where(categorical, tree["cat_begin"] - first, 0).astype(np.int32)
        trees.append(tree)
    return trees, [int(o) for o in arrays["tree_output"]]
