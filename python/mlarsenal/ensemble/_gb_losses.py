"""Losses of gradient boosting: the native kernel's name, the starting raw
prediction, the link the fitted forest applies, and custom objectives.

Built-in losses run natively (cpp/src/gbdt/losses.cpp). A custom objective is
a Python callable ``(y_true, raw_pred) -> (grad, hess)`` on float64 arrays, or
a numba-compiled function that the native code calls without the GIL (see
:mod:`mlarsenal.ensemble._gb_numba`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mlarsenal import _core
from mlarsenal.ensemble._gb_numba import as_native_objective

REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "quantile", "poisson")
CLASSIFICATION_LOSSES = ("log_loss",)
# Losses whose leaves are re-fitted to a quantile of the residuals after the
# tree is grown (the Newton step of a piecewise-linear loss is meaningless).
QUANTILE_REFIT = {"absolute_error": 0.5}


def weighted_quantile(values, weight, q) -> float:
    """Smallest value whose cumulative weight reaches q of the total (q in [0, 1])."""
    order = np.argsort(values, kind="stable")
    values = values[order]
    if weight is None:
        cumulative = np.arange(1, values.size + 1, dtype=np.float64)
    else:
        cumulative = np.cumsum(weight[order])
    at = int(np.searchsorted(cumulative, q * cumulative[-1], side="left"))
    return float(values[min(at, values.size - 1)])


def _weighted_mean(y, weight) -> float:
    return float(np.average(y, weights=weight))


@dataclass(frozen=True)
class Loss:
    """What the boosting loop needs to know about one loss."""

    name: str  # native loss name, or "custom"
    link: str  # the fitted Forest's link: identity, exp, logistic, softmax
    n_outputs: int
    quantile: float = 0.5
    huber_delta: float = 1.0
    # huber_delta=None: re-estimated every iteration as the 90th percentile of
    # the absolute residuals (scikit-learn's GradientBoostingRegressor rule),
    # so the loss adapts to the scale of y.
    adaptive_huber: bool = False
    objective: object = None  # custom objective (Python callable)
    native_objective: object = None  # numba-compiled objective (address holder)

    @property
    def is_custom(self) -> bool:
        return self.name == "custom"

    @property
    def refit_quantile(self) -> float | None:
        if self.name == "quantile":
            return self.quantile
        return QUANTILE_REFIT.get(self.name)

    def with_huber_delta(self, y, raw, rows) -> Loss:
        residual = np.abs(y[rows] - raw[rows, 0])
        delta = float(np.quantile(residual, 0.9))
        return replace(self, huber_delta=max(delta, np.finfo(np.float64).tiny))

    def baseline(self, y, weight) -> np.ndarray:
        """The constant raw prediction that minimises the loss on (y, weight)."""
        if self.is_custom:
            return np.zeros(self.n_outputs)
        if self.name in ("squared_error", "huber"):
            return np.array([_weighted_mean(y, weight)])
        if self.name == "absolute_error":
            return np.array([weighted_quantile(y, weight, 0.5)])
        if self.name == "quantile":
            return np.array([weighted_quantile(y, weight, self.quantile)])
        if self.name == "poisson":
            return np.array([np.log(_weighted_mean(y, weight))])
        eps = np.finfo(np.float64).eps
        if self.name == "log_loss":
            p = np.clip(_weighted_mean(y, weight), eps, 1 - eps)
            return np.array([np.log(p / (1 - p))])
        # softmax: log of the class priors
        counts = np.bincount(y.astype(np.intp), weights=weight, minlength=self.n_outputs)
        prior = np.clip(counts / counts.sum(), eps, 1.0)
        return np.log(prior)

    def gradients(self, y, raw, weight, n_threads, grad, hess) -> None:
        """Fill grad and hess ((k, n) float32) at the raw predictions raw ((n, k) float64)."""
        if self.native_objective is not None:
            _core.gbdt.gradients_cfunc(
                self.native_objective.address, y, raw, weight, n_threads, grad, hess
            )
        elif self.is_custom:
            self._python_gradients(y, raw, weight, grad, hess)
        else:
            _core.gbdt.gradients(
                self.name, y, raw, weight, self.quantile, self.huber_delta, n_threads, grad, hess
            )

    def _python_gradients(self, y, raw, weight, grad, hess) -> None:
        pred = raw[:, 0] if raw.shape[1] == 1 else raw
        result = self.objective(y, pred.copy())
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError("a custom objective must return a tuple (grad, hess)")
        shape = pred.shape
        for name, values, out in (("grad", result[0], grad), ("hess", result[1], hess)):
            values = np.asarray(values, dtype=np.float64)
            if values.shape != shape:
                raise ValueError(
                    f"the custom objective returned {name} of shape {values.shape}, "
                    f"expected {shape}"
                )
            if not np.isfinite(values).all():
                raise ValueError(f"the custom objective returned a non-finite {name}")
            if weight is not None:
                values = values * (weight if values.ndim == 1 else weight[:, None])
            out[:] = values.reshape(len(y), -1).T
        if (hess < 0).any():
            raise ValueError("the custom objective returned a negative hessian")

    def mean_loss(self, y, raw, weight, n_threads) -> float | None:
        if self.is_custom:
            return None
        return _core.gbdt.mean_loss(
            self.name, y, raw, weight, self.quantile, self.huber_delta, n_threads
        )


def regression_loss(loss, quantile, huber_delta) -> Loss:
    if callable(loss) or _is_numba(loss):
        return _custom(loss, "identity", 1)
    if loss not in REGRESSION_LOSSES:
        raise ValueError(f"loss must be one of {REGRESSION_LOSSES} or a callable, got {loss!r}")
    if loss == "quantile" and (quantile is None or not (0 < quantile < 1)):
        raise ValueError(
            f"quantile must be a number in (0, 1) for loss='quantile', got {quantile!r}"
        )
    adaptive = huber_delta is None
    if not adaptive and not (
        isinstance(huber_delta, (int, float)) and huber_delta > 0 and np.isfinite(huber_delta)
    ):
        raise ValueError(f"huber_delta must be None or a number > 0, got {huber_delta!r}")
    link = "exp" if loss == "poisson" else "identity"
    return Loss(
        loss,
        link,
        1,
        quantile=float(quantile or 0.5),
        huber_delta=1.0 if adaptive else float(huber_delta),
        adaptive_huber=adaptive,
    )


def classification_loss(loss, n_classes) -> Loss:
    binary = n_classes == 2
    link, n_outputs = ("logistic", 1) if binary else ("softmax", n_classes)
    if callable(loss) or _is_numba(loss):
        return _custom(loss, link, n_outputs)
    if loss not in CLASSIFICATION_LOSSES:
        raise ValueError(f"loss must be 'log_loss' or a callable, got {loss!r}")
    return Loss("log_loss" if binary else "softmax", link, n_outputs)


def _is_numba(loss) -> bool:
    return type(loss).__module__.startswith("numba")


def _custom(loss, link, n_outputs) -> Loss:
    native = as_native_objective(loss)
    if native is not None and n_outputs != 1:
        raise ValueError("a numba objective supports single-output models only")
    return Loss("custom", link, n_outputs, objective=loss, native_objective=native)
