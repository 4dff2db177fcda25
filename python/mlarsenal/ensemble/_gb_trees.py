"""The trees one fit grows, kept as native dicts and joined into Forest arrays."""

from __future__ import annotations

import numpy as np

from mlarsenal.forest import Forest
from mlarsenal.forest._node_arrays import CATEGORICAL
from mlarsenal.forest._schema import ALL_ARRAYS, NODE_ARRAYS, NODE_STATISTICS

# Per-node arrays of a grown tree (the native grower returns exactly these).
_NODE_ARRAYS = (*NODE_ARRAYS, *NODE_STATISTICS)


def forest_arrays(trees, outputs, base_score) -> dict[str, np.ndarray]:
    """Flat forest arrays from per-tree node dicts (bitset offsets made global)."""
    sizes = np.array([len(t["feature"]) for t in trees], dtype=np.int64)
    arrays = {
        "tree_offsets": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "tree_output": np.asarray(outputs, dtype=np.int32),
        "base_score": np.asarray(base_score, dtype=np.float64),
    }
    for name in _NODE_ARRAYS:
        parts = [t[name] for t in trees]
        arrays[name] = np.concatenate(parts) if parts else np.empty(0, dtype=ALL_ARRAYS[name])
    words = np.cumsum([0] + [len(t["cat_bits"]) for t in trees])
    if trees:
        shift = np.repeat(words[:-1], sizes).astype(np.int32)
        categorical = (arrays["split_kind"] & CATEGORICAL) != 0
        arrays["cat_begin"] = np.where(categorical, arrays["cat_begin"] + shift, 0).astype(np.int32)
        arrays["cat_bits"] = np.concatenate([t["cat_bits"] for t in trees]).astype(np.uint32)
    else:
        arrays["cat_bits"] = np.empty(0, dtype=np.uint32)
    return arrays


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
        tree = {name: arrays[name][begin:end].copy() for name in _NODE_ARRAYS}
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
