"""The logistic objective on scipy sparse X, for the native L-BFGS / OWL-QN loops.

The dense path evaluates the loss in one native pass over X
(cpp/src/linear/logistic_loss.cpp); for CSR X the two products per
evaluation, ``X @ W`` and ``Xᵀ R``, are scipy's sparse kernels and the
per-row work is vectorised numpy, with the same objective:
``scale · Σ sᵢ lossᵢ + ½ l2 ‖W‖²``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logsumexp


def sparse_logistic_objective(X, y_codes, sample_weight, *, n_classes, fit_intercept, scale, l2):
    """``fun(coef) -> (value, gradient)`` over the solver's coefficient layout: per output,
    the feature weights then the intercept when fit_intercept."""
    n, d = X.shape
    stride = d + int(fit_intercept)
    weight = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    rows = np.arange(n)
    XT = X.T.tocsr()

    def split(coef):
        W = coef.reshape(-1, stride)
        b = W[:, d] if fit_intercept else np.zeros(W.shape[0])
        return W[:, :d], b

    def binary(coef):
        w, b = split(coef)
        z = X @ w[0] + b[0]
        target = y_codes.astype(np.float64)
        loss = np.logaddexp(0.0, z) - target * z
        residual = weight * (expit(z) - target)
        grad = np.empty(stride)
        grad[:d] = scale * (XT @ residual) + l2 * w[0]
        if fit_intercept:
            grad[d] = scale * residual.sum()
        return scale * (weight @ loss) + 0.5 * l2 * (w[0] @ w[0]), grad

    def multinomial(coef):
        W, b = split(coef)
        Z = np.asarray(X @ W.T) + b
        norm = logsumexp(Z, axis=1)
        loss = norm - Z[rows, y_codes]
        R = np.exp(Z - norm[:, None])
        R[rows, y_codes] -= 1.0
        R *= weight[:, None]
        grad = np.empty((n_classes, stride))
        grad[:, :d] = scale * np.asarray(XT @ R).T + l2 * W
        if fit_intercept:
            grad[:, d] = scale * R.sum(axis=0)
        value = scale * (weight @ loss) + 0.5 * l2 * np.sum(W * W)
        return value, grad.ravel()

    return binary if n_classes == 2 else multinomial
