"""The arrays and settings of a Forest: names, dtypes, lengths, and their checks.

The node arrays are those of cpp/include/mlarsenal/forest/forest.hpp; the
per-node statistics are optional and kept for importances and explanations.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping

import numpy as np

LINKS = ("identity", "logistic", "softmax", "exp")

# name -> dtype, for the arrays the native forest reads.
TREE_ARRAYS = {"tree_offsets": np.dtype(np.int64), "tree_output": np.dtype(np.int32)}
OUTPUT_ARRAYS = {"base_score": np.dtype(np.float64)}
NODE_ARRAYS = {
    "feature": np.dtype(np.int32),
    "threshold": np.dtype(np.float64),
    "left": np.dtype(np.int32),
    "right": np.dtype(np.int32),
    "default_left": np.dtype(np.uint8),
    "split_kind": np.dtype(np.uint8),
    "value": np.dtype(np.float64),
    "cat_begin": np.dtype(np.int32),
    "cat_size": np.dtype(np.int32),
}
BITSET_ARRAYS = {"cat_bits": np.dtype(np.uint32)}
NATIVE_ARRAYS = {**TREE_ARRAYS, **OUTPUT_ARRAYS, **NODE_ARRAYS, **BITSET_ARRAYS}
# Optional, one value per node: split gain, sum of hessians, training rows.
NODE_STATISTICS = {
    "gain": np.dtype(np.float64),
    "cover": np.dtype(np.float64),
    "count": np.dtype(np.int64),
}
ALL_ARRAYS = {**NATIVE_ARRAYS, **NODE_STATISTICS}

# Keys of the meta a Forest writes into a model file.
REQUIRED_META = ("n_features", "n_outputs", "link", "trees_per_iteration")
OPTIONAL_META = ("feature_names", "meta", "mlarsenal_version")


# Feature indices are int32 in the node arrays.
MAX_FEATURES = 2**31 - 1


def check_int(name: str, value, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def check_link(link) -> str:
    if link not in LINKS:
        raise ValueError(f"link must be one of {', '.join(map(repr, LINKS))}, got {link!r}")
    return link


def check_feature_names(feature_names, n_features: int) -> tuple[str, ...] | None:
    if feature_names is None:
        return None
    if isinstance(feature_names, str):
        raise TypeError("feature_names must be a list of str, got a single str")
    names = tuple(feature_names)
    if not all(isinstance(n, str) for n in names):
        raise TypeError("feature_names must all be str")
    if len(names) != n_features:
        raise ValueError(f"feature_names has {len(names)} names for {n_features} features")
    if len(set(names)) != len(names):
        raise ValueError("feature_names must be unique")
    return names


def check_meta(meta) -> dict:
    """A private copy of `meta`, which must be a dict of plain JSON values."""
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    try:
        text = json.dumps(dict(meta), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"meta must hold only JSON values (no NaN or infinity): {exc}") from exc
    return json.loads(text)  # tuples become lists, as they would in a file


def _coerce(name: str, value, dtype: np.dtype, *, strict: bool, copy: bool) -> np.ndarray:
    if strict:
        if not isinstance(value, np.ndarray) or value.dtype != dtype:
            got = value.dtype if isinstance(value, np.ndarray) else type(value).__name__
            raise TypeError(f"array {name!r} must have dtype {dtype}, got {got}")
        array = value
    else:
        array = np.asarray(value)
        if array.dtype != dtype:
            if array.dtype.kind not in "biuf":
                raise TypeError(f"array {name!r} has dtype {array.dtype}; expected {dtype}")
            converted = array.astype(dtype)
            if not np.array_equal(converted, array, equal_nan=dtype.kind == "f"):
                raise ValueError(f"array {name!r}: its values do not fit dtype {dtype}")
            array, copy = converted, False
    if array.ndim != 1:
        raise ValueError(f"array {name!r} must be 1-d, got shape {array.shape}")
    # A view, so that marking it read-only never changes the caller's array.
    array = np.array(array, copy=True) if copy else np.ascontiguousarray(array).view()
    array.flags.writeable = False
    return array


def check_arrays(
    arrays: Mapping, *, n_outputs: int | None, strict: bool, copy: bool
) -> dict[str, np.ndarray]:
    """The forest's arrays, 1-d, C-contiguous, read-only, with the dtypes above.

    strict: dtypes must match exactly (model files); otherwise values are
    converted when that changes none of them. copy: never keep the caller's
    arrays (they could be modified after validation).
    """
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a dict of arrays, got {type(arrays).__name__}")
    unknown = sorted(str(name) for name in arrays if name not in ALL_ARRAYS)
    if unknown:
        raise ValueError(f"unknown forest arrays: {', '.join(unknown)}")
    missing = [name for name in NATIVE_ARRAYS if name not in arrays]
    if missing:
        raise ValueError(f"forest arrays missing: {', '.join(missing)}")
    checked = {
        name: _coerce(name, arrays[name], ALL_ARRAYS[name], strict=strict, copy=copy)
        for name in ALL_ARRAYS
        if name in arrays
    }
    n_trees = len(checked["tree_offsets"]) - 1
    if n_trees < 0:
        raise ValueError("tree_offsets must hold n_trees + 1 entries, got none")
    n_nodes = len(checked["feature"])
    expected = {"tree_output": n_trees, "base_score": n_outputs}
    expected.update({name: n_nodes for name in (*NODE_ARRAYS, *NODE_STATISTICS)})
    for name, length in expected.items():
        if name in checked and length is not None and len(checked[name]) != length:
            raise ValueError(f"array {name!r} has {len(checked[name])} entries, expected {length}")
    return checked
