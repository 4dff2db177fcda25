"""Every native linear solver fitted from several Python threads at once gives the
serial fit's coefficients: the solvers release the GIL and share no state."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression

from mlarsenal.linear_model import (
    ElasticNet,
    Lasso,
    LinearSVC,
    LogisticRegression,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)

CLASSIFIERS = {
    "lbfgs": lambda: LogisticRegression(max_iter=300),
    "owlqn": lambda: LogisticRegression(penalty="l1", C=0.5, max_iter=300),
    "saga": lambda: LogisticRegression(
        solver="saga", penalty="l1", C=0.5, max_iter=2000, random_state=0
    ),
    "svc_primal": lambda: LinearSVC(C=0.1),
    "svc_dual": lambda: LinearSVC(C=0.1, dual=True, random_state=0, max_iter=5000),
    "sgd": lambda: SGDClassifier(random_state=0),
}
REGRESSORS = {
    "lasso": lambda: Lasso(alpha=0.1),
    "elastic_net": lambda: ElasticNet(alpha=0.1, selection="random", random_state=0),
    "ridge": lambda: Ridge(alpha=1.0, solver="lbfgs"),
    "sgd": lambda: SGDRegressor(random_state=0),
}


def fit_in_threads(make, X, y, n_threads=4):
    with ThreadPoolExecutor(n_threads) as pool:
        return list(pool.map(lambda _: make().fit(X, y), range(n_threads)))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classifiers_fit_concurrently(name, sparse):
    X, y = make_classification(1500, 20, n_informative=8, n_classes=3, random_state=0)
    X = sp.csr_matrix(X) if sparse else X
    serial = CLASSIFIERS[name]().fit(X, y)
    for model in fit_in_threads(CLASSIFIERS[name], X, y):
        np.testing.assert_array_equal(model.coef_, serial.coef_)
        np.testing.assert_array_equal(model.intercept_, serial.intercept_)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("name", sorted(REGRESSORS))
def test_regressors_fit_concurrently(name, sparse):
    X, y = make_regression(1500, 20, n_informative=8, noise=1.0, random_state=0)
    X = sp.csr_matrix(X) if sparse else X
    serial = REGRESSORS[name]().fit(X, y)
    for model in fit_in_threads(REGRESSORS[name], X, y):
        np.testing.assert_array_equal(model.coef_, serial.coef_)
        np.testing.assert_array_equal(model.intercept_, serial.intercept_)
