"""LogisticRegression(solver="saga"): the same optimum as lbfgs / OWL-QN and scikit-learn's
saga, just-in-time CSR updates equal to dense ones, determinism, and bad input."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_estimator_checks
from sklearn.exceptions import ConvergenceWarning

from mlarsenal import _core
from mlarsenal.linear_model import LogisticRegression
from mlarsenal.linear_model._logistic_solver import objective

PENALTIES = [("l2", {}), ("l1", {}), ("elasticnet", {"l1_ratio": 0.4}), (None, {})]
TIGHT = {"tol": 1e-10, "max_iter": 5000}


def noisy_data(n_classes, *, n=150, d=8, seed=0):
    """Standardised features, labels from a linear model plus noise (not separable)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, n_classes))
    y = np.argmax(X @ W + rng.gumbel(size=(n, n_classes)) * 2.0, axis=1)
    return (X - X.mean(0)) / X.std(0), y


def sparse_data(n_classes, *, n=200, d=40, seed=1):
    """CSR with about 85% zeros, so most steps leave most features untouched."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.15, random_state=seed, format="csr")
    X.data = rng.normal(size=X.nnz) * 2.0
    W = rng.normal(size=(d, n_classes))
    y = np.argmax(X @ W + rng.gumbel(size=(n, n_classes)), axis=1)
    return X, y


def fit_pair(X, y, penalty, extra, C=0.5, **fit):
    params = {"penalty": penalty, "C": C, **extra, **TIGHT}
    lbfgs = LogisticRegression(**params).fit(X, y, **fit)
    saga = LogisticRegression(solver="saga", random_state=0, **params).fit(X, y, **fit)
    return lbfgs, saga


def relative(a, b):
    return abs(a - b) / abs(b)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("penalty", "extra"), PENALTIES)
def test_same_objective_as_lbfgs(n_classes, penalty, extra):
    X, y = noisy_data(n_classes)
    lbfgs, saga = fit_pair(X, y, penalty, extra)
    assert relative(saga.objective_, lbfgs.objective_) < 1e-6
    assert saga.coef_.shape == lbfgs.coef_.shape
    assert saga.n_iter_[0] < TIGHT["max_iter"]
    if penalty == "l1":
        # The proximal step gives exact zeros where OWL-QN does.
        np.testing.assert_array_equal(saga.coef_ == 0, lbfgs.coef_ == 0)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_float32(n_classes, penalty):
    X, y = noisy_data(n_classes)
    lbfgs, saga = fit_pair(X.astype(np.float32), y, penalty, {})
    assert saga.coef_.dtype == np.float32
    assert relative(saga.objective_, lbfgs.objective_) < 1e-6


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("penalty", "extra"), PENALTIES)
def test_csr_lazy_updates_equal_dense_updates(n_classes, penalty, extra):
    X, y = sparse_data(n_classes)
    params = {"penalty": penalty, "C": 0.3, "solver": "saga", "random_state": 3, **extra}
    # The same seed draws the same rows: only rounding may differ, converged or not.
    params.update(tol=1e-6, max_iter=300)
    dense = LogisticRegression(**params).fit(X.toarray(), y)
    lazy = LogisticRegression(**params).fit(X, y)
    assert lazy.n_iter_[0] == dense.n_iter_[0]
    np.testing.assert_allclose(lazy.coef_, dense.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(lazy.intercept_, dense.intercept_, rtol=0, atol=1e-10)
    assert relative(lazy.objective_, dense.objective_) < 1e-12


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet"])
def test_csr_same_objective_as_lbfgs(n_classes, penalty):
    X, y = sparse_data(n_classes)
    lbfgs, saga = fit_pair(X, y, penalty, {"l1_ratio": 0.5} if penalty == "elasticnet" else {})
    assert relative(saga.objective_, lbfgs.objective_) < 1e-6


def test_weights_and_class_weight():
    X, y = noisy_data(3, seed=4)
    weight = np.random.default_rng(5).uniform(0.0, 3.0, size=len(y))
    weight[:10] = 0.0
    for class_weight in (None, "balanced", {0: 2.0, 1: 0.5, 2: 1.0}):
        for penalty in ("l2", "l1"):
            lbfgs, saga = fit_pair(
                X, y, penalty, {"class_weight": class_weight}, sample_weight=weight
            )
            assert relative(saga.objective_, lbfgs.objective_) < 1e-6


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("penalty", "extra"), PENALTIES)
def test_same_objective_as_sklearn_saga(n_classes, penalty, extra):
    sk_linear = pytest.importorskip("sklearn.linear_model")
    X, y = noisy_data(n_classes, seed=7)
    C = 0.5
    ours = LogisticRegression(
        penalty=penalty, C=C, solver="saga", random_state=0, **extra, **TIGHT
    ).fit(X, y)
    ratio = {"l2": 0.0, "l1": 1.0, "elasticnet": extra.get("l1_ratio"), None: 0.0}[penalty]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        theirs = sk_linear.LogisticRegression(
            C=np.inf if penalty is None else C, l1_ratio=ratio, solver="saga",
            random_state=0, **TIGHT,
        ).fit(X, y)  # fmt: skip
    params = np.hstack([theirs.coef_, theirs.intercept_[:, None]]).ravel()
    l2 = 0.0 if penalty is None else (1.0 - ratio) / (C * len(y))
    l1 = 0.0 if penalty is None else ratio / (C * len(y))
    value = objective(X, y.astype(np.int32), None, params, n_classes=n_classes,
                      fit_intercept=True, scale=1.0 / len(y), l2=l2, l1=l1,
                      n_threads=1)  # fmt: skip
    assert relative(ours.objective_, value) < 1e-6


def test_objective_attribute_is_the_objective_at_the_coefficients():
    X, y = noisy_data(2)
    model = LogisticRegression(penalty="l1", C=0.2, solver="saga", random_state=0).fit(X, y)
    params = np.hstack([model.coef_, model.intercept_[:, None]]).ravel()
    value = objective(X, y.astype(np.int32), None, params, n_classes=2, fit_intercept=True,
                      scale=1.0 / len(y), l2=0.0, l1=1.0 / (0.2 * len(y)),
                      n_threads=1)  # fmt: skip
    assert model.objective_ == pytest.approx(value, rel=1e-12)


def test_no_intercept_and_warm_start():
    X, y = noisy_data(2)
    lbfgs, saga = fit_pair(X, y, "l2", {"fit_intercept": False})
    assert np.all(saga.intercept_ == 0)
    assert relative(saga.objective_, lbfgs.objective_) < 1e-6
    warm = LogisticRegression(solver="saga", warm_start=True, random_state=0, **TIGHT).fit(X, y)
    epochs = warm.n_iter_[0]
    warm.fit(X, y)
    assert warm.n_iter_[0] < epochs


def test_fixed_random_state_is_deterministic():
    X, y = sparse_data(3)
    params = {"solver": "saga", "penalty": "l1", "C": 0.3, "tol": 1e-3}
    first = LogisticRegression(random_state=11, **params).fit(X, y)
    again = LogisticRegression(random_state=11, **params).fit(X, y)
    other = LogisticRegression(random_state=12, **params).fit(X, y)
    np.testing.assert_array_equal(first.coef_, again.coef_)
    np.testing.assert_array_equal(first.intercept_, again.intercept_)
    assert not np.array_equal(first.coef_, other.coef_)
    rng = np.random.RandomState(5)
    assert np.array_equal(
        LogisticRegression(random_state=np.random.RandomState(5), **params).fit(X, y).coef_,
        LogisticRegression(random_state=rng, **params).fit(X, y).coef_,
    )


def test_convergence_warning_at_max_iter():
    X, y = noisy_data(2)
    with pytest.warns(ConvergenceWarning, match="saga did not converge"):
        model = LogisticRegression(solver="saga", max_iter=2, tol=1e-12).fit(X, y)
    assert model.n_iter_[0] == 2


def test_bad_solver_and_native_input():
    X, y = noisy_data(2)
    with pytest.raises(ValueError, match="solver"):
        LogisticRegression(solver="sag").fit(X, y)
    fit = _core.linear.fit_logistic_saga
    coef0 = np.zeros(X.shape[1] + 1)
    codes = y.astype(np.int32)
    args = (None, coef0, 2, True, 1.0 / len(y), 0.01, 0.0, 1e-4, 10, 0)
    with pytest.raises(ValueError, match="class code"):
        fit(X, codes + 5, *args)
    with pytest.raises(ValueError, match="coef0"):
        fit(X, codes, None, np.zeros(3), *args[2:])
    with pytest.raises(ValueError, match="sample_weight"):
        fit(X, codes, -np.ones(len(y)), *args[1:])
    with pytest.raises(ValueError, match="l2"):
        fit(X, codes, None, coef0, 2, True, 1.0 / len(y), -1.0, 0.0, 1e-4, 10, 0)
    with pytest.raises(ValueError, match="one entry per row"):
        fit(X, codes[:-1], *args)
    indptr = np.array([0, 1], dtype=np.int64)
    bad_csr = (np.ones(1), np.array([7], dtype=np.int64), indptr, 3)
    with pytest.raises(ValueError, match="out of range"):
        fit(bad_csr, np.zeros(1, dtype=np.int32), None, np.zeros(4), *args[2:])


@parametrize_estimator_checks([LogisticRegression(solver="saga", max_iter=5000, tol=1e-10)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
