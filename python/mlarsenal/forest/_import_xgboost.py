"""XGBoost models as Forests, read from XGBoost's JSON model (never from a pickle).

XGBoost's rules and how each is reproduced:

- Inputs are cast to float32, then a numerical node sends x left when
  ``x < split_condition`` (float32). We store the largest float32 below the
  condition as the threshold, so ``x <= threshold`` is the same test for every
  float32 x (±inf included). float64 rows are cast to float32 first, as
  XGBoost does, through meta ``{"input_dtype": "float32"}``.
- A categorical node sends the categories it lists *right*, and everything
  else left: unlisted and unseen categories, negative values, values beyond
  the largest listed category, ±inf. Our categorical test sends the bitset's
  categories left and everything else right, so the node is stored with its
  children swapped: bitset = the listed categories, our left = XGBoost's
  right child, our default_left = not XGBoost's default_left. That reproduces
  every input exactly, unseen categories included.
- Leaf values are ``split_conditions`` at leaves (what XGBoost's predictor
  adds); ``base_weights`` differs from it at leaves made by pruning.
- Trees keep XGBoost's node ids when every child comes after its parent and
  no node is unreachable (so ``predict(output="leaf")`` equals XGBoost's
  ``pred_leaf``); otherwise (pruned trees keep deleted nodes, for instance)
  the tree is renumbered in pre-order and its index is listed in
  ``meta["xgboost_renumbered_trees"]``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import numpy as np

from mlarsenal.forest._forest import Forest

# objective -> (link, how base_score, stored in prediction space, becomes a margin)
_OBJECTIVES = {
    "reg:squarederror": ("identity", "identity"),
    "reg:absoluteerror": ("identity", "identity"),
    "reg:pseudohubererror": ("identity", "identity"),
    # XGBoost's predict returns the margin for logitraw: identity keeps predict equal.
    "binary:logitraw": ("identity", "identity"),
    "binary:logistic": ("logistic", "logit"),
    "reg:logistic": ("logistic", "logit"),
    # multiclass intercepts are stored as margins already.
    "multi:softprob": ("softmax", "identity"),
    "multi:softmax": ("softmax", "identity"),
    "count:poisson": ("exp", "log"),
    "reg:gamma": ("exp", "log"),
    "reg:tweedie": ("exp", "log"),
}
# XGBoost's categories are whole float32 values below 2**24.
_MAX_CATEGORY = 1 << 24
_TREE_KEYS = (
    "left_children",
    "right_children",
    "split_indices",
    "split_conditions",
    "default_left",
)


def from_xgboost(model) -> Forest:
    """A Forest that predicts like the given XGBoost model.

    `model` is an ``xgboost.Booster``, a fitted ``XGBModel`` (``XGBRegressor``,
    ``XGBClassifier``...), a path to a ``.json`` or ``.ubj`` model file
    (``.ubj`` and other non-JSON files need xgboost installed to be read), or
    the JSON model itself as bytes, str or a parsed dict. Only the JSON model
    is read: nothing is unpickled.

    ``predict(output="raw")`` gives XGBoost's ``output_margin=True`` and
    ``predict(output="value")`` its ``predict`` (class probabilities for
    ``multi:softmax``, whose XGBoost ``predict`` returns their argmax).
    Supported: ``gbtree`` models (and ``dart`` models whose tree weights are
    all 1), boosted random forests (``num_parallel_tree`` > 1), one output per
    tree, with the objectives listed in ``_OBJECTIVES``. Raises ValueError for
    anything else (``gblinear``, vector-leaf trees, other objectives).
    """
    learner, version = _learner(_model_json(model))
    param = learner.get("learner_model_param", {})
    n_features = int(param.get("num_feature", 0))
    if n_features < 1:
        raise ValueError(f"XGBoost model has num_feature={n_features}; expected >= 1")
    n_outputs = max(int(param.get("num_class", 0)), int(param.get("num_target", 1)), 1)
    objective = learner.get("objective", {}).get("name", "reg:squarederror")
    if objective not in _OBJECTIVES:
        raise ValueError(
            f"XGBoost objective {objective!r} is not supported; supported: "
            + ", ".join(sorted(_OBJECTIVES))
        )
    link, base_transform = _OBJECTIVES[objective]
    if link == "softmax" and n_outputs < 2:
        raise ValueError(f"objective {objective!r} with num_class={n_outputs}")

    booster_model = _gbtree_model(learner.get("gradient_booster", {}))
    trees_json = booster_model.get("trees", [])
    tree_info = [int(g) for g in booster_model.get("tree_info", [])]
    if len(tree_info) != len(trees_json):
        raise ValueError(f"tree_info has {len(tree_info)} entries for {len(trees_json)} trees")
    if any(not 0 <= g < n_outputs for g in tree_info):
        raise ValueError(f"tree_info holds an output outside [0, {n_outputs})")

    trees, renumbered = [], []
    for t, tree in enumerate(trees_json):
        converted, kept_ids = _convert_tree(tree, t, n_features)
        converted["output"] = tree_info[t]
        trees.append(converted)
        if not kept_ids:
            renumbered.append(t)

    base = _base_margin(param.get("base_score", "0.5"), base_transform, n_outputs)
    meta = {
        "source": "xgboost",
        "xgboost_version": ".".join(str(v) for v in version),
        "objective": objective,
        # float64 rows are cast to float32 first, as XGBoost does.
        "input_dtype": "float32",
    }
    feature_types = learner.get("feature_types") or []
    if feature_types:
        meta["feature_types"] = list(feature_types)
    if renumbered:
        meta["xgboost_renumbered_trees"] = renumbered
    best = learner.get("attributes", {}).get("best_iteration")
    if best is not None:
        meta["best_iteration"] = int(best)
    feature_names = learner.get("feature_names") or None
    return Forest.from_trees(
        trees,
        n_features=n_features,
        n_outputs=n_outputs,
        base_score=base,
        link=link,
        trees_per_iteration=_trees_per_iteration(booster_model, len(trees)),
        feature_names=feature_names,
        meta=meta,
    )


# ------------------------------------------------------------------ reading
def _model_json(model) -> dict:
    if isinstance(model, Mapping):
        return dict(model)
    if hasattr(model, "get_booster"):  # XGBModel: XGBRegressor, XGBClassifier...
        model = model.get_booster()
    if hasattr(model, "save_raw"):  # xgboost.Booster
        return json.loads(bytes(model.save_raw("json")))
    if isinstance(model, str) and model.lstrip().startswith("{"):
        return json.loads(model)
    if isinstance(model, (bytes, bytearray, memoryview)):
        data = bytes(model)
        try:
            return json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            # Universal Binary JSON (.ubj bytes): xgboost reads it for us.
            return _json_via_xgboost(bytearray(data))
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if str(path).lower().endswith(".json"):
            with open(path, "rb") as f:
                return json.loads(f.read())
        return _json_via_xgboost(path)
    raise TypeError(
        "from_xgboost expects an xgboost Booster or XGBModel, a model file path, or the JSON "
        f"model as bytes, str or dict; got {type(model).__name__}"
    )


def _json_via_xgboost(source) -> dict:
    try:
        import xgboost
    except ImportError as exc:
        raise ValueError(
            "reading a non-JSON XGBoost model (UBJSON) needs xgboost installed; "
            "save the model as .json instead"
        ) from exc
    booster = xgboost.Booster(model_file=source)
    return json.loads(bytes(booster.save_raw("json")))


def _learner(model: dict) -> tuple[dict, list]:
    if "learner" not in model:
        raise ValueError("not an XGBoost JSON model: no 'learner' key")
    version = model.get("version", [])
    return model["learner"], [int(v) for v in version]


def _gbtree_model(gradient_booster: Mapping) -> dict:
    name = gradient_booster.get("name")
    if name == "gbtree":
        return gradient_booster["model"]
    if name == "dart":
        weights = np.asarray(gradient_booster.get("weight_drop", []), dtype=np.float64)
        if np.any(weights != 1.0):
            raise ValueError(
                "dart models whose tree weights (weight_drop) are not all 1 are not supported"
            )
        return gradient_booster["gbtree"]["model"]
    raise ValueError(f"XGBoost booster {name!r} is not supported (only gbtree, and dart)")


def _parse_floats(text) -> np.ndarray:
    if isinstance(text, str):
        values = [v for v in text.strip().strip("[]").split(",") if v.strip()]
    else:
        values = np.atleast_1d(text).tolist()
    return np.asarray([float(v) for v in values], dtype=np.float32)


def _base_margin(base_score, transform: str, n_outputs: int) -> np.ndarray:
    # XGBoost keeps base_score (float32) in prediction space and turns it into
    # a float32 margin with the objective's link.
    base = _parse_floats(base_score).astype(np.float64)
    if base.size not in (1, n_outputs):
        raise ValueError(f"base_score holds {base.size} values for {n_outputs} outputs")
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "logit":
            base = np.log(base / (1.0 - base))
        elif transform == "log":
            base = np.log(base)
    if not np.all(np.isfinite(base)):
        raise ValueError(f"base_score {base_score!r} has no finite margin ({transform})")
    return np.broadcast_to(base.astype(np.float32).astype(np.float64), (n_outputs,)).copy()


def _trees_per_iteration(model: Mapping, n_trees: int) -> int:
    indptr = np.asarray(model.get("iteration_indptr", []), dtype=np.int64)
    if len(indptr) >= 2:
        sizes = np.unique(np.diff(indptr))
        if len(sizes) == 1 and sizes[0] > 0 and indptr[-1] == n_trees:
            return int(sizes[0])
        return 1  # uneven iterations: iteration_range counts trees
    param = model.get("gbtree_model_param", {})
    tpi = int(param.get("num_parallel_tree", 1)) * max(1, len(set(model.get("tree_info", []))))
    return tpi if n_trees % tpi == 0 else 1


# ------------------------------------------------------------------- trees
def _convert_tree(tree: Mapping, t: int, n_features: int) -> tuple[dict, bool]:
    """One tree as a from_trees dict, and whether XGBoost's node ids were kept."""
    missing = [key for key in _TREE_KEYS if key not in tree]
    if missing:
        raise ValueError(f"tree {t}: missing {', '.join(missing)}")
    size_leaf = int(tree.get("tree_param", {}).get("size_leaf_vector", "1"))
    if size_leaf > 1:
        raise ValueError(
            f"tree {t} has vector leaves (multi_strategy='multi_output_tree'), "
            "which are not supported"
        )
    left = np.asarray(tree["left_children"], dtype=np.int64)
    right = np.asarray(tree["right_children"], dtype=np.int64)
    n = len(left)
    feature = np.asarray(tree["split_indices"], dtype=np.int64)
    condition = np.asarray(tree["split_conditions"], dtype=np.float64).astype(np.float32)
    default_left = np.asarray(tree["default_left"], dtype=np.int64) != 0
    for key, column in (("right", right), ("feature", feature), ("cond", condition)):
        if len(column) != n:
            raise ValueError(f"tree {t}: {key} has {len(column)} entries for {n} nodes")
    if n == 0:
        raise ValueError(f"tree {t} has no nodes")
    split_type = np.asarray(tree.get("split_type", np.zeros(n)), dtype=np.int64)
    categories = _categories(tree, t, n)

    internal = left >= 0
    if np.any(internal & ((right < 0) | (left >= n) | (right >= n))):
        raise ValueError(f"tree {t}: child index out of range")
    if np.any(internal & ((feature < 0) | (feature >= n_features))):
        raise ValueError(f"tree {t}: split feature outside [0, {n_features})")

    # The node each of ours is, and its two children in our (left, right) order.
    is_cat = internal & (split_type == 1)
    ours_left = np.where(is_cat, right, left)
    ours_right = np.where(is_cat, left, right)
    order = _node_order(ours_left, ours_right, t)
    kept = len(order) == n and np.array_equal(order, np.arange(n))
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[order] = np.arange(len(order))
    # Nodes XGBoost deleted are unreachable and dropped with their categories.
    reachable_cat = [int(node) for node in np.flatnonzero(is_cat) if new_id[node] >= 0]
    lacking = [node for node in reachable_cat if node not in categories]
    if lacking:
        raise ValueError(f"tree {t}: categorical node {lacking[0]} has no categories")

    thresholds = np.where(
        internal, np.nextafter(condition, np.float32(-np.inf)), np.float32(0)
    ).astype(np.float64)
    out = {
        "left": np.where(internal, new_id[np.maximum(ours_left, 0)], -1)[order].tolist(),
        "right": np.where(internal, new_id[np.maximum(ours_right, 0)], -1)[order].tolist(),
        "feature": np.where(internal, feature, -1)[order].tolist(),
        "threshold": np.where(is_cat, 0.0, thresholds)[order].tolist(),
        "value": np.where(internal, 0.0, condition.astype(np.float64))[order].tolist(),
        "default_left": (internal & (default_left != is_cat))[order].astype(np.int64).tolist(),
        "categories": {int(new_id[node]): categories[node] for node in reachable_cat},
    }
    for key, name in (("loss_changes", "gain"), ("sum_hessian", "cover")):
        column = np.asarray(tree.get(key, np.zeros(n)), dtype=np.float64)
        if len(column) != n:
            raise ValueError(f"tree {t}: {key} has {len(column)} entries for {n} nodes")
        if name == "gain":  # XGBoost leaves hold 0 already; make sure
            column = np.where(internal, column, 0.0)
        out[name] = column[order].tolist()
    return out, kept


def _categories(tree: Mapping, t: int, n: int) -> dict[int, list[int]]:
    nodes = np.asarray(tree.get("categories_nodes", []), dtype=np.int64)
    segments = np.asarray(tree.get("categories_segments", []), dtype=np.int64)
    sizes = np.asarray(tree.get("categories_sizes", []), dtype=np.int64)
    values = np.asarray(tree.get("categories", []), dtype=np.int64)
    if not len(nodes) == len(segments) == len(sizes):
        raise ValueError(f"tree {t}: categories_nodes/segments/sizes differ in length")
    result = {}
    for node, begin, size in zip(nodes, segments, sizes, strict=True):
        if not 0 <= node < n or begin < 0 or size < 0 or begin + size > len(values):
            raise ValueError(f"tree {t}: categories of node {node} out of range")
        cats = values[begin : begin + size]
        if np.any((cats < 0) | (cats >= _MAX_CATEGORY)):
            raise ValueError(f"tree {t}: category outside [0, 2**24) at node {node}")
        result[int(node)] = cats.tolist()
    return result


def _node_order(left: np.ndarray, right: np.ndarray, t: int) -> np.ndarray:
    """XGBoost's ids in our order: kept when valid and compact, else pre-order."""
    n = len(left)
    internal = left >= 0
    idx = np.arange(n)
    reached = np.zeros(n, dtype=np.int64)
    np.add.at(reached, left[internal], 1)
    np.add.at(reached, right[internal], 1)
    reached[0] += 1
    if (
        np.all(left[internal] > idx[internal])
        and np.all(right[internal] > idx[internal])
        and np.all(reached == 1)
    ):
        return idx
    order, seen, stack = [], np.zeros(n, dtype=bool), [0]
    while stack:
        node = stack.pop()
        if seen[node]:
            raise ValueError(f"tree {t}: node {node} is reached twice (not a tree)")
        seen[node] = True
        order.append(node)
        if left[node] >= 0:
            stack.append(int(right[node]))
            stack.append(int(left[node]))
    return np.asarray(order, dtype=np.int64)
