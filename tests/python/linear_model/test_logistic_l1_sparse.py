"""LogisticRegression with L1 / elastic-net penalties (OWL-QN) and scipy sparse X."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_estimator_checks
from scipy.special import logsumexp
from sklearn import linear_model as sk_linear
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from mlarsenal import _core
from mlarsenal.linear_model import LogisticRegression


@parametrize_estimator_checks(
    [
        LogisticRegression(penalty="l1", C=0.5),
        LogisticRegression(penalty="elasticnet", l1_ratio=0.3, max_iter=300),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def data(n_classes, n=1500, d=25, seed=0):
    X, y = make_classification(n, d, n_informative=8, n_classes=n_classes, random_state=seed)
    return StandardScaler().fit_transform(X), y


def objective(model, X, y, C, penalty, l1_ratio=None):
    """scikit-learn's normalised objective at a fitted model's coefficients."""
    _, codes = np.unique(y, return_inverse=True)
    Z = np.asarray(X @ model.coef_.T) + model.intercept_
    if Z.shape[1] == 1:
        loss = np.logaddexp(0.0, Z[:, 0]) - codes * Z[:, 0]
    else:
        loss = logsumexp(Z, axis=1) - Z[np.arange(len(y)), codes]
    l1, l2 = np.abs(model.coef_).sum(), np.sum(model.coef_**2)
    term = {"l1": l1, "elasticnet": (l1_ratio or 0) * l1 + (1 - (l1_ratio or 0)) * l2 / 2}
    return loss.mean() + term.get(penalty, l2 / 2) / (C * len(y))


def saga(X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's penalty deprecation
        return sk_linear.LogisticRegression(solver="saga", tol=1e-10, max_iter=20000, **kwargs).fit(
            X, y
        )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("penalty", "l1_ratio"), [("l1", None), ("elasticnet", 0.4)])
def test_reaches_sagas_optimum(n_classes, penalty, l1_ratio):
    X, y = data(n_classes)
    ref = saga(X, y, penalty=penalty, l1_ratio=l1_ratio, C=0.1)
    ours = LogisticRegression(penalty=penalty, l1_ratio=l1_ratio, C=0.1, tol=1e-8, max_iter=2000)
    ours.fit(X, y)
    mine, theirs = (
        objective(ours, X, y, 0.1, penalty, l1_ratio),
        objective(ref, X, y, 0.1, penalty, l1_ratio),
    )
    assert mine <= theirs * (1 + 1e-9)
    np.testing.assert_allclose(ours.objective_, mine, rtol=1e-12)
    # The same features are dropped, and the kept ones agree.
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)


def test_l1_gives_exact_zeros_and_more_with_smaller_C():
    X, y = data(2)
    loose = LogisticRegression(penalty="l1", C=1.0).fit(X, y)
    tight = LogisticRegression(penalty="l1", C=0.01).fit(X, y)
    assert 0 < np.sum(tight.coef_ != 0) < np.sum(loose.coef_ != 0)


def test_intercept_is_not_penalised():
    X, y = data(2)
    y = (X[:, 0] > 1.0).astype(int)  # unbalanced: the intercept carries the base rate
    model = LogisticRegression(penalty="l1", C=1e-4, tol=1e-10).fit(X, y)
    assert np.all(model.coef_ == 0)
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], y.mean(), rtol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 4])
@pytest.mark.parametrize("penalty", ["l2", "l1", None])
def test_sparse_equals_dense(n_classes, penalty):
    X, y = data(n_classes, n=600)
    X[np.abs(X) < 0.7] = 0.0
    weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    kwargs = {"penalty": penalty, "tol": 1e-9, "max_iter": 1000}
    dense = LogisticRegression(**kwargs).fit(X, y, sample_weight=weight)
    sparse = LogisticRegression(**kwargs).fit(sp.csr_matrix(X), y, sample_weight=weight)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(sparse.objective_, dense.objective_, rtol=1e-10)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csc_matrix(X)), dense.predict_proba(X), rtol=1e-6, atol=1e-9
    )


def test_owlqn_solves_a_separable_lasso_exactly():
    # min ½‖x − c‖² + λ‖x‖₁ is soft thresholding: x = sign(c) max(|c| − λ, 0).
    c = np.array([3.0, -0.5, 0.2, -2.0, 0.0])
    lam = np.array([1.0, 1.0, 1.0, 0.5, 1.0])
    x, _, pg, _, _, status, _ = _core.linear.minimize_owlqn(
        lambda x: (0.5 * np.sum((x - c) ** 2), x - c), np.zeros(5), lam, 10, 0.0, 1e-12, 100,
        1000, 20,
    )  # fmt: skip
    assert status == 0
    np.testing.assert_allclose(x, np.sign(c) * np.maximum(np.abs(c) - lam, 0.0), atol=1e-12)
    assert np.max(np.abs(pg)) <= 1e-12


@pytest.mark.parametrize(
    ("l1", "match"), [(np.array([1.0, -1.0]), "l1 weights"), (np.array([1.0]), "one entry")]
)
def test_owlqn_rejects_bad_weights(l1, match):
    with pytest.raises(ValueError, match=match):
        _core.linear.minimize_owlqn(
            lambda x: (float(x @ x), 2 * x), np.ones(2), l1, 10, 0.0, 1e-8, 10, 100, 20
        )


def test_owlqn_passes_python_errors_through():
    def broken(x):
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        _core.linear.minimize_owlqn(broken, np.ones(2), np.ones(2), 10, 0.0, 1e-8, 10, 100, 20)
