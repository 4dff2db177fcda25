"""LinearSVC's primal solvers (dual=False): scikit-learn's optimum, l1, dual="auto", threads."""

import itertools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from mlarsenal.linear_model._svm import LinearSVC
from mlarsenal.linear_model._svm_params import uses_dual_solver

TIGHT = {"tol": 1e-8, "max_iter": 100_000}


def data(n_classes, n=400, d=8, seed=0, n_redundant=2):
    weights = [0.6] + [0.4 / (n_classes - 1)] * (n_classes - 1)
    return make_classification(
        n, d, n_informative=4, n_redundant=n_redundant, n_classes=n_classes, weights=weights,
        random_state=seed,
    )  # fmt: skip


def objective_at(model_like, X, y, sample_weight=None, **params):
    """Our primal objective evaluated at another model's coefficients."""
    probe = LinearSVC(**params)
    probe.coef_ = np.atleast_2d(np.asarray(model_like.coef_, dtype=np.float64))
    probe.intercept_ = np.atleast_1d(np.asarray(model_like.intercept_, dtype=np.float64))
    probe.classes_ = model_like.classes_
    probe.n_features_in_ = X.shape[1]
    return probe.primal_objective(X, y, sample_weight)


def fit_both(X, y, sample_weight=None, **params):
    svm = pytest.importorskip("sklearn.svm")
    params = {**TIGHT, **params, "dual": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = LinearSVC(**params).fit(X, y, sample_weight)
        theirs = svm.LinearSVC(**params, random_state=0).fit(X, y, sample_weight)
    f_ours = ours.primal_objective(X, y, sample_weight)
    f_theirs = objective_at(theirs, X, y, sample_weight, **params)
    assert np.all(np.abs(f_ours - f_theirs) <= 1e-6 * np.abs(f_theirs)), (f_ours, f_theirs)
    return ours, theirs


PARAMS = {
    "default": {},
    "C0.05": {"C": 0.05},
    "C5": {"C": 5.0},
    "no-intercept": {"fit_intercept": False},
    "scaling3": {"intercept_scaling": 3.0},
    "balanced": {"class_weight": "balanced"},
    "dict": {"class_weight": {0: 3.0, 1: 0.5}},
    "weights": {"sample_weight": True},
}


def sample_weight_for(params, n):
    params = dict(params)
    if not params.pop("sample_weight", False):
        return params, None
    weight = np.random.default_rng(0).uniform(0.0, 3.0, n)
    weight[::7] = 0.0
    return params, weight


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("params", PARAMS.values(), ids=PARAMS.keys())
def test_l2_same_optimum_as_scikit_learn(n_classes, params):
    X, y = data(n_classes, seed=n_classes)
    params, weight = sample_weight_for(params, len(y))
    ours, theirs = fit_both(X, y, weight, **params)
    scale = max(1.0, np.abs(theirs.coef_).max())
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5 * scale)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-5 * scale)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "params", [{}, {"C": 0.02}, {"intercept_scaling": 3.0}, {"sample_weight": True}],
    ids=["default", "C0.02", "scaling3", "weights"],
)  # fmt: skip
def test_l1_same_optimum_and_zeros_as_scikit_learn(n_classes, params):
    X, y = data(n_classes, d=12, seed=10 + n_classes)
    params, weight = sample_weight_for(params, len(y))
    ours, theirs = fit_both(X, y, weight, penalty="l1", **params)
    np.testing.assert_array_equal(ours.coef_ == 0.0, theirs.coef_ == 0.0)
    scale = max(1.0, np.abs(theirs.coef_).max())
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-4 * scale)


def test_l1_sparse_and_small_C_zero_out_coefficients():
    X, y = data(2, d=12, seed=3)
    ours, theirs = fit_both(sp.csr_matrix(X), y, penalty="l1", C=0.005)
    assert (ours.coef_ == 0.0).any()
    np.testing.assert_array_equal(ours.coef_ == 0.0, theirs.coef_ == 0.0)
    # C so small that w = 0 is optimal: no iteration runs.
    zero = LinearSVC(penalty="l1", dual=False, C=1e-6).fit(X, y)
    assert not zero.coef_.any() and zero.intercept_[0] == 0.0 and zero.n_iter_ == 0


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_gradient_vanishes_at_the_fit(penalty):
    """A NumPy reference of the optimality conditions, independent of scikit-learn."""
    X, y = data(2, seed=6)
    B = 2.0
    clf = LinearSVC(penalty=penalty, dual=False, intercept_scaling=B, C=0.5, **TIGHT).fit(X, y)
    w = np.append(clf.coef_[0], clf.intercept_[0] / B)
    Xb = np.hstack([X, np.full((len(y), 1), B)])
    sign = np.where(y == 1, 1.0, -1.0)
    slack = np.maximum(0.0, 1.0 - sign * (Xb @ w))
    grad = -2.0 * 0.5 * Xb.T @ (sign * slack)
    if penalty == "l2":
        np.testing.assert_allclose(grad + w, 0.0, atol=1e-6)
    else:  # subgradient: -grad = sign(w) where w != 0, |grad| <= 1 where w == 0
        nonzero = w != 0.0
        np.testing.assert_allclose(grad[nonzero], -np.sign(w[nonzero]), atol=1e-5)
        assert np.all(np.abs(grad[~nonzero]) <= 1.0 + 1e-6)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_sparse_float32_and_layouts_agree_with_dense(penalty, n_classes):
    X, y = data(n_classes, seed=5)
    X[np.abs(X) < 0.5] = 0.0
    params = {"penalty": penalty, "dual": False, **TIGHT}
    dense = LinearSVC(**params).fit(X, y)
    for variant in (sp.csr_matrix(X), sp.csc_array(X), np.asfortranarray(X)):
        other = LinearSVC(**params).fit(variant, y)
        np.testing.assert_allclose(other.coef_, dense.coef_, atol=1e-6)
        np.testing.assert_allclose(other.intercept_, dense.intercept_, atol=1e-6)
    single = LinearSVC(**params).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(single.coef_, dense.coef_, atol=1e-4)


def test_sparse_wide_problem():
    X = sp.random(300, 2000, density=0.01, format="csr", random_state=0)
    y = np.arange(300) % 2
    X = X + sp.csr_matrix((np.ones(300), (np.arange(300), y)), shape=X.shape)
    ours, theirs = fit_both(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-5)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_deterministic_and_thread_count_independent(penalty, n_classes):
    # Enough rows for several row blocks, so the binary problem splits its sums.
    # (Redundant columns make the l1 problem ill-posed and slow for any solver.)
    X, y = data(n_classes, n=3000, d=20, seed=2, n_redundant=0)
    X = sp.csr_matrix(X) if penalty == "l1" else X
    fits = [
        LinearSVC(penalty=penalty, dual=False, n_jobs=n_jobs, tol=1e-6).fit(X, y)
        for n_jobs in (1, 3, 2, 1)
    ]
    for other in fits[1:]:
        np.testing.assert_array_equal(other.coef_, fits[0].coef_)
        np.testing.assert_array_equal(other.intercept_, fits[0].intercept_)
        assert other.n_iter_ == fits[0].n_iter_


def test_sample_weight_equals_repetition():
    X, y = data(3, n=300, seed=4)
    w = np.ones(len(y))
    w[:40] = 2.0
    w[40:60] = 0.0
    weighted = LinearSVC(dual=False, **TIGHT).fit(X, y, sample_weight=w)
    rows = np.concatenate([np.arange(40), np.arange(len(y))[w > 0]])
    repeated = LinearSVC(dual=False, **TIGHT).fit(X[rows], y[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-6)


def test_n_iter_and_convergence_warning():
    X, y = data(3)
    clf = LinearSVC(dual=False).fit(X, y)
    assert isinstance(clf.n_iter_, int) and 1 <= clf.n_iter_ < 30  # Newton: a handful
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf = LinearSVC(dual=False, max_iter=1, tol=1e-12).fit(X, y)
    assert clf.n_iter_ == 1


@pytest.mark.parametrize(
    "penalty, loss", [("l2", "squared_hinge"), ("l2", "hinge"), ("l1", "squared_hinge")]
)
@pytest.mark.parametrize("shape", [(50, 10), (10, 50), (20, 20)])
def test_auto_dual_chooses_as_scikit_learn(penalty, loss, shape):
    classes = pytest.importorskip("sklearn.svm._classes")
    X = np.zeros(shape)
    est = LinearSVC(penalty=penalty, loss=loss)
    expected = classes._validate_dual_parameter("auto", loss, penalty, "ovr", X)
    assert uses_dual_solver(est, *shape) == expected


@pytest.mark.parametrize("shape", [(200, 10), (30, 60)])
def test_auto_dual_fits_like_the_explicit_choice(shape):
    X, y = make_classification(*shape, n_informative=5, random_state=0)
    auto = LinearSVC(random_state=0).fit(X, y)
    explicit = LinearSVC(dual=shape[0] < shape[1], random_state=0).fit(X, y)
    np.testing.assert_array_equal(auto.coef_, explicit.coef_)
    assert auto.n_iter_ == explicit.n_iter_


@pytest.mark.parametrize(
    "params, match",
    [
        ({"loss": "hinge", "dual": False}, "dual"),
        ({"penalty": "l1", "dual": True}, "dual"),
        ({"penalty": "l1", "loss": "hinge"}, "penalty"),
        ({"penalty": "l1", "loss": "hinge", "dual": False}, "penalty"),
    ],
)
def test_unsupported_combinations_raise_like_scikit_learn(params, match):
    svm = pytest.importorskip("sklearn.svm")
    X, y = data(2, n=50)
    with pytest.raises(ValueError, match=match):
        LinearSVC(**params).fit(X, y)
    with pytest.raises(ValueError):
        svm.LinearSVC(**params).fit(X, y)


def test_every_valid_combination_fits():
    X, y = data(3, n=120)
    for penalty, loss, dual in itertools.product(
        ["l1", "l2"], ["hinge", "squared_hinge"], [True, False, "auto"]
    ):
        est = LinearSVC(penalty=penalty, loss=loss, dual=dual, random_state=0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est.fit(X, y)
        except ValueError:
            continue
        assert est.score(X, y) > 0.5, (penalty, loss, dual)
