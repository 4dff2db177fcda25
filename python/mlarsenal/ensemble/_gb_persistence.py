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
    feature_names_from_file,
    params_to_json,
    set_params_from_json,
)
from mlarsenal._validation.features import feature_name_list
from mlarsenal.forest import Forest

KIND = "gradient_boosting"
_FOREST_PREFIX = "forest/"


def _plain(values):
    """numpy scalars -> Python scalars, for JSON."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def estimator_to_bytes(est) -> bytes:
    forest_meta, forest_arrays = est.forest_.to_parts()
    params, not_saved = params_to_json(est)
    arrays = {_FOREST_PREFIX + k: v for k, v in forest_arrays.items()}
    arrays["train_score"] = np.asarray(est.train_score_, dtype=np.float64)
    arrays["validation_score"] = np.asarray(est.validation_score_, dtype=np.float64)
    arrays["is_categorical"] = np.asarray(est.is_categorical_, dtype=np.uint8)
    meta = {
        "estimator": type(est).__name__,
        "params": params,
        "params_not_saved": not_saved,
        "forest": forest_meta,
        "n_features_in": int(est.n_features_in_),
        "n_iter": int(est.n_iter_),
        "do_early_stopping": bool(est.do_early_stopping_),
        "base_score": [float(v) for v in np.atleast_1d(est._base_score)],
        "feature_names_in": feature_name_list(est),
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
    for key in ("params", "forest", "known_categories", "pandas_categories"):
        if not isinstance(meta.get(key), dict):
            raise ValueError(f"{key} must be a dict")
    for key in ("base_score", "params_not_saved"):
        if not isinstance(meta.get(key), list):
            raise ValueError(f"{key} must be a list")
    set_params_from_json(est, meta["params"])
    forest_arrays = {
        k[len(_FOREST_PREFIX) :]: v for k, v in arrays.items() if k.startswith(_FOREST_PREFIX)
    }
    est.forest_ = Forest.from_parts(meta["forest"], forest_arrays, copy=False)
    est.n_features_in_ = int(meta["n_features_in"])
    if est.forest_.n_features != est.n_features_in_:
        raise ValueError("the forest's feature count does not match n_features_in")
    est.n_iter_ = int(meta["n_iter"])
    est.do_early_stopping_ = bool(meta["do_early_stopping"])
    est.train_score_ = arrays["train_score"]
    est.validation_score_ = arrays["validation_score"]
    est.is_categorical_ = arrays["is_categorical"].astype(bool)
    if est.is_categorical_.shape != (est.n_features_in_,):
        raise ValueError("is_categorical must hold one entry per feature")
    est._base_score = np.asarray(meta["base_score"], dtype=np.float64)
    names = feature_names_from_file(meta, est.n_features_in_)
    if names is not None:
        est.feature_names_in_ = names
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
