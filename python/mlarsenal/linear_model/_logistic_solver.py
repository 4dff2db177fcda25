"""The native side of LogisticRegression.fit: L-BFGS on the fused logistic loss."""

from __future__ import annotations

import warnings

import numpy as np

from mlarsenal import _core

# scikit-learn's LogisticRegression(solver="lbfgs") passes these to L-BFGS-B:
# a tight ftol so that gtol (the estimator's tol) decides convergence, and a
# longer line search than scipy's default of 20 evaluations.
FTOL = 64 * np.finfo(np.float64).eps
MAXLS = 50
MAXCOR = 10
MAXFUN = 15000


def n_params(n_features: int, n_classes: int, fit_intercept: bool) -> int:
    per_output = n_features + int(fit_intercept)
    return per_output if n_classes == 2 else n_classes * per_output


def solve(X, y_codes, sample_weight, coef0, *, n_classes, fit_intercept, scale, l2, tol,
          max_iter, n_threads):  # fmt: skip
    """Minimise the normalised objective; returns (coef vector, n_iter, objective).

    The objective is scale * sum_i s_i loss_i + 0.5 * l2 * |W|^2 with scale =
    1 / sum(s) and l2 = 1 / (C sum(s)): scikit-learn's lbfgs objective.
    """
    coef, fun, _, nit, _, status, message = _core.linear.fit_logistic(
        X, y_codes, sample_weight, coef0, n_classes, fit_intercept, scale, l2,
        MAXCOR, FTOL, tol, max_iter, MAXFUN, MAXLS, n_threads,
    )  # fmt: skip
    if status != 0:
        from sklearn.exceptions import ConvergenceWarning

        warnings.warn(
            f"lbfgs failed to converge after {nit} iteration(s) (status={status}): {message}. "
            "Increase max_iter or scale the data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return coef, nit, fun


def loss_gradient(X, y_codes, sample_weight, coef, *, n_classes, fit_intercept, scale, l2,
                  n_threads):  # fmt: skip
    """One native evaluation of the objective and its gradient (tests and diagnostics)."""
    return _core.linear.logistic_loss_gradient(
        X, y_codes, sample_weight, coef, n_classes, fit_intercept, scale, l2, n_threads
    )
