"""Lasso and ElasticNet (coordinate descent): mlarsenal.linear_model vs scikit-learn.

Data: ``make_regression(rows, 500, n_informative=50, noise=10)`` in float64 (C order, as
generated); alpha=1 (ElasticNet: l1_ratio=0.5), default tol (1e-4) and max_iter. Each timed
call is one ``fit`` including input checks and centring; the quality column is each side's
value of scikit-learn's objective at its fitted coefficients, evaluated by the same function.
"""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case
from benchmarks.quality import scalar_agreement
from benchmarks.suite import Peer, Suite

N_FEATURES = 500
ALPHA = 1.0


def regression_data(rows: int, seed: int) -> tuple:
    from sklearn.datasets import make_regression

    X, y = make_regression(
        n_samples=rows, n_features=N_FEATURES, n_informative=50, noise=10.0, random_state=seed
    )
    return X, y


def objective(coef, intercept, data: tuple, l1_ratio: float) -> float:
    """(1 / 2n) ||y - X w - b||^2 + alpha l1_ratio |w|_1 + alpha (1 - l1_ratio) |w|^2 / 2."""
    X, y = data
    w = np.asarray(coef, dtype=np.float64)
    r = y - X @ w - float(intercept)
    return float(
        0.5 * (r @ r) / len(y)
        + ALPHA * l1_ratio * np.abs(w).sum()
        + 0.5 * ALPHA * (1.0 - l1_ratio) * (w @ w)
    )


def objective_agreement(l1_ratio: float):
    def agreement(ours, peer, data) -> dict:
        return scalar_agreement(objective(*ours, data, l1_ratio), objective(*peer, data, l1_ratio))

    return agreement


def build_cases() -> list[Case]:
    from sklearn import linear_model as sk_linear

    from mlarsenal import linear_model as our_linear

    def fitter(make):
        def fit(data, n_jobs):
            model = make(n_jobs).fit(*data)
            return model.coef_, model.intercept_

        return fit

    # scikit-learn's coordinate descent runs on one thread (its gap checks use BLAS threads).
    cases = []
    for name, l1_ratio, ours, peer in [
        ("lasso", 1.0,
         lambda n_jobs: our_linear.Lasso(alpha=ALPHA, n_jobs=n_jobs),
         lambda n_jobs: sk_linear.Lasso(alpha=ALPHA)),
        ("elastic_net_l1_ratio_0.5", 0.5,
         lambda n_jobs: our_linear.ElasticNet(alpha=ALPHA, l1_ratio=0.5, n_jobs=n_jobs),
         lambda n_jobs: sk_linear.ElasticNet(alpha=ALPHA, l1_ratio=0.5)),
    ]:  # fmt: skip
        cases.append(
            Case(f"{name}_d{N_FEATURES}", regression_data, fitter(ours), fitter(peer),
                 "scikit-learn", objective_agreement(l1_ratio), quality_uses_data=True)
        )  # fmt: skip
    return cases


SUITE = Suite(
    name="lasso",
    description="Lasso(alpha=1) and ElasticNet(alpha=1, l1_ratio=0.5) fit on rows x 500 float64 "
    "make_regression data (50 informative features), vs scikit-learn",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=200_000,
    quick_rows=5_000,
    build_cases=build_cases,
    notes="Quality columns are each side's objective (mean squared error / 2 + penalties) at its "
    "fitted coefficients; equal to 1e-6 relative is the goal. Both stop on scikit-learn's rule "
    "(largest coefficient change, then duality gap, tol=1e-4). scikit-learn copies X to F order "
    "and centres it before its coordinate descent; ours reads X in place (working sets, gap-safe "
    "screening) with --n-jobs native threads for the passes over X.",
)
