"""Estimators whose fitted state is a few arrays and scalars, in the model file format
(kind "array_model"): the linear models, naive Bayes, nearest neighbours and clustering.

A class declares its state: ``_fitted_arrays`` maps each array attribute to its
shape, one entry per dimension — an int, a symbol, or None for any size — or to
a list of such shapes when several are valid (1-d coefficients for one target,
2-d for several); and
``_fitted_scalars`` names its scalar attributes (numbers, bools, strings, None).
The symbol ``"features"`` is ``n_features_in_`` and ``"classes"`` is
``len(classes_)``; any other symbol is bound by the first array that uses it,
so arrays sharing a symbol must agree. A loaded file therefore always gives
arrays whose shapes prediction can rely on. An optional ``_check_loaded_state()``
method checks what shapes cannot express (it raises ValueError).

Loading builds only the classes listed in ``_ESTIMATORS``: a file names a
class, never a module to import.
"""

from __future__ import annotations

import importlib
from typing import ClassVar

import numpy as np
from sklearn.base import ClassifierMixin

from mlarsenal._serialization import dumps, load
from mlarsenal._serialization.estimator_files import (
    ModelFileMixin,
    classes_from_file,
    classes_to_file,
    feature_names_from_file,
    params_to_json,
    set_params_from_json,
)
from mlarsenal._validation.features import feature_name_list

KIND = "array_model"

# Class name -> the public module that exports it: what a file may build.
_ESTIMATORS = {
    "DBSCAN": "mlarsenal.cluster",
    "ElasticNet": "mlarsenal.linear_model",
    "KMeans": "mlarsenal.cluster",
    "KNeighborsClassifier": "mlarsenal.neighbors",
    "KNeighborsRegressor": "mlarsenal.neighbors",
    "Lasso": "mlarsenal.linear_model",
    "LinearRegression": "mlarsenal.linear_model",
    "LinearSVC": "mlarsenal.linear_model",
    "MiniBatchKMeans": "mlarsenal.cluster",
    "NearestNeighbors": "mlarsenal.neighbors",
    "SGDClassifier": "mlarsenal.linear_model",
    "SGDRegressor": "mlarsenal.linear_model",
    "LogisticRegression": "mlarsenal.linear_model",
    "Ridge": "mlarsenal.linear_model",
    "GaussianNB": "mlarsenal.naive_bayes",
    "MultinomialNB": "mlarsenal.naive_bayes",
    "BernoulliNB": "mlarsenal.naive_bayes",
    "ComplementNB": "mlarsenal.naive_bayes",
}


class ArrayModelMixin(ModelFileMixin):
    """``save``/``to_bytes`` and pickling through the "array_model" kind."""

    _model_file_io = "mlarsenal._serialization.array_models"
    _fitted_marker = "n_features_in_"
    _fitted_arrays: ClassVar[dict] = {}
    _fitted_scalars: tuple = ()
    # Arrays that may be None (e.g. averaged weights when averaging is off), and
    # scalars that may be absent (set only by some ways of fitting).
    _optional_arrays: tuple = ()
    _optional_scalars: tuple = ()
    # Attributes holding a numpy RandomState that a later partial_fit draws from.
    _random_states: tuple = ()


def check_classifier_rows(est) -> None:
    """A linear classifier's coef_ has one row for two classes and one per class otherwise
    (a ``_check_loaded_state`` for LogisticRegression, LinearSVC, SGDClassifier)."""
    expected = 1 if len(est.classes_) == 2 else len(est.classes_)
    if est.coef_.shape[0] != expected:
        raise ValueError(f"coef_ must have {expected} row(s) for {len(est.classes_)} classes")


def _scalar(value):
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"fitted scalar of type {type(value).__name__} cannot be saved")


def estimator_to_bytes(est) -> bytes:
    params, not_saved = params_to_json(est)
    meta = {
        "estimator": type(est).__name__,
        "params": params,
        "params_not_saved": not_saved,
        "n_features_in": int(est.n_features_in_),
        "feature_names_in": feature_name_list(est),
        "scalars": {
            name: _scalar(getattr(est, name)) for name in est._fitted_scalars if hasattr(est, name)
        },
        "random_states": {},
    }
    arrays = {}
    for name in est._fitted_arrays:
        if getattr(est, name, None) is not None:
            # np.array, not ascontiguousarray, which would make a 0-d value 1-d.
            arrays[name] = np.array(getattr(est, name), order="C")
    for name in est._random_states:
        if hasattr(est, name):
            _, keys, pos, has_gauss, cached = getattr(est, name).get_state(legacy=True)
            arrays[f"{name}.keys"] = np.asarray(keys, dtype=np.uint32)
            meta["random_states"][name] = [int(pos), int(has_gauss), float(cached)]
    if hasattr(est, "classes_"):
        classes_to_file(est.classes_, meta, arrays)
    return dumps(KIND, meta, arrays)


def _random_state_from_file(name: str, state, arrays: dict) -> np.random.RandomState:
    keys = arrays.get(f"{name}.keys")
    if keys is None or keys.dtype != np.uint32 or keys.shape != (624,):
        raise ValueError(f"{name} needs 624 uint32 Mersenne Twister keys")
    if not isinstance(state, list) or len(state) != 3:
        raise ValueError(f"{name} must be saved as [pos, has_gauss, cached_gaussian]")
    pos, has_gauss, cached = state
    if not (isinstance(pos, int) and 0 <= pos <= 624 and has_gauss in (0, 1)):
        raise ValueError(f"{name}: bad generator position")
    generator = np.random.RandomState()
    generator.set_state(("MT19937", keys, pos, has_gauss, float(cached)))
    return generator


def _estimator_class(name):
    module = _ESTIMATORS.get(name) if isinstance(name, str) else None
    if module is None:
        raise ValueError(f"unknown estimator {name!r}")
    return getattr(importlib.import_module(module), name)


def _check_shape(name: str, array: np.ndarray, spec, sizes: dict) -> None:
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}")
    if isinstance(spec, list):
        # The first shape with the array's number of dimensions decides.
        matching = [s for s in spec if len(s) == array.ndim]
        spec = matching[0] if matching else spec[0]
    if array.ndim != len(spec):
        raise ValueError(f"{name} must have {len(spec)} dimension(s), got {array.ndim}")
    for axis, (dim, size) in enumerate(zip(spec, array.shape, strict=True)):
        if isinstance(dim, str):
            expected = sizes.setdefault(dim, size)
        else:
            expected = size if dim is None else dim
        if size != expected:
            raise ValueError(f"{name} has {size} entries along axis {axis}, expected {expected}")


def estimator_from_parts(meta: dict, arrays: dict):
    cls = _estimator_class(meta.get("estimator"))
    est = cls()
    set_params_from_json(est, meta.get("params"))
    n_features = meta.get("n_features_in")
    if not isinstance(n_features, int) or isinstance(n_features, bool) or n_features < 1:
        raise ValueError("n_features_in must be a positive int")
    est.n_features_in_ = n_features
    names = feature_names_from_file(meta, n_features)
    if names is not None:
        est.feature_names_in_ = names
    sizes = {"features": n_features}
    if issubclass(cls, ClassifierMixin):
        est.classes_ = classes_from_file(meta, arrays)
        sizes["classes"] = len(est.classes_)
    for name, spec in cls._fitted_arrays.items():
        if name not in arrays and name in cls._optional_arrays:
            setattr(est, name, None)
            continue
        if name not in arrays:
            raise ValueError(f"the file has no {name}")
        _check_shape(name, arrays[name], spec, sizes)
        setattr(est, name, arrays[name])
    scalars = meta.get("scalars")
    required = set(cls._fitted_scalars) - set(cls._optional_scalars)
    if not isinstance(scalars, dict) or not required <= set(scalars) <= set(cls._fitted_scalars):
        raise ValueError(
            f"scalars must hold {sorted(required)} (and at most {cls._fitted_scalars})"
        )
    for name, value in scalars.items():
        setattr(est, name, _scalar(value))
    random_states = meta.get("random_states", {})
    if not isinstance(random_states, dict) or not set(random_states) <= set(cls._random_states):
        raise ValueError(f"random_states may only hold {sorted(cls._random_states)}")
    for name, state in random_states.items():
        setattr(est, name, _random_state_from_file(name, state, arrays))
    check = getattr(est, "_check_loaded_state", None)
    if check is not None:
        check()
    return est


def estimator_from_bytes(data):
    return load(data, expected_kind=KIND)
