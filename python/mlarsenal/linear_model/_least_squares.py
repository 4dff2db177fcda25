"""LinearRegression: ordinary (weighted) least squares."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh, lstsq
from scipy.optimize import nnls
from scipy.sparse.linalg import lsqr
from sklearn.base import BaseEstimator, RegressorMixin

from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._validation.scalars import is_real
from mlarsenal._validation.sparse import validate_matrix
from mlarsenal.linear_model._regression_data import (
    LinearPredictionMixin,
    centred_dense,
    centred_gram,
    centred_operator,
    check_targets,
    check_weights,
    penalised_least_squares,
    set_fitted,
    weighted_means,
)


class LinearRegression(ArrayModelMixin, LinearPredictionMixin, RegressorMixin, BaseEstimator):
    """Ordinary least squares, as scikit-learn's: ``min_w Σ sᵢ (yᵢ − xᵢ·w − b)²``.

    Dense X is solved through its normal equations when it is well conditioned
    (condition number below 1e4) and with LAPACK's least squares otherwise (the
    minimum-norm solution when X is rank deficient); ``rank_`` and
    ``singular_`` (X's singular values) are reported either way. Scipy
    sparse X with LSQR on the implicitly centred matrix, never densified
    (``tol`` is its stopping tolerance); ``positive=True`` with non-negative
    least squares (dense) or the native bounded L-BFGS (sparse). y may have several columns.

    >>> import numpy as np
    >>> from mlarsenal.linear_model import LinearRegression
    >>> X = np.array([[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 3.0]])
    >>> reg = LinearRegression().fit(X, X @ [1.0, 2.0] + 3.0)
    >>> reg.coef_.round(6), round(reg.intercept_, 6)
    (array([1., 2.]), 3.0)
    >>> reg.predict([[3.0, 5.0]]).round(6)
    array([16.])
    """

    _fitted_arrays: ClassVar[dict] = LinearPredictionMixin._fitted_arrays | {"singular_": [(None,)]}
    _fitted_scalars = ("rank_",)

    def __init__(self, *, fit_intercept=True, copy_X=True, tol=1e-6, n_jobs=None, positive=False):
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.tol = tol
        self.n_jobs = n_jobs
        self.positive = positive

    def fit(self, X, y, sample_weight=None):
        if not is_real(self.tol) or not self.tol >= 0:
            raise ValueError(f"tol must be a number >= 0, got {self.tol!r}")
        X = validate_matrix(self, X, reset=True, sparse_format="csr")
        Y, one_target = check_targets(y, X.shape[0])
        weight = check_weights(sample_weight, X.shape[0])
        fit_intercept = bool(self.fit_intercept)
        self.rank_ = None
        self.singular_ = np.zeros(0)
        if sp.issparse(X):
            x_mean, y_mean = (
                weighted_means(X, Y, weight)
                if fit_intercept
                else (np.zeros(X.shape[1]), np.zeros(Y.shape[1]))
            )
            A = centred_operator(X, weight, x_mean)
            root = 1.0 if weight is None else np.sqrt(weight)[:, None]
            targets = (Y - y_mean) * root
            tol = float(self.tol)
            if self.positive:
                coef = np.vstack([
                    penalised_least_squares(A, t, 0.0, positive=True, tol=tol, max_iter=15000)[0]
                    for t in targets.T
                ])  # fmt: skip
            else:
                coef = np.vstack([lsqr(A, t, atol=tol, btol=tol)[0] for t in targets.T])
        else:
            if self.positive:
                Xc, Yc, x_mean, y_mean = centred_dense(X, Y, weight, fit_intercept)
                coef = np.vstack([nnls(Xc, t)[0] for t in Yc.T])
            else:
                x_mean, y_mean, coef, self.rank_, self.singular_ = _least_squares(
                    X, Y, weight, fit_intercept
                )
        set_fitted(self, coef, x_mean, y_mean, fit_intercept, one_target, X.dtype)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags


# The normal equations are solved when X's condition number is below 1e4 (the
# Gram matrix's below 1e8): their error, about cond(X)² ε, is then under 1e-8
# relative, and forming XᵀX costs a fraction of an SVD of X.
GRAM_MIN_EIGENVALUE_RATIO = 1e-8


def _least_squares(X, Y, weight, fit_intercept):
    """(x̄, ȳ, coef (t, d), rank, singular values of the centred X) of weighted OLS."""
    n, d = X.shape
    if fit_intercept:
        x_mean, y_mean = weighted_means(X, Y, weight)
    else:
        x_mean, y_mean = np.zeros(d), np.zeros(Y.shape[1])
    if n >= d:
        gram, moments = centred_gram(X, Y, weight, x_mean, y_mean)
        eigenvalues, vectors = eigh(gram, check_finite=False)
        if eigenvalues[0] > GRAM_MIN_EIGENVALUE_RATIO * eigenvalues[-1] > 0:
            coef = (vectors / eigenvalues) @ (vectors.T @ moments)
            return x_mean, y_mean, coef.T, d, np.sqrt(eigenvalues[::-1])
    Xc, Yc, x_mean, y_mean = centred_dense(X, Y, weight, fit_intercept)
    # Singular values below max(n, d) ε of the largest are rounding noise, not rank.
    cutoff = max(Xc.shape) * np.finfo(np.float64).eps
    solution, _, rank, singular = lstsq(Xc, Yc, cond=cutoff, check_finite=False)
    return x_mean, y_mean, solution.T, int(rank), singular
