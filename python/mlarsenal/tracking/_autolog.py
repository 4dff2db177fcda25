"""Automatic logging of mlarsenal estimators' fits (``tracking.autolog()``).

Enabling wraps the ``fit`` of every public mlarsenal estimator class (those of
the subpackages ``import mlarsenal`` lists, except ``optim``: torch optimizers
are no estimators); disabling restores the originals. A wrapped fit records,
in the active run (or in a run of its own, named after the class, when none is
active): the estimator's params, its class, the training data's fingerprint,
the fit time, the fitted scalar attributes (``n_iter_``, ``inertia_``...),
gradient boosting's per-iteration ``train_score_``/``validation_score_`` as
metric histories, and the fitted model file. Logging never breaks a fit: a
failure to log is a warning on the "mlarsenal.tracking" logger.
"""

from __future__ import annotations

import functools
import importlib
import logging
import numbers
import threading
import time

import numpy as np

from mlarsenal.registry._lineage import data_fingerprint
from mlarsenal.registry._registry import _check_params
from mlarsenal.tracking._runs import (
    FAILED,
    FINISHED,
    KILLED,
    MODEL_ARTIFACT,
    active_run,
    start_run,
)

logger = logging.getLogger("mlarsenal.tracking")

_SKIPPED_PACKAGES = ("optim",)
_SERIES = {"train_score_": "train_score", "validation_score_": "validation_score"}
_NOT_METRICS = ("n_features_in_",)
_MISSING = object()

_lock = threading.Lock()
_settings = {"enabled": False, "log_models": True, "registry": None}
_originals: dict[type, object] = {}  # class -> its own `fit` before patching (or _MISSING)
_inside = threading.local()  # an outer logged fit does not log the fits it makes


def autolog(enable: bool = True, *, log_models: bool = True, registry=None) -> None:
    """Log every mlarsenal estimator fit automatically (``enable=False`` stops it).

    log_models: also store each fitted model file as the run's
    ``model.mlarsenal`` artifact. registry: where runs started by autolog go
    (a Registry or its root; default ``Registry()``); fits inside an active
    run log into that run's store.
    """
    with _lock:
        _settings.update(enabled=bool(enable), log_models=bool(log_models), registry=registry)
        if enable:
            for cls in _estimator_classes():
                if cls not in _originals:
                    _originals[cls] = cls.__dict__.get("fit", _MISSING)
                    cls.fit = _logged(cls.fit)
        else:
            for cls, original in _originals.items():
                if original is _MISSING:
                    del cls.fit
                else:
                    cls.fit = original
            _originals.clear()


def _estimator_classes():
    from sklearn.base import BaseEstimator

    import mlarsenal

    for package in mlarsenal._SUBPACKAGES:
        if package in _SKIPPED_PACKAGES:
            continue
        try:
            module = importlib.import_module(f"mlarsenal.{package}")
        except ImportError:  # a subpackage whose optional dependency is missing
            continue
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, BaseEstimator) and hasattr(obj, "fit"):
                yield obj


def _logged(fit):
    @functools.wraps(fit)
    def logged_fit(self, X, *args, **kwargs):
        if not _settings["enabled"] or getattr(_inside, "active", False):
            return fit(self, X, *args, **kwargs)
        _inside.active = True
        try:
            return _fit_and_log(fit, self, X, args, kwargs)
        finally:
            _inside.active = False

    return logged_fit


def _fit_and_log(fit, estimator, X, args, kwargs):
    run = active_run()
    own_run = None
    if run is None:
        own_run = run = start_run(
            type(estimator).__name__,
            registry=_settings["registry"],
            tags={"mlarsenal.autolog": "true"},
        )
    started = time.perf_counter()
    try:
        result = fit(estimator, X, *args, **kwargs)
    except BaseException as exc:
        if own_run is not None:
            own_run.end(KILLED if isinstance(exc, KeyboardInterrupt) else FAILED)
        raise
    seconds = time.perf_counter() - started
    try:
        y = args[0] if args else kwargs.get("y")
        _log_fit(run, estimator, X, y, seconds)
    except Exception as exc:
        logger.warning("autolog could not record the fit of %s: %s", type(estimator).__name__, exc)
    finally:
        if own_run is not None:
            own_run.end(FINISHED)
    return result


def _log_fit(run, estimator, X, y, seconds: float) -> None:
    cls = type(estimator)
    tags = {
        "mlarsenal.estimator": f"{cls.__module__.split('._')[0]}.{cls.__name__}",
        "mlarsenal.data_fingerprint": data_fingerprint(X, y),
    }
    metrics = [("fit_time_s", 0, float(seconds))]
    for name, value in vars(estimator).items():
        if not name.endswith("_") or name.startswith("_") or name in _NOT_METRICS:
            continue
        if isinstance(value, np.generic) and value.ndim == 0:
            value = value.item()
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            metrics.append((name.rstrip("_"), 0, float(value)))
    for attribute, key in _SERIES.items():
        series = getattr(estimator, attribute, None)
        if isinstance(series, np.ndarray) and series.ndim == 1:
            metrics += [(key, step, float(v)) for step, v in enumerate(series)]
    # Several fits in one run: the last one's params stand.
    run._log(
        params=_check_params(estimator.get_params(deep=False)),
        metrics=metrics,
        tags=tags,
        replace_params=True,
    )
    if _settings["log_models"] and callable(getattr(estimator, "to_bytes", None)):
        run.log_bytes(estimator.to_bytes(), MODEL_ARTIFACT)
