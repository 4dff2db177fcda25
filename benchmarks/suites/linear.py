"""LogisticRegression: mlarsenal.linear_model vs scikit-learn, same objective.

Data: ``make_classification(rows, 100)`` in float64, binary and 10 classes; C=1, default
tol (1e-4) and max_iter raised to 1000 so that both sides stop on their tolerance. Each
timed call is one ``fit``; the quality columns are each side's value of scikit-learn's
normalised objective at its fitted coefficients, evaluated by the same function. The L1
case (binary, C=0.01) compares our OWL-QN, and in ``logistic_l1_saga_d100`` our saga, with
scikit-learn's saga.
"""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case
from benchmarks.quality import scalar_agreement
from benchmarks.suite import Peer, Suite

N_FEATURES = 100
MAX_ITER = 1000


def classification_data(n_classes: int):
    def make(rows: int, seed: int) -> tuple:
        from sklearn.datasets import make_classification

        X, y = make_classification(
            n_samples=rows,
            n_features=N_FEATURES,
            n_informative=N_FEATURES // 2,
            n_classes=n_classes,
            random_state=seed,
        )
        return X, y

    return make


def objective(coef: np.ndarray, intercept: np.ndarray, data: tuple) -> float:
    """sum(log loss) / n + ||coef||^2 / (2 n C) with C = 1, at the given coefficients."""
    from mlarsenal.linear_model._logistic_solver import loss_gradient

    X, y = data
    classes, codes = np.unique(y, return_inverse=True)
    params = np.hstack([coef, intercept[:, None]]).astype(np.float64).ravel()
    n = X.shape[0]
    value, _ = loss_gradient(
        X, codes.astype(np.int32), None, params, n_classes=len(classes), fit_intercept=True,
        scale=1.0 / n, l2=1.0 / n, n_threads=0,
    )  # fmt: skip
    return value


def objective_agreement(ours, peer, data) -> dict:
    return scalar_agreement(objective(*ours, data), objective(*peer, data))


L1_C = 0.01


def l1_objective(coef: np.ndarray, intercept: np.ndarray, data: tuple) -> float:
    """mean log loss + ||w||_1 / (n C): scikit-learn's saga objective for penalty="l1"."""
    X, y = data
    z = X @ coef[0] + intercept[0]
    loss = np.logaddexp(0.0, z) - y * z
    return float(loss.mean() + np.abs(coef).sum() / (len(y) * L1_C))


def l1_agreement(ours, peer, data) -> dict:
    return scalar_agreement(l1_objective(*ours, data), l1_objective(*peer, data))


def build_cases() -> list[Case]:
    from sklearn import linear_model as sk_linear

    from mlarsenal import linear_model as our_linear

    def ours(data, n_jobs):
        model = our_linear.LogisticRegression(C=1.0, max_iter=MAX_ITER, n_jobs=n_jobs)
        model.fit(*data)
        return model.coef_, model.intercept_

    # scikit-learn's lbfgs path evaluates its loss on one thread (n_jobs is deprecated
    # there); its matrix products use the BLAS threads.
    def peer(data, n_jobs):
        model = sk_linear.LogisticRegression(C=1.0, max_iter=MAX_ITER).fit(*data)
        return model.coef_, model.intercept_

    def ours_l1(data, n_jobs):
        model = our_linear.LogisticRegression(
            penalty="l1", C=L1_C, max_iter=MAX_ITER, n_jobs=n_jobs
        )
        model.fit(*data)
        return model.coef_, model.intercept_

    def ours_l1_saga(data, n_jobs):
        model = our_linear.LogisticRegression(
            penalty="l1", C=L1_C, solver="saga", max_iter=MAX_ITER, random_state=0
        )
        model.fit(*data)
        return model.coef_, model.intercept_

    def peer_l1(data, n_jobs):
        # scikit-learn >= 1.8 deprecates penalty="l1" for l1_ratio=1.
        new_api = sk_linear.LogisticRegression().penalty == "deprecated"
        l1 = {"l1_ratio": 1.0} if new_api else {"penalty": "l1"}
        model = sk_linear.LogisticRegression(C=L1_C, solver="saga", max_iter=MAX_ITER, **l1)
        model.fit(*data)
        return model.coef_, model.intercept_

    return [
        Case(f"logistic_l1_d{N_FEATURES}", classification_data(2), ours_l1, peer_l1,
             "scikit-learn saga", l1_agreement, quality_uses_data=True),
        Case(f"logistic_l1_saga_d{N_FEATURES}", classification_data(2), ours_l1_saga, peer_l1,
             "scikit-learn saga", l1_agreement, quality_uses_data=True),
        Case(f"logistic_binary_d{N_FEATURES}", classification_data(2), ours, peer,
             "scikit-learn", objective_agreement, quality_uses_data=True),
        Case(f"logistic_multinomial_10_classes_d{N_FEATURES}", classification_data(10), ours,
             peer, "scikit-learn", objective_agreement, quality_uses_data=True),
    ]  # fmt: skip


SUITE = Suite(
    name="linear",
    description="LogisticRegression(lbfgs, C=1) fit on rows x 100 float64 make_classification "
    "data (binary and 10 classes), vs scikit-learn",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=500_000,
    quick_rows=5_000,
    build_cases=build_cases,
    notes="Quality columns are each side's objective (mean log loss + ||w||^2 / (2 n C)) at its "
    "fitted coefficients; equal to 1e-6 relative is the goal. Both stop on a projected-gradient "
    "tolerance of 1e-4, so their objectives differ by about what that tolerance allows. "
    "scikit-learn evaluates its loss on one thread plus BLAS threads for the matrix products; "
    "ours uses --n-jobs native threads.",
)
