"""Estimators whose fitted state is a few arrays and scalars, in the model file format
(kind "array_model"): the linear models and naive Bayes.

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
    "ElasticNet": "mlarsenal.linear_model",
    "Lasso": "mlarsenal.linear_model",
    "LinearRegression": "mlarsenal.linear_model",
    "LinearSVC": "mlarsenal.linear_model",
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
    # Arrays that may be None (e.g. averaged weights when averaging is off).
    _optional_arrays: tuple = ()


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
        "scalars": {name: _scalar(getattr(est, name)) for name in est._fitted_scalars},
    }
    arrays = {}
    for name in est._fitted_arrays:
        if getattr(est, name, None) is not None:
            # np.array, not ascontiguousarray, which would make a 0-d value 1-d.
            arrays[name] = np.array(getattr(est, name), order="C")
    if hasattr(est, "classes_"):
        classes_to_file(est.classes_, meta, arrays)
    return dumps(KIND, meta, arrays)


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
    if not isinstance(scalars, dict) or set(scalars) != set(cls._fitted_scalars):
        raise ValueError(f"scalars must hold exactly {sorted(cls._fitted_scalars)}")
    for name, value in scalars.items():
        setattr(est, name, _scalar(value))
    check = getattr(est, "_check_loaded_state", None)
    if check is not None:
        check()
    return est


def estimator_from_bytes(data):
    return load(data, expected_kind=KIND)
