"""The forest arrays built from per-tree node lists or arrays (tests, importers, trainers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from mlarsenal.forest._node_arrays import CATEGORICAL, bitset
from mlarsenal.forest._schema import ALL_ARRAYS, NODE_ARRAYS, NODE_STATISTICS

_REQUIRED = ("left", "right", "feature", "threshold", "value")
_OPTIONAL = ("default_left", "categories", "output", *NODE_STATISTICS)
_DERIVED = ("default_left", "split_kind", "cat_begin", "cat_size")
_FLOAT_COLUMNS = ("threshold", "value")


def arrays_from_trees(
    trees: Sequence[Mapping], *, n_outputs: int, base_score, trees_per_iteration: int
) -> dict[str, np.ndarray]:
    """Concatenate per-tree node lists into the forest's flat arrays.

    Each tree is a dict of per-node sequences ``left``, ``right`` (local
    indices, -1 at leaves), ``feature``, ``threshold``, ``value`` and optionally
    ``default_left`` (0/1; default 0) and the statistics ``gain``, ``cover``,
    ``count`` (in every tree or none); ``categories``, a dict {node: categories
    sent left}, makes those nodes categorical; ``output`` is the output column
    the tree adds to (default: tree index % trees_per_iteration).
    """
    if isinstance(trees, Mapping) or not isinstance(trees, Sequence):
        raise TypeError("trees must be a list of dicts, one per tree")
    columns: dict[str, list] = {name: [] for name in (*_REQUIRED, *_DERIVED)}
    statistics = {name: [] for name in NODE_STATISTICS}
    offsets, outputs, bit_words, n_bit_words = [0], [], [], 0
    stats_present = None
    for t, tree in enumerate(trees):
        if not isinstance(tree, Mapping):
            raise TypeError(f"tree {t} must be a dict, got {type(tree).__name__}")
        unknown = set(tree) - set(_REQUIRED) - set(_OPTIONAL)
        if unknown:
            raise ValueError(f"tree {t}: unknown keys {sorted(unknown)}")
        missing = [key for key in _REQUIRED if key not in tree]
        if missing:
            raise ValueError(f"tree {t}: missing {', '.join(missing)}")
        n = len(tree["left"])
        for key in (*_REQUIRED, "default_left", *NODE_STATISTICS):
            if key in tree and len(tree[key]) != n:
                raise ValueError(f"tree {t}: {key} has {len(tree[key])} entries, left has {n}")
        has_stats = tuple(key in tree for key in NODE_STATISTICS)
        if stats_present is None:
            stats_present = has_stats
        elif has_stats != stats_present:
            raise ValueError(f"tree {t}: node statistics must be given for every tree or none")
        for key in _REQUIRED:
            columns[key].extend(tree[key])
        columns["default_left"].extend(tree.get("default_left", [0] * n))
        kinds, begins, sizes = [0] * n, [0] * n, [0] * n
        for node, categories in dict(tree.get("categories", {})).items():
            if not 0 <= node < n:
                raise ValueError(f"tree {t}: categories given for node {node}, outside [0, {n})")
            words = bitset(categories, f"tree {t}, node {node}", limit=None)
            kinds[node], begins[node], sizes[node] = 1, n_bit_words, len(words)
            bit_words.append(words)
            n_bit_words += len(words)
        columns["split_kind"].extend(kinds)
        columns["cat_begin"].extend(begins)
        columns["cat_size"].extend(sizes)
        for key in NODE_STATISTICS:
            if key in tree:
                statistics[key].extend(tree[key])
        outputs.append(tree.get("output", t % trees_per_iteration))
        offsets.append(offsets[-1] + n)

    base = np.broadcast_to(np.asarray(base_score, dtype=np.float64), (n_outputs,))
    arrays = {
        "tree_offsets": np.asarray(offsets, dtype=np.int64),
        "tree_output": np.asarray(outputs, dtype=np.int64),
        "base_score": base.copy(),
        "cat_bits": np.concatenate(bit_words) if bit_words else np.zeros(0, np.uint32),
    }
    for key, values in columns.items():
        arrays[key] = np.asarray(values, dtype=np.float64 if key in _FLOAT_COLUMNS else np.int64)
    for key, present in zip(NODE_STATISTICS, stats_present or (), strict=False):
        if present:
            arrays[key] = np.asarray(statistics[key], dtype=np.float64)
    return arrays


# Per-node arrays of a natively grown tree, as forest_arrays takes them.
GROWN_NODE_ARRAYS = (*NODE_ARRAYS, *NODE_STATISTICS)


def forest_arrays(trees, outputs, base_score) -> dict[str, np.ndarray]:
    """Flat forest arrays from per-tree node dicts (bitset offsets made global)."""
    sizes = np.array([len(t["feature"]) for t in trees], dtype=np.int64)
    arrays = {
        "tree_offsets": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "tree_output": np.asarray(outputs, dtype=np.int32),
        "base_score": np.asarray(base_score, dtype=np.float64),
    }
    for name in GROWN_NODE_ARRAYS:
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
