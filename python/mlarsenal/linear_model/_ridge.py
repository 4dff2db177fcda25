"""Ridge: least squares with an L2 penalty, closed form or iterative."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from scipy.linalg import LinAlgError, solve, svd
from scipy.sparse.linalg import LinearOperator, cg, lsqr
from sklearn.base import BaseEstimator, RegressorMixin

from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._validation.scalars import is_int, is_real
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

SOLVERS = ("auto", "cholesky", "svd", "sparse_cg", "lsqr", "lbfgs")
# Sparse X with at most this many features is solved through its d x d Gram matrix.
SPARSE_GRAM_MAX_FEATURES = 4096


class Ridge(ArrayModelMixin, LinearPredictionMixin, RegressorMixin, BaseEstimator):
    """Ridge regression, as scikit-learn's: ``min_w Σ sᵢ (yᵢ − xᵢ·w − b)² + α ‖w‖²``.

    Solvers: ``"cholesky"`` (the d x d normal equations, or the n x n kernel
    form when there are more features than rows), ``"svd"``, and the iterative
    ``"sparse_cg"``, ``"lsqr"`` and ``"lbfgs"`` (mlarsenal's native L-BFGS;
    the only one for ``positive=True``). ``"auto"`` takes lbfgs for positive
    coefficients, cholesky for dense X and for sparse X with at most
    4,096 features (its Gram matrix is formed sparsely), sparse_cg otherwise.
    Sparse X is never densified: the intercept is fitted by centring it
    implicitly. ``alpha`` may hold one value per target.

    >>> import numpy as np
    >>> from mlarsenal.linear_model import Ridge
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> reg = Ridge(alpha=1.0).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> round(float(reg.coef_[0]), 6), round(reg.intercept_, 6)
    (0.833333, 0.25)
    """

    _fitted_scalars = ("solver_",)
    _fitted_arrays: ClassVar[dict] = LinearPredictionMixin._fitted_arrays | {"n_iter_": [(None,)]}

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        copy_X=True,
        max_iter=None,
        tol=1e-4,
        solver="auto",
        positive=False,
        random_state=None,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        self._check_params()
        X = validate_matrix(self, X, reset=True, sparse_format="csr")
        Y, one_target = check_targets(y, X.shape[0])
        alphas = self._alphas(Y.shape[1])
        weight = check_weights(sample_weight, X.shape[0])
        solver = self._choose_solver(X)
        if solver == "svd" and sp.issparse(X):
            raise TypeError('solver="svd" needs dense X; use "auto" for sparse X')
        fit_intercept = bool(self.fit_intercept)
        iterations = np.zeros(0, dtype=np.int32)
        dense = not sp.issparse(X)
        if solver == "svd" or (solver == "cholesky" and dense and X.shape[0] < X.shape[1]):
            Xc, Yc, x_mean, y_mean = centred_dense(X, Y, weight, fit_intercept)
            coef = _svd(Xc, Yc, alphas) if solver == "svd" else _kernel_form(Xc, Yc, alphas)
        else:
            if fit_intercept:
                x_mean, y_mean = weighted_means(X, Y, weight)
            else:
                x_mean, y_mean = np.zeros(X.shape[1]), np.zeros(Y.shape[1])
            if solver == "cholesky" and dense:
                gram, moments = centred_gram(X, Y, weight, x_mean, y_mean)
                coef = _normal_equations(gram, moments, alphas)
            elif solver == "cholesky":
                coef = _cholesky_sparse(X, Y, weight, x_mean, y_mean, alphas)
            else:
                coef, iterations = self._iterative(solver, X, Y, weight, x_mean, y_mean, alphas)
        set_fitted(self, coef, x_mean, y_mean, fit_intercept, one_target, X.dtype)
        self.n_iter_ = iterations
        self.solver_ = solver
        return self

    def _check_params(self) -> None:
        if not isinstance(self.solver, str) or self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {self.solver!r}")
        if not is_real(self.tol) or not self.tol >= 0:
            raise ValueError(f"tol must be a number >= 0, got {self.tol!r}")
        if self.max_iter is not None and (not is_int(self.max_iter) or self.max_iter < 1):
            raise ValueError(f"max_iter must be None or an int >= 1, got {self.max_iter!r}")
        if self.positive and self.solver not in ("auto", "lbfgs"):
            raise ValueError(
                f'positive=True needs solver="lbfgs" (or "auto"), got solver={self.solver!r}'
            )

    def _alphas(self, n_targets: int) -> np.ndarray:
        values = np.asarray(self.alpha)
        if values.dtype.kind not in "iuf" or values.ndim > 1:
            raise ValueError(
                f"alpha must be a number or a 1-d array of numbers, got {self.alpha!r}"
            )
        values = values.astype(np.float64).ravel()
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"alpha must be finite and >= 0, got {self.alpha!r}")
        if values.size == 1:
            return np.full(n_targets, values[0])
        if values.size != n_targets:
            raise ValueError(
                f"alpha has {values.size} values but y has {n_targets} target(s); "
                "give one value, or one per target"
            )
        return values

    def _choose_solver(self, X) -> str:
        if self.solver != "auto":
            return self.solver
        if self.positive:
            return "lbfgs"
        if sp.issparse(X) and X.shape[1] > SPARSE_GRAM_MAX_FEATURES:
            return "sparse_cg"
        return "cholesky"

    def _iterative(self, solver, X, Y, weight, x_mean, y_mean, alphas):
        dense = not sp.issparse(X)
        A = centred_operator(sp.csr_matrix(X) if dense else X, weight, x_mean)
        root = 1.0 if weight is None else np.sqrt(weight)[:, None]
        targets = (Y - y_mean) * root
        tol = float(self.tol)
        coefs, iterations = [], []
        for t, alpha in zip(targets.T, alphas, strict=True):
            if solver == "lbfgs":
                max_iter = 15000 if self.max_iter is None else int(self.max_iter)
                w, nit = penalised_least_squares(
                    A, t, alpha, positive=bool(self.positive), tol=tol, max_iter=max_iter
                )
            elif solver == "lsqr":
                w, _, nit = lsqr(A, t, damp=np.sqrt(alpha), atol=tol, btol=tol,
                                 iter_lim=self.max_iter)[:3]  # fmt: skip
            else:
                w, nit = _conjugate_gradient(A, t, alpha, tol, self.max_iter)
            coefs.append(w)
            iterations.append(nit)
        return np.vstack(coefs), np.asarray(iterations, dtype=np.int32)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.solver != "svd"
        tags.target_tags.multi_output = True
        return tags


def _solve_spd(matrix, rhs):
    try:
        return solve(matrix, rhs, assume_a="pos", check_finite=False)
    except LinAlgError:
        # Singular (alpha = 0 with dependent columns): least squares instead.
        return np.linalg.lstsq(matrix, rhs, rcond=None)[0]


def _normal_equations(gram, moments, alphas):
    d = gram.shape[0]
    return np.vstack(
        [_solve_spd(gram + alpha * np.eye(d), moments[:, j]) for j, alpha in enumerate(alphas)]
    )


def _kernel_form(Xc, Yc, alphas):
    # More features than rows: w = Xᵀ (X Xᵀ + αI)⁻¹ y, an n x n system.
    n = Xc.shape[0]
    kernel = Xc @ Xc.T
    return np.vstack(
        [Xc.T @ _solve_spd(kernel + alpha * np.eye(n), Yc[:, j]) for j, alpha in enumerate(alphas)]
    )


def _cholesky_sparse(X, Y, weight, x_mean, y_mean, alphas):
    # Normal equations of the implicitly centred problem:
    # Xcᵀ W Xc = Xᵀ W X − S x̄ x̄ᵀ and Xcᵀ W (Y − ȳ) = Xᵀ W Y − S x̄ ȳᵀ.
    weighted = X if weight is None else sp.diags(weight) @ X
    total = X.shape[0] if weight is None else weight.sum()
    gram = (X.T @ weighted).toarray() - total * np.outer(x_mean, x_mean)
    moments = np.asarray(weighted.T @ Y) - total * np.outer(x_mean, y_mean)
    return _normal_equations(gram, moments, alphas)


def _svd(Xc, Yc, alphas):
    U, s, Vt = svd(Xc, full_matrices=False, check_finite=False)
    projected = U.T @ Yc
    coef = np.empty((Yc.shape[1], Xc.shape[1]))
    for j, alpha in enumerate(alphas):
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(s > 1e-15 * s.max(initial=0.0), s / (s * s + alpha), 0.0)
        coef[j] = Vt.T @ (shrink * projected[:, j])
    return coef


def _conjugate_gradient(A, t, alpha, tol, max_iter):
    d = A.shape[1]
    normal = LinearOperator((d, d), matvec=lambda v: A.T @ (A @ v) + alpha * v, dtype=np.float64)
    count = [0]

    def count_iteration(_):
        count[0] += 1

    w, info = cg(normal, A.T @ t, rtol=tol, atol=0.0, maxiter=max_iter, callback=count_iteration)
    if info < 0:
        raise ValueError(f"sparse_cg failed (scipy cg info={info})")
    return w, count[0]
