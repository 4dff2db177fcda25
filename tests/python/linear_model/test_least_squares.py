"""LinearRegression against scikit-learn: dense, sparse, weighted, positive, ill-conditioned."""

import numpy as np
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_estimator_checks
from sklearn import linear_model as sk_linear
from sklearn.datasets import make_regression

from mlarsenal.linear_model import LinearRegression, _least_squares


@parametrize_estimator_checks(
    [LinearRegression(), LinearRegression(fit_intercept=False), LinearRegression(positive=True)]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def regression(n=300, d=12, targets=1, seed=0):
    X, y = make_regression(n, d, n_targets=targets, noise=2.0, random_state=seed)
    X[:, 0] += 50.0  # far from centred: the intercept must come out right
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("targets", [1, 3])
def test_matches_sklearn_dense_and_sparse(fit_intercept, targets):
    X, y = regression(targets=targets)
    weight = np.random.RandomState(1).uniform(0.1, 2.0, len(X))
    ref = sk_linear.LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=weight)
    for data in (X, sp.csr_matrix(X), sp.csc_matrix(X)):
        ours = LinearRegression(fit_intercept=fit_intercept, tol=1e-12)
        ours.fit(data, y, sample_weight=weight)
        assert ours.coef_.shape == ref.coef_.shape
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-7, atol=1e-7)
        np.testing.assert_allclose(ours.predict(data), ref.predict(X), rtol=1e-7)


def test_rank_and_singular_values_match_sklearn():
    X, y = regression()
    ours, ref = LinearRegression().fit(X, y), sk_linear.LinearRegression().fit(X, y)
    assert ours.rank_ == ref.rank_
    np.testing.assert_allclose(ours.singular_, ref.singular_, rtol=1e-8)


def test_rank_deficient_gives_the_minimum_norm_solution():
    X, y = regression()
    X = np.hstack([X, X[:, :2]])  # two duplicated columns
    ours, ref = LinearRegression().fit(X, y), sk_linear.LinearRegression().fit(X, y)
    assert ours.rank_ == ref.rank_ == X.shape[1] - 2
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_normal_equations_only_when_well_conditioned(monkeypatch):
    X, y = regression()
    X[:, 1] = X[:, 2] + 1e-7 * X[:, 3]  # condition number far above 1e4
    calls = []
    real = _least_squares.lstsq
    monkeypatch.setattr(_least_squares, "lstsq", lambda *a, **k: calls.append(1) or real(*a, **k))
    ours, ref = LinearRegression().fit(X, y), sk_linear.LinearRegression().fit(X, y)
    assert calls, "an ill-conditioned X must go through LAPACK's least squares"
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-6)


def test_more_features_than_rows():
    X, y = regression(n=20, d=40)
    ours, ref = LinearRegression().fit(X, y), sk_linear.LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_positive_dense_and_sparse():
    X, y = regression()
    ref = sk_linear.LinearRegression(positive=True).fit(X, y)
    for data in (X, sp.csr_matrix(X)):
        ours = LinearRegression(positive=True, tol=1e-10).fit(data, y)
        assert np.all(ours.coef_ >= 0)
        np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-6)


def test_float32_keeps_its_dtype():
    X, y = regression()
    ours = LinearRegression().fit(X.astype(np.float32), y)
    assert ours.coef_.dtype == np.float32
    assert ours.predict(X.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "X", "y", "error", "match"),
    [
        ({}, [[1.0], [np.nan]], [1.0, 2.0], ValueError, "X"),
        ({}, [[1.0], [2.0]], [1.0, np.inf], ValueError, "y"),
        ({}, [[1.0], [2.0]], [1.0, 2.0, 3.0], ValueError, "inconsistent|samples"),
        ({}, np.zeros((0, 2)), [], ValueError, "sample"),
        ({"tol": -1.0}, [[1.0], [2.0]], [1.0, 2.0], ValueError, "tol"),
        ({}, [[1.0], [2.0]], ["a", "b"], ValueError, "y"),
    ],
)
def test_bad_input(kwargs, X, y, error, match):
    with pytest.raises(error, match=match):
        LinearRegression(**kwargs).fit(np.asarray(X, dtype=float), y)
