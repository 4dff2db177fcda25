"""LinearRegression and Ridge: mlarsenal.linear_model vs scikit-learn, same coefficients.

Data: ``make_regression(rows, 500, n_informative=50, noise=10)`` in float64, one target.
Each timed call is one ``fit`` with default parameters (Ridge: alpha=1, solver="auto",
which is the normal equations on both sides); the quality columns are each side's training
RMSE, which agree when the coefficients do.
"""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case
from benchmarks.quality import scalar_agreement
from benchmarks.suite import Peer, Suite

N_FEATURES = 500


def regression_data(rows: int, seed: int) -> tuple:
    from sklearn.datasets import make_regression

    return make_regression(
        n_samples=rows, n_features=N_FEATURES, n_informative=50, noise=10.0, random_state=seed
    )


def rmse_agreement(ours, peer, data) -> dict:
    X, y = data

    def rmse(fitted):
        coef, intercept = fitted
        return float(np.sqrt(np.mean((X @ coef + intercept - y) ** 2)))

    return scalar_agreement(rmse(ours), rmse(peer))


def build_cases() -> list[Case]:
    from sklearn import linear_model as sk_linear

    from mlarsenal import linear_model as our_linear

    def fitter(module, name):
        def fit(data, n_jobs):
            model = getattr(module, name)().fit(*data)
            return model.coef_, model.intercept_

        return fit

    return [
        Case(f"{name}_d{N_FEATURES}", regression_data, fitter(our_linear, name),
             fitter(sk_linear, name), "scikit-learn", rmse_agreement, quality_uses_data=True)
        for name in ("LinearRegression", "Ridge")
    ]  # fmt: skip


SUITE = Suite(
    name="least_squares",
    description="LinearRegression and Ridge(alpha=1) fit on rows x 500 float64 make_regression "
    "data, vs scikit-learn",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=200_000,
    quick_rows=2_000,
    build_cases=build_cases,
    notes="Quality columns are each side's training RMSE. Both libraries' matrix products run "
    "on the BLAS threads. scikit-learn's LinearRegression solves with LAPACK's gelsd (an SVD); "
    "ours forms the normal equations when X is well conditioned (condition number < 1e4) and "
    "falls back to the same LAPACK solver otherwise.",
)
