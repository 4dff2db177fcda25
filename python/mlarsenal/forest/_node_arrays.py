"""Flat forest arrays assembled tree by tree (for the importers).

Source libraries number their nodes in their own ways; ``ForestBuilder``
renumbers every tree in pre-order (children after their parent, as the forest
requires) and concatenates the per-node columns and categorical bitsets.
"""

from __future__ import annotations

import numpy as np

# Bits of the split_kind array (cpp/include/mlarsenal/forest/forest.hpp).
CATEGORICAL = 1
NAN_IS_ZERO = 2
ZERO_IS_MISSING = 4
TINY_IS_ZERO = 8
CATEGORY_STRICT = 16
CATEGORY_TRUNCATES = 32

# Largest category an importer turns into a bitset (2**20 categories: 128 KiB per node).
MAX_CATEGORY = 1 << 20


def preorder(left: np.ndarray, right: np.ndarray, root: int = 0) -> np.ndarray:
    """Node ids of one tree in pre-order from `root` (children -1 at leaves)."""
    order, stack = [], [root]
    while stack:
        node = stack.pop()
        order.append(node)
        if left[node] >= 0:
            stack.append(int(right[node]))
            stack.append(int(left[node]))
    return np.asarray(order, dtype=np.int64)


def bitset(categories, where: str, *, limit: int | None = MAX_CATEGORY) -> np.ndarray:
    """uint32 words with the bit of each category set; categories below `limit` (None: any)."""
    cats = np.unique(np.asarray(list(categories), dtype=np.int64))
    if cats.size and limit is not None and (cats[0] < 0 or cats[-1] >= limit):
        raise ValueError(
            f"{where}: category {cats[0] if cats[0] < 0 else cats[-1]} is outside "
            f"[0, {limit}), which a forest cannot hold"
        )
    if cats.size and cats[0] < 0:
        raise ValueError(f"{where}: categories must be non-negative, got {cats[0]}")
    words = np.zeros(int(cats[-1]) // 32 + 1 if cats.size else 1, dtype=np.uint32)
    np.bitwise_or.at(words, cats // 32, np.left_shift(np.uint32(1), (cats % 32).astype(np.uint32)))
    return words


class ForestBuilder:
    """Collects trees given as per-node arrays in any numbering with root 0."""

    def __init__(self, *, with_cover: bool = False):
        self._columns: dict[str, list[np.ndarray]] = {
            name: []
            for name in (
                "feature",
                "threshold",
                "left",
                "right",
                "default_left",
                "split_kind",
                "value",
                "cat_begin",
                "cat_size",
                "gain",
                "count",
            )
        }
        if with_cover:
            self._columns["cover"] = []
        self._offsets = [0]
        self._outputs: list[int] = []
        self._bits: list[np.ndarray] = []
        self._n_bit_words = 0

    def add_tree(
        self,
        *,
        output: int,
        left,
        right,
        feature,
        threshold,
        value,
        default_left,
        split_kind,
        gain,
        count,
        cover=None,
        categories=None,
    ) -> None:
        """categories: {node id: uint32 bitset words} for the categorical nodes."""
        left = np.asarray(left, dtype=np.int64)
        right = np.asarray(right, dtype=np.int64)
        order = preorder(left, right)
        new_id = np.full(len(left), -1, dtype=np.int64)
        new_id[order] = np.arange(len(order))
        leaf = left[order] < 0
        cat_begin = np.zeros(len(order), dtype=np.int64)
        cat_size = np.zeros(len(order), dtype=np.int64)
        for node, words in (categories or {}).items():
            at = new_id[node]
            cat_begin[at], cat_size[at] = self._n_bit_words, len(words)
            self._bits.append(np.asarray(words, dtype=np.uint32))
            self._n_bit_words += len(words)
        columns = {
            "feature": np.where(leaf, -1, np.asarray(feature)[order]),
            "threshold": np.where(leaf, 0.0, np.asarray(threshold, dtype=np.float64)[order]),
            "left": np.where(leaf, -1, new_id[np.maximum(left[order], 0)]),
            "right": np.where(leaf, -1, new_id[np.maximum(right[order], 0)]),
            "default_left": np.where(leaf, 0, np.asarray(default_left)[order]),
            "split_kind": np.where(leaf, 0, np.asarray(split_kind)[order]),
            "value": np.asarray(value, dtype=np.float64)[order],
            "cat_begin": cat_begin,
            "cat_size": cat_size,
            "gain": np.where(leaf, 0.0, np.asarray(gain, dtype=np.float64)[order]),
            "count": np.asarray(count)[order],
        }
        if "cover" in self._columns:
            columns["cover"] = np.asarray(cover, dtype=np.float64)[order]
        for name, column in columns.items():
            self._columns[name].append(column)
        self._offsets.append(self._offsets[-1] + len(order))
        self._outputs.append(output)

    def arrays(self, base_score) -> dict[str, np.ndarray]:
        from mlarsenal.forest._schema import ALL_ARRAYS

        arrays = {
            name: np.concatenate(parts).astype(ALL_ARRAYS[name])
            if parts
            else np.zeros(0, ALL_ARRAYS[name])
            for name, parts in self._columns.items()
        }
        arrays["tree_offsets"] = np.asarray(self._offsets, dtype=np.int64)
        arrays["tree_output"] = np.asarray(self._outputs, dtype=np.int32)
        arrays["base_score"] = np.asarray(base_score, dtype=np.float64).reshape(-1)
        arrays["cat_bits"] = (
            np.concatenate(self._bits) if self._bits else np.zeros(0, dtype=np.uint32)
        )
        return arrays
