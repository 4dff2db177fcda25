"""save/to_bytes and pickling of fitted estimators through the model file format.

An estimator class names the module that writes and reads its files
(``_model_file_io``: a module with ``estimator_to_bytes(est)`` and
``estimator_from_bytes(data)``); pickling a fitted estimator stores those
same checksummed bytes, never the raw object state.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
from sklearn.utils.validation import check_is_fitted

from mlarsenal._validation.features import feature_name_list


class ModelFileMixin:
    _model_file_io: str  # set by each estimator family
    _fitted_marker = "forest_"  # the attribute a fitted estimator always has

    def _file_io(self):
        return importlib.import_module(self._model_file_io)

    def to_bytes(self) -> bytes:
        """The fitted model in the model file format (what ``save`` writes)."""
        check_is_fitted(self, self._fitted_marker)
        return self._file_io().estimator_to_bytes(self)

    def save(self, path) -> None:
        """Write the fitted model to `path` (atomically); ``mlarsenal.load(path)`` reads it back."""
        from mlarsenal._serialization import save

        save(self, path)

    def __getstate__(self):
        if not hasattr(self, self._fitted_marker):
            return super().__getstate__()
        return {"model_file": self.to_bytes()}

    def __setstate__(self, state):
        if "model_file" not in state:
            super().__setstate__(state)
            return
        loaded = self._file_io().estimator_from_bytes(state["model_file"])
        if type(loaded) is not type(self):
            raise TypeError(f"the pickled model is a {type(loaded).__name__}")
        self.__dict__.update(loaded.__dict__)


def _is_json(value) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def params_to_json(est) -> tuple[dict, list[str]]:
    """(the JSON-representable parameters, the names of those that are not).

    Parameters that are not JSON (a callable, a RandomState) are stored as
    None: prediction never needs them.
    """
    params, not_saved = {}, []
    for name, value in est.get_params(deep=False).items():
        if isinstance(value, np.generic):
            value = value.item()
        if _is_json(value):
            params[name] = value
        else:
            params[name] = None
            not_saved.append(name)
    return params, not_saved


def set_params_from_json(est, params) -> None:
    """Applies saved parameters, rejecting names the estimator does not have."""
    if not isinstance(params, dict):
        raise ValueError("params must be a dict")
    unknown = sorted(set(params) - set(est.get_params(deep=False)))
    if unknown:
        raise ValueError(f"unknown parameters {unknown}")
    est.set_params(**params)


def classes_to_file(classes, meta: dict, arrays: dict) -> None:
    """Numeric class labels go in an array, others as strings in the meta."""
    if classes.dtype.kind in "biuf":
        arrays["classes"] = classes
    else:
        meta["classes"] = [str(c) for c in classes]


def classes_from_file(meta: dict, arrays: dict) -> np.ndarray:
    if "classes" in arrays:
        classes = arrays["classes"]
    elif isinstance(meta.get("classes"), list):
        classes = np.asarray([str(c) for c in meta["classes"]], dtype=object)
    else:
        raise ValueError("a classifier file must hold its classes")
    if classes.ndim != 1 or len(classes) < 2:
        raise ValueError("a classifier needs at least 2 classes")
    return classes


def feature_names_from_file(meta: dict, n_features: int):
    names = meta.get("feature_names_in")
    if names is None:
        return None
    if not isinstance(names, list) or len(names) != n_features:
        raise ValueError("feature_names_in must list one name per feature")
    return np.asarray([str(n) for n in names], dtype=object)


_FOREST_PREFIX = "forest/"


def tree_model_parts(est) -> tuple[dict, dict]:
    """(meta, arrays) every tree-model file holds: the estimator's class, its
    JSON parameters, its Forest (arrays prefixed ``forest/``) and its features.
    Each model kind adds its own entries."""
    forest_meta, forest_arrays = est.forest_.to_parts()
    params, not_saved = params_to_json(est)
    meta = {
        "estimator": type(est).__name__,
        "params": params,
        "params_not_saved": not_saved,
        "forest": forest_meta,
        "n_features_in": int(est.n_features_in_),
        "feature_names_in": feature_name_list(est),
    }
    return meta, {_FOREST_PREFIX + k: v for k, v in forest_arrays.items()}


def restore_tree_model(est, meta: dict, arrays: dict) -> None:
    """Sets what :func:`tree_model_parts` saved on a fresh `est`, checking it."""
    from mlarsenal.forest import Forest

    set_params_from_json(est, meta.get("params"))
    if not isinstance(meta.get("forest"), dict):
        raise ValueError("forest must be a dict")
    forest_arrays = {
        k[len(_FOREST_PREFIX) :]: v for k, v in arrays.items() if k.startswith(_FOREST_PREFIX)
    }
    est.forest_ = Forest.from_parts(meta["forest"], forest_arrays, copy=False)
    est.n_features_in_ = int(meta["n_features_in"])
    if est.forest_.n_features != est.n_features_in_:
        raise ValueError("the forest's feature count does not match n_features_in")
    names = feature_names_from_file(meta, est.n_features_in_)
    if names is not None:
        est.feature_names_in_ = names
