"""Lasso and ElasticNet on the native coordinate-descent solver.

Both minimise scikit-learn's objective

    (1 / (2 n)) ||y - X w - b||^2 + alpha * l1_ratio * ||w||_1
    + 0.5 * alpha * (1 - l1_ratio) * ||w||^2

(Lasso: l1_ratio = 1). Sample weights are rescaled to sum to n and enter as
rows scaled by their square roots, as in scikit-learn. X is never modified
or densified: dense X is centred by the solver column by column as it copies
the working set's columns, sparse X (any format, converted to CSC once) is
centred implicitly. The solver (``_core.linear.elastic_net_*``) is described
in cpp/include/mlarsenal/linear/coordinate_descent.hpp.
"""

from __future__ import annotations

import warnings
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from mlarsenal import _core
from mlarsenal._params import store_params
from mlarsenal._serialization.array_models import ArrayModelMixin
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import (
    check_array,
    check_consistent_length,
    check_finite,
    check_sample_weight,
    validate_features,
)
from mlarsenal._validation.sparse import validate_matrix
from mlarsenal.linear_model._cd_params import DEFAULTS, check_params, penalty_strengths

_FLOATS = (np.float64, np.float32)


class _Design:
    """X as the solver takes it, with the column means it centres by (None: no centring)."""

    def __init__(self, X, sample_weight, fit_intercept: bool):
        n = X.shape[0]
        weight = None if sample_weight is None else sample_weight * (n / sample_weight.sum())
        self.row_scale = None if weight is None else np.sqrt(weight)
        self.dtype = X.dtype
        self.sparse = sp.issparse(X)
        self.x_mean = None
        if fit_intercept and (weight is not None or self.sparse):
            self.x_mean = _column_means(X, weight)
        if self.sparse:
            self._init_sparse(X)
        else:
            self._init_dense(X, fit_intercept)
        self.y_weight = weight

    def _init_sparse(self, X) -> None:
        values = X.data
        if self.row_scale is not None:
            values = values * self.row_scale[X.indices].astype(values.dtype)
        self.values = np.ascontiguousarray(values)
        self.indices = X.indices.astype(np.int64)
        self.indptr = X.indptr.astype(np.int64)
        self.n_rows = X.shape[0]

    def _init_dense(self, X, fit_intercept: bool) -> None:
        if self.row_scale is None:
            # The solver centres and reports the means (solve fills x_mean).
            self.X = X
            self.native_centres = fit_intercept
            return
        # Weighted: centre by the weighted means, then scale the rows (a copy,
        # as scikit-learn makes; X's memory order is kept).
        scale = self.row_scale.astype(X.dtype)[:, None]
        centred = X - self.x_mean.astype(X.dtype) if self.x_mean is not None else X
        self.X = np.asarray(centred * scale, order="K")
        self.native_centres = False

    def solve(self, y, coef, *, l1, l2, tol, max_iter, positive, seed, random, n_threads):
        """Fits one target (centred, weighted as the rows); coef is updated in place."""
        options = dict(
            l1=l1, l2=l2, tol=tol, max_iter=max_iter, positive=positive,
            random=random, seed=seed, screening=True, n_threads=n_threads,
        )  # fmt: skip
        if self.sparse:
            return _core.linear.elastic_net_sparse(
                self.values, self.indices, self.indptr, self.n_rows, y, coef,
                self.x_mean, self.row_scale, **options,
            )  # fmt: skip
        mean = np.empty(self.X.shape[1]) if self.native_centres else None
        result = _core.linear.elastic_net_dense(self.X, y, coef, mean, fuse_updates=True, **options)
        if mean is not None:
            self.x_mean = mean
        return result


def _column_means(X, weight) -> np.ndarray:
    if weight is None:
        return np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
    means = X.T @ weight if sp.issparse(X) else weight @ X
    return np.asarray(means, dtype=np.float64).ravel() / weight.sum()


def _check_X(estimator, X, *, reset: bool):
    """Dense X (float32 kept, C or F contiguous) or CSC X; sets n_features_in_ when reset."""
    if sp.issparse(X):
        return validate_matrix(estimator, X, reset=reset, dtype=_FLOATS, sparse_format="csc")
    # Non-finite values are caught by the solver's first pass over X, which
    # saves a pass here (fit reads X three times in all on big data).
    X = validate_features(estimator, X, reset=reset, dtype=_FLOATS, allow_nan=True, allow_inf=True)
    if not (X.flags.c_contiguous or X.flags.f_contiguous):
        X = np.ascontiguousarray(X)
    return X


class _CoordinateDescentRegressor(ArrayModelMixin, MultiOutputMixin, RegressorMixin, BaseEstimator):
    """Shared fit/predict of Lasso and ElasticNet; subclasses fix the parameters."""

    # The model file's declaration (mlarsenal/_serialization/array_models.py): one
    # target gives 1-d coef_ and scalars, several give one row / entry per target.
    _fitted_arrays: ClassVar[dict] = {
        "coef_": [("features",), ("targets", "features")],
        "intercept_": [(), ("targets",)],
        "n_iter_": [(), ("targets",)],
        "dual_gap_": [(), ("targets",)],
    }

    def _check_loaded_state(self):
        one_target = np.ndim(self.coef_) == 1
        per_target = ("intercept_", "n_iter_", "dual_gap_")
        if any((np.ndim(getattr(self, name)) == 0) != one_target for name in per_target):
            raise ValueError("coef_, intercept_, n_iter_ and dual_gap_ disagree on the targets")
        if one_target:
            self.intercept_ = self.coef_.dtype.type(self.intercept_)
            self.n_iter_, self.dual_gap_ = int(self.n_iter_), float(self.dual_gap_)
        else:
            self.n_iter_ = [int(n) for n in self.n_iter_]

    def _l1_ratio(self) -> float:
        raise NotImplementedError

    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit by coordinate descent; ``check_input`` is accepted for scikit-learn parity."""
        check_params(self, has_l1_ratio=hasattr(self, "l1_ratio"))
        n_threads = effective_n_jobs(self.n_jobs)
        X = _check_X(self, X, reset=True)
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        if hasattr(y, "to_numpy") and not isinstance(y, np.ndarray):
            y = y.to_numpy()  # pandas / polars Series and frames
        Y = check_array(y, name="y", dtype=np.float64, ensure_2d=False)
        if Y.ndim > 2:
            raise ValueError(f"y must be 1-d or 2-d, got an array of shape {Y.shape}")
        check_consistent_length(X=X, y=Y)
        n, p = X.shape
        weight = check_sample_weight(sample_weight, n, only_non_negative=True)
        if weight is not None and not weight.sum() > 0:
            raise ValueError("sample_weight sums to zero; nothing to fit")

        fit_intercept = bool(self.fit_intercept)
        design = _Design(X, weight, fit_intercept)
        Y2 = Y.reshape(n, -1)
        n_targets = Y2.shape[1]
        y_mean = _target_means(Y2, design.y_weight) if fit_intercept else np.zeros(n_targets)
        coef = self._initial_coef(n_targets, p)
        l1, l2 = penalty_strengths(self.alpha, self._l1_ratio())
        random = self.selection == "random"
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1)) if random else 0

        gaps, n_iters = np.zeros(n_targets), []
        for k in range(n_targets):
            yk = Y2[:, k] - y_mean[k]
            if design.row_scale is not None:
                yk = yk * design.row_scale
            yk = np.ascontiguousarray(yk, dtype=np.float64)
            gap, n_iter, converged = design.solve(
                yk, coef[k], l1=l1, l2=l2, tol=float(self.tol), max_iter=int(self.max_iter),
                positive=bool(self.positive), seed=seed, random=random, n_threads=n_threads,
            )  # fmt: skip
            gaps[k] = gap
            n_iters.append(int(n_iter))
            if not converged:
                warnings.warn(
                    f"Objective did not converge after {n_iter} epochs; duality gap {gap:.3e}. "
                    "Increase max_iter or tol, or scale the features.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
        x_mean = design.x_mean if design.x_mean is not None else np.zeros(p)
        intercept = y_mean - coef @ x_mean if fit_intercept else np.zeros(n_targets)
        self.coef_ = (coef[0] if n_targets == 1 else coef).astype(X.dtype)
        self.intercept_ = (
            X.dtype.type(intercept[0]) if n_targets == 1 else intercept.astype(X.dtype)
        )
        self.n_iter_ = n_iters[0] if n_targets == 1 else n_iters
        self.dual_gap_ = float(gaps[0]) if n_targets == 1 else gaps
        return self

    def _initial_coef(self, n_targets: int, n_features: int) -> np.ndarray:
        """Zeros, or the previous solution when warm_start and the shapes agree (float64, C)."""
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is not None:
            previous = np.atleast_2d(previous)
            if previous.shape == (n_targets, n_features):
                return np.array(previous, dtype=np.float64, order="C")
        return np.zeros((n_targets, n_features))

    def predict(self, X):
        """X @ coef_.T + intercept_ (dense or sparse X)."""
        check_is_fitted(self)
        X = _check_X(self, X, reset=False)
        if not sp.issparse(X):
            check_finite(X, "X")
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = False
        return tags


def _target_means(Y2: np.ndarray, weight) -> np.ndarray:
    if weight is None:
        return Y2.mean(axis=0)
    return (weight @ Y2) / weight.sum()


class ElasticNet(_CoordinateDescentRegressor):
    """Linear regression with combined L1 and L2 penalties, as scikit-learn's ElasticNet.

    Minimises ``(1 / (2 n)) ||y - X w - b||^2 + alpha * l1_ratio * ||w||_1
    + 0.5 * alpha * (1 - l1_ratio) * ||w||^2`` by coordinate descent with
    working sets and gap-safe screening, stopping as scikit-learn does (the
    largest coefficient change below ``tol`` times the largest coefficient,
    then the duality gap below ``tol * ||y||^2 / n``). Dense (float32 kept
    as float32) and sparse X; 2-d y fits one model per column. ``n_jobs``
    native threads run the passes over X (results do not depend on it).
    ``precompute`` must be False; ``copy_X`` has no effect: X is never
    modified.

    >>> import numpy as np
    >>> from mlarsenal.linear_model import ElasticNet
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> model.coef_.round(3)
    array([0.923, 0.   ])
    >>> round(float(model.intercept_), 3)
    0.115
    """

    def __init__(
        self,
        alpha=DEFAULTS["alpha"],
        *,
        l1_ratio=DEFAULTS["l1_ratio"],
        fit_intercept=DEFAULTS["fit_intercept"],
        precompute=DEFAULTS["precompute"],
        max_iter=DEFAULTS["max_iter"],
        copy_X=DEFAULTS["copy_X"],
        tol=DEFAULTS["tol"],
        warm_start=DEFAULTS["warm_start"],
        positive=DEFAULTS["positive"],
        random_state=DEFAULTS["random_state"],
        selection=DEFAULTS["selection"],
        n_jobs=DEFAULTS["n_jobs"],
    ):
        store_params(self, locals())

    def _l1_ratio(self) -> float:
        return float(self.l1_ratio)


class Lasso(_CoordinateDescentRegressor):
    """Linear regression with an L1 penalty, as scikit-learn's Lasso.

    Minimises ``(1 / (2 n)) ||y - X w - b||^2 + alpha * ||w||_1``: ElasticNet
    with ``l1_ratio=1`` (same solver, parameters and fitted attributes).

    >>> import numpy as np
    >>> from mlarsenal.linear_model import Lasso
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> model = Lasso(alpha=0.1).fit(X, [0.0, 1.0, 2.0, 3.0])
    >>> model.coef_.round(3)
    array([0.92, 0.  ])
    >>> model.predict([[4.0, 0.0]]).round(3)
    array([3.8])
    """

    def __init__(
        self,
        alpha=DEFAULTS["alpha"],
        *,
        fit_intercept=DEFAULTS["fit_intercept"],
        precompute=DEFAULTS["precompute"],
        copy_X=DEFAULTS["copy_X"],
        max_iter=DEFAULTS["max_iter"],
        tol=DEFAULTS["tol"],
        warm_start=DEFAULTS["warm_start"],
        positive=DEFAULTS["positive"],
        random_state=DEFAULTS["random_state"],
        selection=DEFAULTS["selection"],
        n_jobs=DEFAULTS["n_jobs"],
    ):
        store_params(self, locals())

    def _l1_ratio(self) -> float:
        return 1.0
