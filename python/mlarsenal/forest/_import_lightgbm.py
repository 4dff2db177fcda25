"""LightGBM models as Forests, from ``Booster.dump_model()``'s JSON (never pickle).

LightGBM's routing, reproduced with split_kind bits (forest.hpp):
  - every numerical node: values with |x| <= 1e-35f read as 0.0 (LightGBM
    drops them from its input rows), kTinyIsZero;
  - missing_type "None": NaN reads as 0.0 (kNanIsZero); "Zero": NaN reads
    as 0.0 and 0.0 follows default_left (kNanIsZero | kZeroIsMissing);
    "NaN": NaN follows default_left;
  - categorical ("=="): the categories listed go left; the category is a C
    cast (kCategoryTruncates: (-1, 0) is category 0); NaN, negative and
    unlisted values go right (default_left is ignored by LightGBM here).
"""

from __future__ import annotations

import os

import numpy as np

from mlarsenal.forest._forest import Forest
from mlarsenal.forest._node_arrays import (
    CATEGORICAL,
    CATEGORY_TRUNCATES,
    NAN_IS_ZERO,
    TINY_IS_ZERO,
    ZERO_IS_MISSING,
    ForestBuilder,
    bitset,
)

_IDENTITY = {
    "regression", "regression_l2", "regression_l1", "huber", "fair", "quantile", "mape",
    "custom", "none",
}  # fmt: skip
_EXP = {"poisson", "gamma", "tweedie"}
_MISSING_BITS = {"None": NAN_IS_ZERO, "Zero": NAN_IS_ZERO | ZERO_IS_MISSING, "NaN": 0}
# LightGBM's kZeroThreshold (1e-35f), as forest.hpp's kTinyZero.
_TINY_ZERO = float(np.float32(1e-35))


def _numerical_routing(missing: str, threshold: float, default_left: bool) -> tuple[int, bool]:
    """(split_kind, default_left) routing like LightGBM with the fewest flag bits.

    Flagged nodes take the slower general path of the traversal, so flags are
    dropped where they cannot change a decision: reading |x| <= 1e-35 as 0.0
    matters only for thresholds inside that band, and "NaN is 0.0" on a plain
    split is the same as sending NaN where 0.0 goes.
    """
    if missing == "Zero":
        return TINY_IS_ZERO | _MISSING_BITS[missing], default_left
    if abs(threshold) <= _TINY_ZERO:
        return TINY_IS_ZERO | _MISSING_BITS[missing], default_left
    if missing == "None":
        return 0, threshold >= 0.0
    return 0, default_left


def _dump(model) -> dict:
    if isinstance(model, dict):
        return model
    try:
        import lightgbm
    except ImportError as exc:  # pragma: no cover - only without lightgbm
        raise TypeError("from_lightgbm needs the lightgbm package for this input") from exc
    if isinstance(model, lightgbm.LGBMModel):
        try:
            model = model.booster_
        except Exception as exc:  # LGBMNotFittedError, an AttributeError or ValueError
            raise ValueError(
                f"this {type(model).__name__} is not fitted; call fit() before from_lightgbm"
            ) from exc
    if isinstance(model, (str, os.PathLike)):
        text = os.fspath(model)
        if isinstance(model, os.PathLike) or ("\n" not in text and os.path.isfile(text)):
            model = lightgbm.Booster(model_file=text)
        elif text.lstrip().startswith("tree"):
            model = lightgbm.Booster(model_str=text)
        else:
            raise ValueError(
                "from_lightgbm got a str that is neither an existing model file nor a "
                "LightGBM model string"
            )
    if not isinstance(model, lightgbm.Booster):
        raise TypeError(
            "from_lightgbm expects a lightgbm.Booster, an LGBMModel, a model file path or a "
            f"model string, got {type(model).__name__}"
        )
    return model.dump_model()


def _objective(text: str, n_classes: int) -> str:
    """The link for LightGBM's objective string (e.g. "binary sigmoid:1")."""
    name, *params = (text or "none").split()
    settings = dict(p.split(":", 1) for p in params if ":" in p)
    if name in _IDENTITY:
        return "identity"
    if name in _EXP:
        return "exp"
    if name in ("binary", "multiclassova", "cross_entropy"):
        sigmoid = float(settings.get("sigmoid", 1.0))
        if sigmoid != 1.0:
            raise ValueError(
                f"LightGBM objective {text!r}: sigmoid:{settings['sigmoid']} scales the margins "
                "before the logistic link; only sigmoid:1 is supported"
            )
        return "logistic"
    if name == "multiclass":
        return "softmax"
    raise ValueError(f"unsupported LightGBM objective {text!r} (e.g. ranking objectives)")


def from_lightgbm(model) -> Forest:
    """A Forest predicting exactly like a LightGBM model.

    `model`: a ``lightgbm.Booster``, a fitted ``LGBMModel`` (LGBMRegressor,
    LGBMClassifier...), a model file path, a model string, or the dict of
    ``Booster.dump_model()``. ``predict(output="raw")`` equals LightGBM's
    ``predict(raw_score=True)`` and ``predict(output="value")`` its
    ``predict()``, for float32 and float64 rows with NaN and ±inf.

    Raises ValueError for what a Forest cannot express: linear trees,
    ranking objectives, ``sigmoid`` other than 1, categories outside [0, 2**20).
    """
    dump = _dump(model)
    if not isinstance(dump, dict) or "tree_info" not in dump:
        raise ValueError("not a LightGBM model dump (no 'tree_info')")
    n_classes = int(dump.get("num_class", 1))
    per_iteration = int(dump.get("num_tree_per_iteration", 1))
    link = _objective(dump.get("objective", "none"), n_classes)
    if link == "softmax" and per_iteration < 2:
        raise ValueError("LightGBM multiclass model with fewer than 2 trees per iteration")
    n_features = int(dump["max_feature_idx"]) + 1
    trees = dump["tree_info"]
    if len(trees) % per_iteration:
        raise ValueError(f"{len(trees)} trees are not whole iterations of {per_iteration}")
    n_iterations = len(trees) // per_iteration
    scale = 1.0 / n_iterations if dump.get("average_output") and n_iterations else None

    builder = ForestBuilder(with_cover=True)
    for t, info in enumerate(trees):
        _add_tree(builder, info["tree_structure"], t % per_iteration, scale, t)
    names = dump.get("feature_names")
    if names is not None and list(names) == [f"Column_{i}" for i in range(n_features)]:
        names = None
    objective = dump.get("objective", "none")
    return Forest(
        builder.arrays(np.zeros(per_iteration)),
        n_features=n_features,
        n_outputs=per_iteration,
        link=link,
        trees_per_iteration=per_iteration,
        feature_names=names,
        meta={"source": "lightgbm", "objective": objective},
    )


def _add_tree(builder: ForestBuilder, root: dict, output: int, scale, t: int) -> None:
    nodes: list[dict] = []
    left: list[int] = []
    right: list[int] = []
    stack = [(root, -1, False)]
    while stack:
        node, parent, is_right = stack.pop()
        here = len(nodes)
        nodes.append(node)
        left.append(-1)
        right.append(-1)
        if parent >= 0:
            (right if is_right else left)[parent] = here
        if "split_index" in node:
            stack.append((node["right_child"], here, True))
            stack.append((node["left_child"], here, False))
        elif "leaf_coeff" in node or "leaf_features" in node:
            raise ValueError(f"tree {t}: linear trees (linear_tree=True) are not supported")
    n = len(nodes)
    feature = np.zeros(n, np.int64)
    threshold = np.zeros(n)
    value = np.zeros(n)
    default_left = np.zeros(n, np.uint8)
    kind = np.zeros(n, np.uint8)
    gain = np.zeros(n)
    count = np.zeros(n, np.int64)
    cover = np.zeros(n)
    categories = {}
    for i, node in enumerate(nodes):
        if "split_index" not in node:
            value[i] = node["leaf_value"]
            count[i] = node.get("leaf_count", 0)
            cover[i] = node.get("leaf_weight", 0.0)
            continue
        feature[i] = node["split_feature"]
        value[i] = node.get("internal_value", 0.0)
        count[i] = node.get("internal_count", 0)
        cover[i] = node.get("internal_weight", 0.0)
        gain[i] = node.get("split_gain", 0.0)
        decision = node["decision_type"]
        if decision == "<=":
            missing = node.get("missing_type", "None")
            if missing not in _MISSING_BITS:
                raise ValueError(f"tree {t}: unknown LightGBM missing_type {missing!r}")
            threshold[i] = float(node["threshold"])
            kind[i], default_left[i] = _numerical_routing(
                missing, threshold[i], bool(node["default_left"])
            )
        elif decision == "==":
            cats = [int(c) for c in str(node["threshold"]).split("||") if c != ""]
            categories[i] = bitset(cats, f"tree {t}")
            kind[i] = CATEGORICAL | TINY_IS_ZERO | CATEGORY_TRUNCATES
        else:
            raise ValueError(f"tree {t}: unknown LightGBM decision_type {decision!r}")
    if scale is not None:
        value = value * scale
    builder.add_tree(
        output=output, left=left, right=right, feature=feature, threshold=threshold,
        value=value, default_left=default_left, split_kind=kind, gain=gain, count=count,
        cover=cover, categories=categories,
    )  # fmt: skip
