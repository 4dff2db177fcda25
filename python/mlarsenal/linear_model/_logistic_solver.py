"""The native side of LogisticRegression.fit: L-BFGS on the fused logistic loss, or SAGA."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from mlarsenal import _core
from mlarsenal.linear_model._logistic_sparse import sparse_logistic_objective
from mlarsenal.linear_model._svm_inputs import native_rows

# scikit-learn's LogisticRegression(solver="lbfgs") passes these to L-BFGS-B:
# a tight ftol so that gtol (the estimator's tol) decides convergence, and a
# longer line search than scipy's default of 20 evaluations.
FTOL = 64 * np.finfo(np.float64).eps
MAXLS = 50
MAXCOR = 10
MAXFUN = 15000
# SAGA's seed is drawn from random_state in [0, MAX_SEED), as SGD's are.
MAX_SEED = np.iinfo(np.int32).max


def n_params(n_features: int, n_classes: int, fit_intercept: bool) -> int:
    per_output = n_features + int(fit_intercept)
    return per_output if n_classes == 2 else n_classes * per_output


def solve(X, y_codes, sample_weight, coef0, *, n_classes, fit_intercept, scale, l2, l1, tol,
          max_iter, n_threads, solver="lbfgs", random_state=None):  # fmt: skip
    """Minimise the normalised objective; returns (coef vector, n_iter, objective).

    The objective is scale * sum_i s_i loss_i + 0.5 * l2 * |W|^2 + l1 * |W|_1
    with scale = 1 / sum(s): scikit-learn's, with l2 = 1 / (C sum(s)) for the
    L2 penalty. L-BFGS without an L1 term, OWL-QN with one; dense X is
    evaluated by the fused native loss, scipy sparse X by sparse products.
    solver="saga" runs the native SAGA instead (cpp/include/mlarsenal/linear/saga.hpp).
    """
    if solver == "saga":
        return solve_saga(
            X, y_codes, sample_weight, coef0, n_classes=n_classes, fit_intercept=fit_intercept,
            scale=scale, l2=l2, l1=l1, tol=tol, max_iter=max_iter, n_threads=n_threads,
            random_state=random_state,
        )  # fmt: skip
    if sp.issparse(X):
        fun = sparse_logistic_objective(
            X, y_codes, sample_weight, n_classes=n_classes, fit_intercept=fit_intercept,
            scale=scale, l2=l2,
        )  # fmt: skip
        if l1 > 0:
            weights = np.full(len(coef0), l1)
            if fit_intercept:
                weights[X.shape[1] :: X.shape[1] + 1] = 0.0  # intercepts are not penalised
            result = _core.linear.minimize_owlqn(
                fun, coef0, weights, MAXCOR, FTOL, tol, max_iter, MAXFUN, MAXLS
            )
        else:
            result = _core.linear.minimize_lbfgs(
                fun, coef0, None, None, MAXCOR, FTOL, tol, max_iter, MAXFUN, MAXLS
            )
    else:
        result = _core.linear.fit_logistic(
            X, y_codes, sample_weight, coef0, n_classes, fit_intercept, scale, l2, l1,
            MAXCOR, FTOL, tol, max_iter, MAXFUN, MAXLS, n_threads,
        )  # fmt: skip
    coef, fun_value, _, nit, _, status, message = result
    if status != 0:
        from sklearn.exceptions import ConvergenceWarning

        solver = "OWL-QN" if l1 > 0 else "lbfgs"
        warnings.warn(
            f"{solver} failed to converge after {nit} iteration(s) (status={status}): {message}. "
            "Increase max_iter or scale the data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return coef, nit, fun_value


def solve_saga(X, y_codes, sample_weight, coef0, *, n_classes, fit_intercept, scale, l2, l1,
               tol, max_iter, n_threads, random_state):  # fmt: skip
    """SAGA epochs on dense or CSR X; returns (coef vector, epochs, objective at coef)."""
    from sklearn.utils import check_random_state

    seed = int(check_random_state(random_state).randint(MAX_SEED))
    coef, epochs, converged, _ = _core.linear.fit_logistic_saga(
        native_rows(X), y_codes, sample_weight, np.ascontiguousarray(coef0, dtype=np.float64),
        n_classes, fit_intercept, scale, l2, l1, tol, max_iter, seed,
    )  # fmt: skip
    if not converged:
        from sklearn.exceptions import ConvergenceWarning

        warnings.warn(
            f"saga did not converge in max_iter={max_iter} epoch(s): the coefficients still "
            "changed by more than tol over the last one. Increase max_iter or scale the data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    value = objective(X, y_codes, sample_weight, coef, n_classes=n_classes,
                      fit_intercept=fit_intercept, scale=scale, l2=l2, l1=l1,
                      n_threads=n_threads)  # fmt: skip
    return coef, epochs, value


def objective(X, y_codes, sample_weight, coef, *, n_classes, fit_intercept, scale, l2, l1,
              n_threads):  # fmt: skip
    """The objective value at `coef` (solver layout), the L1 term included, for dense or CSR X."""
    if sp.issparse(X):
        fun = sparse_logistic_objective(
            X, y_codes, sample_weight, n_classes=n_classes, fit_intercept=fit_intercept,
            scale=scale, l2=l2,
        )  # fmt: skip
        value = fun(coef)[0]
    else:
        value = loss_gradient(
            X, y_codes, sample_weight, coef, n_classes=n_classes, fit_intercept=fit_intercept,
            scale=scale, l2=l2, n_threads=n_threads,
        )[0]  # fmt: skip
    if l1 > 0:
        weights = coef.reshape(-1, X.shape[1] + int(fit_intercept))[:, : X.shape[1]]
        value += l1 * np.abs(weights).sum()
    return float(value)


def loss_gradient(X, y_codes, sample_weight, coef, *, n_classes, fit_intercept, scale, l2,
                  n_threads):  # fmt: skip
    """One native evaluation of the objective and its gradient (tests and diagnostics)."""
    return _core.linear.logistic_loss_gradient(
        X, y_codes, sample_weight, coef, n_classes, fit_intercept, scale, l2, n_threads
    )
