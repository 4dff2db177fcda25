"""Class labels -> dense integer codes for the native kernels.

Integer labels with a compact range (the common case: 0..k-1) are encoded
with a lookup table in O(n), avoiding the O(n log n) sort of np.unique that
dominates scikit-learn's run time on large inputs. Other labels (strings,
sparse integer ranges, floats) go through np.unique.
"""

from __future__ import annotations

import numpy as np

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import column_or_1d

# Largest lookup table used for integer labels (entries).
_MAX_LUT = 1 << 24


def check_labels(y, name: str) -> np.ndarray:
    """A 1-d label vector; floats must be whole numbers (not continuous targets)."""
    array = column_or_1d(y, name)
    if array.dtype.kind == "f":
        if np.isnan(array).any():
            raise ValueError(f"{name} contains NaN")
        if not np.all(np.isfinite(array)) or not np.array_equal(array, np.floor(array)):
            raise ValueError(
                f"{name} holds continuous values; classification metrics need class labels"
            )
    elif array.dtype.kind == "c" or array.dtype.kind == "V":
        raise TypeError(f"{name} has dtype {array.dtype}; expected class labels")
    return array


def check_same_label_kind(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    numeric_a, numeric_b = a.dtype.kind in "biuf", b.dtype.kind in "biuf"
    if numeric_a != numeric_b:
        raise ValueError(
            f"mix of label types: {name_a} has {a.dtype} labels, {name_b} has {b.dtype} labels"
        )


def _integer_range(arrays) -> tuple[int, int] | None:
    """(lo, hi) when every array is integer-typed with a lookup-table-sized range."""
    if not all(a.dtype.kind in "biu" and a.dtype != np.uint64 for a in arrays):
        return None  # uint64 may not fit the kernels' int64
    non_empty = [a for a in arrays if a.size]
    if not non_empty:
        return None
    lo = min(int(a.min()) for a in non_empty)
    hi = max(int(a.max()) for a in non_empty)
    total = sum(a.size for a in non_empty)
    if hi - lo >= min(_MAX_LUT, 4 * total + 1024):
        return None
    return lo, hi


def _native_int(a: np.ndarray) -> np.ndarray:
    """`a` in a dtype the native kernels take (int32 or int64)."""
    if a.dtype in (np.int32, np.int64):
        return a
    return a.astype(np.int64)


def _lookup(arrays, lo: int, table: np.ndarray, n_threads: int) -> list[np.ndarray]:
    return [_core.labels.lookup_codes(_native_int(a), lo, table, n_threads) for a in arrays]


def encode(arrays, labels=None, *, n_jobs=None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Classes and int32 codes of each array.

    Without `labels`, classes are the sorted union of the values. With
    `labels`, classes are `labels` in the given order and values not listed
    get code -1 (ignored by the kernels).
    """
    n_threads = effective_n_jobs(n_jobs)
    span = _integer_range(arrays)
    if labels is not None:
        classes = np.asarray(labels)
        if span is not None and classes.dtype.kind in "biu":
            lo, hi = span
            lut = np.full(hi - lo + 1, -1, dtype=np.int32)
            inside = (classes >= lo) & (classes <= hi)
            # Reversed so a duplicated label keeps its first position.
            positions = np.flatnonzero(inside)[::-1]
            lut[classes[positions] - lo] = positions
            return classes, _lookup(arrays, lo, lut, n_threads)
        order = np.argsort(classes, kind="stable")
        sorted_classes = classes[order]
        codes = []
        for a in arrays:
            pos = np.searchsorted(sorted_classes, a)
            pos_clipped = np.minimum(pos, len(classes) - 1)
            found = (pos < len(classes)) & (sorted_classes[pos_clipped] == a)
            codes.append(np.where(found, order[pos_clipped], -1).astype(np.int32))
        return classes, codes
    if span is not None:
        lo, hi = span
        present = np.zeros(hi - lo + 1, dtype=np.uint8)
        for a in arrays:
            _core.labels.mark_present(_native_int(a), lo, present, n_threads)
        classes = (np.flatnonzero(present) + lo).astype(np.result_type(*arrays))
        lut = np.cumsum(present, dtype=np.int32) - 1
        return classes, _lookup(arrays, lo, lut, n_threads)
    classes, inverse = np.unique(np.concatenate(arrays), return_inverse=True)
    inverse = inverse.astype(np.int32)
    codes, start = [], 0
    for a in arrays:
        codes.append(inverse[start : start + a.size])
        start += a.size
    return classes, codes
