"""Ridge against scikit-learn: every solver, dense and sparse, weights, per-target alpha."""

import numpy as np
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_estimator_checks
from sklearn import linear_model as sk_linear
from sklearn.datasets import make_regression

from mlarsenal.linear_model import Ridge


@parametrize_estimator_checks(
    [Ridge(), Ridge(alpha=10.0, solver="svd"), Ridge(solver="lbfgs", positive=True)]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def regression(n=400, d=15, targets=2, seed=0):
    X, y = make_regression(n, d, n_targets=targets, noise=3.0, random_state=seed)
    X[:, 0] += 20.0
    return X, y


def objective(model, X, y, alpha, weight):
    residual = y - X @ model.coef_.T - model.intercept_
    return np.sum(weight[:, None] * residual.reshape(len(y), -1) ** 2) + np.sum(
        np.asarray(alpha) * np.atleast_2d(model.coef_**2).sum(axis=1)
    )


@pytest.mark.parametrize("solver", ["cholesky", "svd", "sparse_cg", "lsqr", "lbfgs"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_sklearn(solver, sparse, fit_intercept):
    if solver == "svd" and sparse:
        pytest.skip("svd is for dense X")
    X, y = regression()
    weight = np.random.RandomState(2).uniform(0.2, 3.0, len(X))
    alpha = [0.5, 30.0]
    ref = sk_linear.Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky")
    ref.fit(X, y, sample_weight=weight)
    data = sp.csr_matrix(X) if sparse else X
    ours = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver=solver, tol=1e-12)
    ours.fit(data, y, sample_weight=weight)
    # L-BFGS stops on the gradient's size, so its coefficients agree less tightly.
    rtol = 1e-4 if solver == "lbfgs" else 1e-6
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=rtol, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=rtol, atol=1e-5)
    mine, theirs = objective(ours, X, y, alpha, weight), objective(ref, X, y, alpha, weight)
    assert mine <= theirs * (1 + 1e-9)
    assert ours.solver_ == solver


def test_auto_picks_a_solver_by_input():
    X, y = regression(targets=1)
    assert Ridge().fit(X, y).solver_ == "cholesky"
    assert Ridge(positive=True).fit(X, y).solver_ == "lbfgs"
    wide = sp.random(50, 5000, density=0.01, random_state=0, format="csr")
    assert Ridge().fit(wide, np.arange(50.0)).solver_ == "sparse_cg"


def test_more_features_than_rows_uses_the_kernel_form():
    X, y = regression(n=30, d=80, targets=1)
    ours, ref = Ridge(alpha=2.0).fit(X, y), sk_linear.Ridge(alpha=2.0).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-10)


def test_positive_reaches_sklearns_objective_or_better():
    X, y = regression(targets=1)
    ones = np.ones(len(X))
    ours = Ridge(alpha=1.0, positive=True, tol=1e-10).fit(X, y)
    ref = sk_linear.Ridge(alpha=1.0, positive=True, tol=1e-10).fit(X, y)
    assert np.all(ours.coef_ >= 0)
    assert objective(ours, X, y[:, None], 1.0, ones) <= objective(ref, X, y[:, None], 1.0, ones) * (
        1 + 1e-7
    )


def test_sparse_never_densifies(monkeypatch):
    X = sp.random(200, 30, density=0.1, random_state=0, format="csr")
    y = np.random.RandomState(0).randn(200)

    def forbidden(*args, **kwargs):
        raise AssertionError("sparse X was densified")

    monkeypatch.setattr(sp.csr_matrix, "toarray", forbidden)
    for solver in ("sparse_cg", "lsqr", "lbfgs"):
        Ridge(solver=solver).fit(X, y)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": -1.0}, "alpha"),
        ({"alpha": "big"}, "alpha"),
        ({"alpha": [1.0, 2.0, 3.0]}, "alpha has 3 values"),
        ({"solver": "saga"}, "solver"),
        ({"tol": -1}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"positive": True, "solver": "svd"}, "positive"),
    ],
)
def test_bad_parameters(kwargs, match):
    X, y = regression(targets=2)
    with pytest.raises(ValueError, match=match):
        Ridge(**kwargs).fit(X, y)


def test_nan_in_y_is_rejected():
    X, y = regression(targets=1)
    y[3] = np.nan
    with pytest.raises(ValueError, match="y"):
        Ridge().fit(X, y)
