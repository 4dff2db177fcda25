"""What the least-squares regressors share: targets, weighted centring, the fitted shapes.

Centring is how an unpenalised intercept is fitted: with weighted means
``x̄ = Σ sᵢ xᵢ / S`` and ``ȳ``, the slope of the centred problem is the slope of
the full one and the intercept is ``ȳ − x̄ · w``. Dense X is centred in a copy;
sparse X never is (that would densify it): the solvers apply the centring
implicitly through :func:`centred_operator`.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from mlarsenal._validation import check_consistent_length, check_finite, check_sample_weight


def check_targets(y, n_samples: int) -> tuple[np.ndarray, bool]:
    """(y as a float64 (n, t) matrix, whether y was 1-d)."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    array = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError("Unknown label type: y must hold numbers for a regressor") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"Unknown label type: y must hold numbers, got dtype {array.dtype}")
    if array.ndim not in (1, 2):
        raise ValueError(f"y must be 1-d or 2-d, got shape {array.shape}")
    check_consistent_length(X=np.empty(n_samples), y=array)
    check_finite(array, "y")
    one_target = array.ndim == 1
    matrix = array.astype(np.float64).reshape(n_samples, -1)
    if matrix.shape[1] == 0:
        raise ValueError("y has no target columns")
    return matrix, one_target


def check_weights(sample_weight, n_samples: int) -> np.ndarray | None:
    return check_sample_weight(
        sample_weight, n_samples, only_non_negative=True, allow_all_zero=False
    )


def weighted_means(X, Y, weight):
    """(x̄, ȳ) under the sample weights (plain means without them)."""
    if weight is None:
        x_mean = np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
        return x_mean, Y.mean(axis=0)
    total = weight.sum()
    x_mean = np.asarray(X.T @ weight, dtype=np.float64).ravel() / total
    return x_mean, (weight @ Y) / total


def centred_dense(X, Y, weight, fit_intercept: bool):
    """(X', Y', x̄, ȳ): float64 copies centred when fit_intercept and scaled by √s,
    so that ordinary least squares on (X', Y') is the weighted problem."""
    d = X.shape[1]
    if fit_intercept:
        x_mean, y_mean = weighted_means(X, Y, weight)
        Xc = np.subtract(X, x_mean, dtype=np.float64)
        Yc = Y - y_mean
    else:
        x_mean, y_mean = np.zeros(d), np.zeros(Y.shape[1])
        Xc, Yc = np.array(X, dtype=np.float64), Y.copy()
    if weight is not None:
        root = np.sqrt(weight)[:, None]
        Xc *= root
        Yc *= root
    return Xc, Yc, x_mean, y_mean


def centred_operator(X: sp.spmatrix, weight, x_mean) -> LinearOperator:
    """``diag(√s) (X − 1 x̄ᵀ)`` as a LinearOperator: sparse X stays sparse."""
    n, d = X.shape
    root = np.ones(n) if weight is None else np.sqrt(weight)

    def matvec(v):
        v = np.ravel(v)
        return root * (X @ v - x_mean @ v)

    def rmatvec(u):
        u = np.ravel(u) * root
        return X.T @ u - x_mean * u.sum()

    return LinearOperator((n, d), matvec=matvec, rmatvec=rmatvec, dtype=np.float64)


def set_fitted(est, coef, x_mean, y_mean, fit_intercept: bool, one_target: bool, dtype) -> None:
    """coef_ ((d,) for 1-d y, else (t, d)) and intercept_ (float, else (t,)) on `est`."""
    coef = np.atleast_2d(coef)
    intercept = y_mean - coef @ x_mean if fit_intercept else np.zeros(coef.shape[0])
    if one_target:
        est.coef_ = coef[0].astype(dtype)
        est.intercept_ = float(intercept[0]) if fit_intercept else 0.0
    else:
        est.coef_ = np.ascontiguousarray(coef, dtype=dtype)
        est.intercept_ = intercept.astype(dtype)


class LinearPredictionMixin:
    """``predict``: ``X @ coef_.T + intercept_``, dense or sparse X."""

    _sparse_format = "csr"

    def predict(self, X):
        from sklearn.utils.validation import check_is_fitted

        from mlarsenal._validation.sparse import validate_matrix

        check_is_fitted(self)
        X = validate_matrix(self, X, reset=False, sparse_format=self._sparse_format)
        coef = np.asarray(self.coef_)
        scores = X @ coef.T.astype(X.dtype, copy=False) + np.asarray(self.intercept_, X.dtype)
        return np.asarray(scores)

    # Shapes for the model file (mlarsenal/_serialization/array_models.py):
    # one target gives 1-d coef_ and a scalar intercept_, several give 2-d and 1-d.
    _fitted_arrays: ClassVar[dict] = {
        "coef_": [("features",), ("targets", "features")],
        "intercept_": [(), ("targets",)],
    }

    def _check_loaded_state(self):
        if np.ndim(self.intercept_) == 0:
            if np.ndim(self.coef_) != 1:
                raise ValueError("a scalar intercept_ goes with a 1-d coef_")
            self.intercept_ = float(self.intercept_)
        elif np.ndim(self.coef_) != 2:
            raise ValueError("an intercept_ per target goes with a 2-d coef_")


def penalised_least_squares(A, t, alpha: float, *, positive: bool, tol: float, max_iter: int):
    """(w, iterations) minimising ``½‖A w − t‖² + ½ α ‖w‖²`` (``w ≥ 0`` when positive)
    with mlarsenal's native L-BFGS; A is a matrix or a LinearOperator."""
    from mlarsenal.optimize import minimize

    d = A.shape[1]

    def objective(w):
        residual = A @ w - t
        return 0.5 * (residual @ residual + alpha * (w @ w)), A.T @ residual + alpha * w

    bounds = [(0.0, None)] * d if positive else None
    result = minimize(
        objective, np.zeros(d), bounds=bounds,
        options={"gtol": tol, "ftol": 64 * np.finfo(float).eps, "maxiter": max_iter},
    )  # fmt: skip
    return result.x, int(result.nit)


GRAM_BLOCK_ROWS = 8192


def centred_gram(X: np.ndarray, Y: np.ndarray, weight, x_mean, y_mean):
    """(Xcᵀ W Xc, Xcᵀ W Yc) of dense X, centring one block of rows at a time:
    the same numbers as from a centred copy, without the copy of X."""
    d, t = X.shape[1], Y.shape[1]
    gram, moments = np.zeros((d, d)), np.zeros((d, t))
    for start in range(0, X.shape[0], GRAM_BLOCK_ROWS):
        rows = slice(start, start + GRAM_BLOCK_ROWS)
        block = np.subtract(X[rows], x_mean, dtype=np.float64)
        targets = Y[rows] - y_mean
        weighted = block if weight is None else block * weight[rows, None]
        gram += weighted.T @ block
        moments += weighted.T @ targets
    return gram, moments
