"""Gradient-boosting estimators in the model file format (kind "gradient_boosting").

The file holds the fitted Forest's arrays (names prefixed ``forest/``) and
meta, the estimator's class, its JSON-representable parameters and what
prediction needs (classes, feature names, categorical mappings). Pickling a
fitted estimator writes the same bytes. Parameters that are not JSON (a
custom objective, a RandomState) are not saved: they load as None and are
listed in ``meta["params_not_saved"]``; prediction never needs them.
The training bins are not saved either: ``warm_start`` after loading learns
them again.
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

KIND = "gradient_boosting"


def _plain(values):
    """numpy scalars -> Python scalars, for JSON."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def estimator_to_bytes(est) -> bytes:
    meta, arrays = tree_model_parts(est)
    arrays["train_score"] = np.asarray(est.train_score_, dtype=np.float64)
    arrays["validation_score"] = np.asarray(est.validation_score_, dtype=np.float64)
    arrays["is_categorical"] = np.asarray(est.is_categorical_, dtype=np.uint8)
    meta |= {
        "n_iter": int(est.n_iter_),
        "do_early_stopping": bool(est.do_early_stopping_),
        "base_score": [float(v) for v in np.atleast_1d(est._base_score)],
        "known_categories": {
            str(f): [float(v) for v in values] for f, values in est._known_categories.items()
        },
        "pandas_categories": {
            str(f): _plain(values) for f, values in (est._pandas_categories or {}).items()
        },
    }
    if hasattr(est, "classes_"):
        classes_to_file(est.classes_, meta, arrays)
    return dumps(KIND, meta, arrays)


def estimator_from_parts(meta: dict, arrays: dict):
    from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

    classes = {
        "GradientBoostingClassifier": GradientBoostingClassifier,
        "GradientBoostingRegressor": GradientBoostingRegressor,
    }
    cls = classes.get(meta.get("estimator"))
    if cls is None:
        raise ValueError(f"unknown estimator {meta.get('estimator')!r}")
    est = cls()
    for key in ("known_categories", "pandas_categories"):
        if not isinstance(meta.get(key), dict):
            raise ValueError(f"{key} must be a dict")
    for key in ("base_score", "params_not_saved"):
        if not isinstance(meta.get(key), list):
            raise ValueError(f"{key} must be a list")
    restore_tree_model(est, meta, arrays)
    est.n_iter_ = int(meta["n_iter"])
    est.do_early_stopping_ = bool(meta["do_early_stopping"])
    est.train_score_ = arrays["train_score"]
    est.validation_score_ = arrays["validation_score"]
    est.is_categorical_ = arrays["is_categorical"].astype(bool)
    if est.is_categorical_.shape != (est.n_features_in_,):
        raise ValueError("is_categorical must hold one entry per feature")
    est._base_score = np.asarray(meta["base_score"], dtype=np.float64)
    est._known_categories = {
        _feature(f, est): np.asarray(v, dtype=np.float64).reshape(-1)
        for f, v in meta["known_categories"].items()
    }
    est._pandas_categories = {
        _feature(f, est): _category_list(v) for f, v in meta["pandas_categories"].items()
    }
    est._bins = None
    if isinstance(est, GradientBoostingClassifier):
        est.classes_ = classes_from_file(meta, arrays)
        expected = 1 if len(est.classes_) == 2 else len(est.classes_)
        if est.forest_.n_outputs != expected:
            raise ValueError("the forest's outputs do not match the number of classes")
    return est


def _category_list(values) -> list:
    if not isinstance(values, list) or not all(
        isinstance(v, (str, int, float, bool)) for v in values
    ):
        raise ValueError("pandas categories must be lists of plain values")
    return values


def _feature(key, est) -> int:
    f = int(key)
    if not 0 <= f < est.n_features_in_:
        raise ValueError(f"feature {f} out of range")
    return f


def estimator_from_bytes(data):
    return load(data, expected_kind=KIND)
