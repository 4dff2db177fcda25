"""Decision trees, random forests and extra trees in the model file format (kind "decision_forest").

The file holds the fitted Forest (arrays prefixed ``forest/``), the
estimator's class and JSON parameters, and what prediction and out-of-bag
results need (classes, feature names, tree seeds, OOB predictions). Pickling
a fitted estimator writes the same bytes.
"""

from __future__ import annotations

import numpy as np

from mlarsenal._serialization import dumps, load
from mlarsenal._serialization.estimator_files import (
    classes_from_file,
    classes_to_file,
    restore_tree_model,
    tree_model_parts,
)

KIND = "decision_forest"
_OOB_ARRAYS = ("oob_decision_function_", "oob_prediction_")


def _estimator_classes() -> dict:
    from mlarsenal.ensemble import (
        ExtraTreesClassifier,
        ExtraTreesRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from mlarsenal.tree import DecisionTreeClassifier, DecisionTreeRegressor

    classes = (
        DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier,
        RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor,
    )  # fmt: skip
    return {cls.__name__: cls for cls in classes}


def estimator_to_bytes(est) -> bytes:
    meta, arrays = tree_model_parts(est)
    arrays["tree_seeds"] = np.asarray(est._tree_seeds, dtype=np.uint64)
    for name in _OOB_ARRAYS:
        if hasattr(est, name):
            arrays[name] = np.asarray(getattr(est, name), dtype=np.float64)
    meta |= {
        "n_draws": int(est._n_draws),
        "oob_score": float(est.oob_score_) if hasattr(est, "oob_score_") else None,
    }
    if hasattr(est, "classes_"):
        classes_to_file(est.classes_, meta, arrays)
    return dumps(KIND, meta, arrays)


def estimator_from_parts(meta: dict, arrays: dict):
    cls = _estimator_classes().get(meta.get("estimator"))
    if cls is None:
        raise ValueError(f"unknown estimator {meta.get('estimator')!r}")
    est = cls()
    restore_tree_model(est, meta, arrays)
    est._tree_seeds = np.asarray(arrays.get("tree_seeds", np.zeros(0)), dtype=np.uint64)
    per_tree = est.forest_.trees_per_iteration
    if len(est._tree_seeds) * per_tree != est.forest_.n_trees:
        raise ValueError("tree_seeds must hold one seed per grown tree")
    est._n_draws = int(meta.get("n_draws", 0))
    if meta.get("oob_score") is not None:
        est.oob_score_ = float(meta["oob_score"])
    for name in _OOB_ARRAYS:
        if name in arrays:
            setattr(est, name, arrays[name])
    if hasattr(cls, "predict_proba"):
        est.classes_ = classes_from_file(meta, arrays)
        est.n_classes_ = len(est.classes_)
        expected = 1 if len(est.classes_) == 2 else len(est.classes_)
        if est.forest_.n_outputs != expected:
            raise ValueError("the forest's outputs do not match the number of classes")
    elif est.forest_.n_outputs != 1:
        raise ValueError("a regressor's forest must have one output")
    return est


def estimator_from_bytes(data):
    return load(data, expected_kind=KIND)
