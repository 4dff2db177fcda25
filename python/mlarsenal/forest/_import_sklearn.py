"""scikit-learn tree models as Forests.

Decision trees, random forests, extra trees and GradientBoosting* compare
``float32(x) <= threshold``: their forests carry meta ``{"input_dtype":
"float32"}``, which makes ``Forest.predict`` cast float64 rows to float32
first. HistGradientBoosting* compares in float64 and maps raw categories
through its OrdinalEncoder; its categorical nodes use kCategoryStrict (a
value that is not a known category follows the missing-value direction).
"""

from __future__ import annotations

import json

import numpy as np

from mlarsenal._validation.features import feature_name_list
from mlarsenal.forest._forest import Forest
from mlarsenal.forest._node_arrays import (
    CATEGORICAL,
    CATEGORY_STRICT,
    MAX_CATEGORY,
    ForestBuilder,
    bitset,
)

_LINKS = {
    "IdentityLink": "identity",
    "LogLink": "exp",
    "LogitLink": "logistic",
    "MultinomialLogit": "softmax",
}


def _meta(est, **extra) -> dict:
    meta = {"source": "scikit-learn", "estimator": type(est).__name__, **extra}
    classes = getattr(est, "classes_", None)
    if classes is not None:
        try:
            json.dumps(classes.tolist(), allow_nan=False)
            meta["classes"] = classes.tolist()
        except (TypeError, ValueError):
            pass
    return meta


def _link(est) -> str:
    loss = getattr(est, "_loss", None)
    name = type(loss).__name__
    if name == "ExponentialLoss":
        raise ValueError(f"{type(est).__name__}(loss='exponential') is not supported")
    link = _LINKS.get(type(getattr(loss, "link", None)).__name__)
    if link is None:
        raise ValueError(f"{type(est).__name__}: unsupported loss {name}")
    return link


def from_sklearn(estimator) -> Forest:
    """A Forest predicting exactly like a fitted scikit-learn tree model.

    Supported: DecisionTree{Classifier,Regressor}, RandomForest*, ExtraTrees*,
    GradientBoosting*, HistGradientBoosting*. Classifier trees and forests
    give one output per class (``predict(output="value")`` equals
    ``predict_proba``); boosting models give the margins of
    ``_raw_predict`` / ``decision_function`` (``output="raw"``) and their
    link. Raises TypeError for other objects and ValueError for unfitted
    estimators, multi-output targets and other settings a Forest cannot
    express.
    """
    try:
        from sklearn import ensemble, tree
    except ImportError as exc:  # pragma: no cover - only without scikit-learn
        raise TypeError("from_sklearn needs scikit-learn") from exc
    from sklearn.utils.validation import check_is_fitted

    kinds = (
        tree.DecisionTreeClassifier, tree.DecisionTreeRegressor,
        ensemble.RandomForestClassifier, ensemble.RandomForestRegressor,
        ensemble.ExtraTreesClassifier, ensemble.ExtraTreesRegressor,
        ensemble.GradientBoostingClassifier, ensemble.GradientBoostingRegressor,
        ensemble.HistGradientBoostingClassifier, ensemble.HistGradientBoostingRegressor,
    )  # fmt: skip
    if not isinstance(estimator, kinds):
        raise TypeError(
            "from_sklearn expects a decision tree, random forest, extra trees or (hist) "
            f"gradient boosting estimator, got {type(estimator).__name__}"
        )
    try:
        check_is_fitted(estimator)
    except Exception as exc:
        raise ValueError(
            f"this {type(estimator).__name__} is not fitted; call fit() before from_sklearn"
        ) from exc
    if isinstance(estimator, (ensemble.HistGradientBoostingClassifier,
                              ensemble.HistGradientBoostingRegressor)):  # fmt: skip
        return _from_hist(estimator)
    if isinstance(estimator, (ensemble.GradientBoostingClassifier,
                              ensemble.GradientBoostingRegressor)):  # fmt: skip
        return _from_gradient_boosting(estimator)
    trees = [estimator] if isinstance(estimator, tree.BaseDecisionTree) else estimator.estimators_
    return _from_averaged_trees(estimator, [t.tree_ for t in trees])


def _add_sklearn_tree(builder, t, outputs_and_values, nodes_value_scale=None) -> None:
    for output, value in outputs_and_values:
        builder.add_tree(
            output=output, left=t.children_left, right=t.children_right, feature=t.feature,
            threshold=t.threshold, value=value, default_left=_missing_left(t),
            split_kind=np.zeros(t.node_count, np.uint8), gain=_gain(t),
            count=t.n_node_samples, cover=t.weighted_n_node_samples,
        )  # fmt: skip


def _missing_left(t) -> np.ndarray:
    left = getattr(t, "missing_go_to_left", None)
    return np.zeros(t.node_count, np.uint8) if left is None else np.asarray(left, np.uint8)


def _gain(t) -> np.ndarray:
    # Weighted impurity decrease of each split (0 at leaves), as feature_importances_ uses.
    w, imp = t.weighted_n_node_samples, t.impurity
    left, right = t.children_left, t.children_right
    inner = left >= 0
    gain = np.zeros(t.node_count)
    gain[inner] = (
        w[inner] * imp[inner]
        - w[left[inner]] * imp[left[inner]]
        - w[right[inner]] * imp[right[inner]]
    )
    return gain


def _from_averaged_trees(est, trees) -> Forest:
    if getattr(est, "n_outputs_", 1) != 1:
        raise ValueError(
            f"{type(est).__name__} was fitted on {est.n_outputs_} targets; multi-output "
            "trees are not supported"
        )
    n = len(trees)
    classifier = hasattr(est, "classes_")
    n_outputs = len(est.classes_) if classifier else 1
    builder = ForestBuilder(with_cover=True)
    for t in trees:
        value = t.value[:, 0, :]
        if classifier:
            total = value.sum(axis=1, keepdims=True)
            value = value / np.where(total == 0, 1.0, total)
            _add_sklearn_tree(builder, t, [(k, value[:, k] / n) for k in range(n_outputs)])
        else:
            _add_sklearn_tree(builder, t, [(0, value[:, 0] / n)])
    return Forest(
        builder.arrays(np.zeros(n_outputs)),
        n_features=est.n_features_in_,
        n_outputs=n_outputs,
        link="identity",
        trees_per_iteration=n_outputs,
        feature_names=feature_name_list(est),
        meta=_meta(est, input_dtype="float32"),
    )


def _from_gradient_boosting(est) -> Forest:
    from sklearn.dummy import DummyClassifier, DummyRegressor

    init = est.init_
    if not (isinstance(init, str) and init == "zero") and not isinstance(
        init, (DummyClassifier, DummyRegressor)
    ):
        raise ValueError(
            f"{type(est).__name__} with init={type(init).__name__}: only the default "
            "(constant) init or 'zero' can be expressed as a base score"
        )
    link = _link(est)
    stages = est.estimators_
    k = stages.shape[1]
    base = est._raw_predict_init(np.zeros((1, est.n_features_in_), dtype=np.float32))[0]
    builder = ForestBuilder(with_cover=True)
    for stage in stages:
        for c in range(k):
            t = stage[c].tree_
            _add_sklearn_tree(builder, t, [(c, est.learning_rate * t.value[:, 0, 0])])
    return Forest(
        builder.arrays(base),
        n_features=est.n_features_in_,
        n_outputs=k,
        link=link,
        trees_per_iteration=k,
        feature_names=feature_name_list(est),
        meta=_meta(est, input_dtype="float32"),
    )


def _hist_columns(est):
    """(original column of each preprocessed column, {preprocessed column: raw categories})."""
    n = est.n_features_in_
    pre = getattr(est, "_preprocessor", None)
    if pre is None:
        return np.arange(n), {}
    columns, categories = [], {}
    for name, transformer, selection in pre.transformers_:
        if name == "remainder" and transformer == "drop":
            continue
        selected = np.arange(n)[selection] if np.asarray(selection).dtype == bool else selection
        selected = np.asarray(selected, dtype=np.int64).reshape(-1)
        if name == "encoder":
            for j, cats in enumerate(transformer.categories_):
                categories[len(columns) + j] = np.asarray(cats)
        columns.extend(selected.tolist())
    return np.asarray(columns), categories


def _raw_categories(cats: np.ndarray, feature: int) -> np.ndarray:
    try:
        values = np.asarray(cats, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"feature {feature}: non-numeric categories cannot be expressed in a forest"
        ) from exc
    known = values[~np.isnan(values)]
    bad = known[(known < 0) | (known >= MAX_CATEGORY) | (known != np.floor(known))]
    if bad.size:
        raise ValueError(
            f"feature {feature}: category {bad[0]!r} is not an integer in [0, {MAX_CATEGORY})"
        )
    return known.astype(np.int64)


def _from_hist(est) -> Forest:
    link = _link(est)
    columns, encoded = _hist_columns(est)
    k = est.n_trees_per_iteration_
    builder = ForestBuilder()
    raw_categories = {}
    for iteration in est._predictors:
        for c, predictor in enumerate(iteration):
            nodes = predictor.nodes
            n = len(nodes)
            leaf = nodes["is_leaf"].astype(bool)
            left = np.where(leaf, -1, nodes["left"].astype(np.int64))
            right = np.where(leaf, -1, nodes["right"].astype(np.int64))
            pre_feature = nodes["feature_idx"].astype(np.int64)
            kind = np.zeros(n, np.uint8)
            categories = {}
            for i in np.flatnonzero(nodes["is_categorical"] & ~leaf):
                j = int(pre_feature[i])
                if j not in encoded:
                    raise ValueError("categorical split on a feature without encoded categories")
                if j not in raw_categories:
                    raw_categories[j] = _raw_categories(encoded[j], int(columns[j]))
                raw = raw_categories[j]
                words = predictor.raw_left_cat_bitsets[nodes["bitset_idx"][i]]
                codes = np.arange(len(raw))
                goes_left = ((words[codes // 32] >> (codes % 32).astype(np.uint32)) & 1) != 0
                sent_left = raw[goes_left].tolist()
                if nodes["missing_go_to_left"][i]:
                    # Unknown whole numbers inside the bitset follow the missing direction.
                    width = (int(raw.max()) // 32 + 1) * 32 if raw.size else 32
                    unknown = np.setdiff1d(np.arange(width), raw)
                    sent_left += unknown.tolist()
                bits = bitset(sent_left, f"feature {int(columns[j])}")
                if raw.size:
                    bits = np.pad(bits, (0, int(raw.max()) // 32 + 1 - len(bits)))
                categories[i] = bits
                kind[i] = CATEGORICAL | CATEGORY_STRICT
            builder.add_tree(
                output=c, left=left, right=right,
                feature=np.where(leaf, -1, columns[np.maximum(pre_feature, 0)]),
                threshold=nodes["num_threshold"], value=nodes["value"],
                default_left=nodes["missing_go_to_left"], split_kind=kind,
                gain=nodes["gain"], count=nodes["count"], categories=categories,
            )  # fmt: skip
    base = np.asarray(est._baseline_prediction, dtype=np.float64).reshape(-1)
    return Forest(
        builder.arrays(base),
        n_features=est.n_features_in_,
        n_outputs=k,
        link=link,
        trees_per_iteration=k,
        feature_names=feature_name_list(est),
        meta=_meta(est),
    )
