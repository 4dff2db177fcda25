"""Lasso and ElasticNet: the same optimum as scikit-learn, inputs, options and checks."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from estimator_checks import parametrize_estimator_checks
from sklearn import linear_model as sk_linear
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning

from mlarsenal import _core
from mlarsenal.linear_model import ElasticNet, Lasso


@parametrize_estimator_checks(
    [
        Lasso(),
        ElasticNet(),
        ElasticNet(alpha=0.1, l1_ratio=0.3, selection="random", random_state=0, n_jobs=2),
        Lasso(alpha=0.01, positive=True, fit_intercept=False),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def objective(model, X, y, sample_weight=None):
    """scikit-learn's objective at a fitted model, with ElasticNet's l1_ratio (1 for Lasso)."""
    l1_ratio = getattr(model, "l1_ratio", 1.0)
    coef = np.asarray(model.coef_, dtype=np.float64)
    r = y - X @ coef - float(model.intercept_)
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    return (
        0.5 * np.sum(w * r * r) / w.sum()
        + model.alpha * l1_ratio * np.abs(coef).sum()
        + 0.5 * model.alpha * (1 - l1_ratio) * coef @ coef
    )


def peer(model):
    """The scikit-learn estimator with our model's parameters."""
    params = model.get_params()
    params.pop("n_jobs")
    return getattr(sk_linear, type(model).__name__)(**params)


def datasets():
    tall = make_regression(400, 60, n_informative=12, noise=5.0, random_state=0)
    wide = make_regression(60, 300, n_informative=10, noise=1.0, random_state=1)
    X, y = make_regression(300, 80, n_informative=20, noise=3.0, random_state=2)
    correlated = (X + 1.5 * X[:, [0]] + 0.1 * np.roll(X, 1, axis=1), y)
    # More candidates than the first working set (100): sets must grow.
    many = make_regression(1500, 400, n_informative=150, noise=2.0, random_state=3)
    shifted = (tall[0] * 3.0 + 1e3, tall[1] + 50.0)
    return {"tall": tall, "wide": wide, "correlated": correlated, "many": many, "shifted": shifted}


DATASETS = datasets()
MODELS = {
    "lasso": Lasso(alpha=1.0),
    "lasso-small-alpha": Lasso(alpha=0.05),
    "enet": ElasticNet(alpha=0.5, l1_ratio=0.5),
    "enet-l1-0.9": ElasticNet(alpha=0.1, l1_ratio=0.9),
    "no-intercept": ElasticNet(alpha=0.3, l1_ratio=0.7, fit_intercept=False),
}


@pytest.mark.parametrize("data", list(DATASETS))
@pytest.mark.parametrize("name", list(MODELS))
def test_same_optimum_as_scikit_learn(data, name):
    X, y = DATASETS[data]
    model = MODELS[name].set_params(tol=1e-10, max_iter=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = model.fit(X, y)
        theirs = peer(model).fit(X, y)
    f_ours, f_theirs = objective(ours, X, y), objective(theirs, X, y)
    assert f_ours == pytest.approx(f_theirs, rel=1e-6)
    scale = np.abs(theirs.coef_).max()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-4 * scale)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6, abs=1e-4 * scale)


@pytest.mark.parametrize("model", [Lasso(alpha=0.5), ElasticNet(alpha=0.5, l1_ratio=0.6)])
def test_default_tolerance_reaches_scikit_learns_objective(model):
    X, y = make_regression(2000, 150, n_informative=20, noise=10.0, random_state=4)
    ours = model.fit(X, y)
    theirs = peer(model).fit(X, y)
    assert objective(ours, X, y) <= objective(theirs, X, y) * (1 + 1e-6)
    assert ours.dual_gap_ <= model.tol * np.var(y) + 1e-12
    assert isinstance(ours.n_iter_, int) and ours.n_iter_ >= 1


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_matches_dense(fmt, fit_intercept):
    rng = np.random.default_rng(5)
    X = sp.random(300, 120, density=0.1, random_state=6, format=fmt) * 4.0
    y = X @ (rng.normal(size=120) * (rng.random(120) < 0.2)) + rng.normal(size=300)
    weight = rng.random(300) * 2
    for sample_weight in (None, weight):
        model = ElasticNet(alpha=0.02, l1_ratio=0.8, tol=1e-10, fit_intercept=fit_intercept)
        dense = model.fit(X.toarray(), y, sample_weight=sample_weight)
        dense_coef, dense_intercept = dense.coef_.copy(), dense.intercept_
        sparse = model.fit(X, y, sample_weight=sample_weight)
        np.testing.assert_allclose(sparse.coef_, dense_coef, rtol=1e-6, atol=1e-8)
        assert sparse.intercept_ == pytest.approx(dense_intercept, rel=1e-6, abs=1e-8)
        np.testing.assert_allclose(sparse.predict(X), dense.predict(X.toarray()), rtol=1e-6)


def test_sparse_matches_scikit_learn():
    X = sp.random(400, 200, density=0.05, random_state=7, format="csr")
    y = np.asarray(X @ np.linspace(-3, 3, 200)).ravel() + np.random.default_rng(8).normal(size=400)
    ours = Lasso(alpha=0.01, tol=1e-10).fit(X, y)
    theirs = sk_linear.Lasso(alpha=0.01, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_stays_float32(sparse):
    X, y = make_regression(500, 40, n_informative=8, noise=2.0, random_state=9)
    X32 = X.astype(np.float32)
    X_in = sp.csc_matrix(X32) if sparse else X32
    model = ElasticNet(alpha=0.5, l1_ratio=0.5, tol=1e-8).fit(X_in, y)
    assert model.coef_.dtype == np.float32
    reference = ElasticNet(alpha=0.5, l1_ratio=0.5, tol=1e-8).fit(X32.astype(np.float64), y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("sparse", [False, True])
def test_sample_weight_is_repetition(sparse):
    X, y = make_regression(120, 30, n_informative=6, noise=3.0, random_state=10)
    counts = np.random.default_rng(11).integers(0, 4, size=120)
    X_rep, y_rep = np.repeat(X, counts, axis=0), np.repeat(y, counts)
    to_input = sp.csr_matrix if sparse else np.asarray
    model = ElasticNet(alpha=0.2, l1_ratio=0.7, tol=1e-12, max_iter=10_000)
    weighted = model.fit(to_input(X), y, sample_weight=counts.astype(float))
    coef, intercept = weighted.coef_.copy(), weighted.intercept_
    repeated = model.fit(to_input(X_rep), y_rep)
    np.testing.assert_allclose(coef, repeated.coef_, rtol=1e-7, atol=1e-9)
    assert intercept == pytest.approx(repeated.intercept_, rel=1e-7)


def test_sample_weight_matches_scikit_learn():
    X, y = make_regression(300, 50, n_informative=10, noise=5.0, random_state=12)
    weight = np.random.default_rng(13).random(300)
    ours = Lasso(alpha=0.3, tol=1e-10).fit(X, y, sample_weight=weight)
    theirs = sk_linear.Lasso(alpha=0.3, tol=1e-10).fit(X, y, sample_weight=weight)
    assert objective(ours, X, y, weight) == pytest.approx(objective(theirs, X, y, weight), 1e-9)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)


def test_positive():
    X, y = DATASETS["correlated"]
    ours = ElasticNet(alpha=0.2, l1_ratio=0.8, positive=True, tol=1e-10).fit(X, y)
    theirs = sk_linear.ElasticNet(alpha=0.2, l1_ratio=0.8, positive=True, tol=1e-10).fit(X, y)
    assert (ours.coef_ >= 0).all() and (ours.coef_ > 0).any()
    assert objective(ours, X, y) == pytest.approx(objective(theirs, X, y), rel=1e-6)


def test_warm_start_starts_from_the_previous_solution():
    X, y = DATASETS["tall"]
    model = Lasso(alpha=0.5, tol=1e-8, warm_start=True).fit(X, y)
    cold_iter, cold_coef = model.n_iter_, model.coef_.copy()
    model.fit(X, y)
    assert model.n_iter_ < cold_iter
    np.testing.assert_allclose(model.coef_, cold_coef, rtol=1e-6, atol=1e-8)
    # A new alpha continues from there (a path), to the same optimum as a cold fit.
    model.set_params(alpha=0.2).fit(X, y)
    cold = Lasso(alpha=0.2, tol=1e-8).fit(X, y)
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=1e-5, atol=1e-6)


def test_random_selection_is_deterministic_for_a_seed():
    X, y = DATASETS["correlated"]
    fit = lambda seed: ElasticNet(  # noqa: E731
        alpha=0.1, selection="random", random_state=seed, tol=1e-6, max_iter=100_000
    ).fit(X, y)
    a, b, c = fit(3), fit(3), fit(4)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.n_iter_ == b.n_iter_
    assert not np.array_equal(a.coef_, c.coef_)  # another seed, another path
    cyclic = ElasticNet(alpha=0.1, tol=1e-10, max_iter=100_000).fit(X, y)
    assert objective(a, X, y) == pytest.approx(objective(cyclic, X, y), rel=1e-6)


def native_fit(X, y, **options):
    """The dense solver called directly (no intercept), returning (coef, n_iter)."""
    coef = np.zeros(X.shape[1])
    settings = dict(
        l1=0.5, l2=0.1, tol=1e-10, max_iter=100_000, positive=False, random=False, seed=0,
        screening=True, fuse_updates=True, n_threads=1,
    )  # fmt: skip
    settings.update(options)
    _, n_iter, converged = _core.linear.elastic_net_dense(X, y - y.mean(), coef, None, **settings)
    assert converged
    return coef, n_iter


def test_screening_does_not_change_the_result():
    X, y = DATASETS["many"]
    with_screening, _ = native_fit(X, y, screening=True)
    without, _ = native_fit(X, y, screening=False)
    np.testing.assert_allclose(with_screening, without, rtol=1e-6, atol=1e-8)


def test_fused_updates_are_bit_identical():
    X, y = DATASETS["many"]
    fused, n_fused = native_fit(X, y, fuse_updates=True)
    plain, n_plain = native_fit(X, y, fuse_updates=False)
    np.testing.assert_array_equal(fused, plain)
    assert n_fused == n_plain


@pytest.mark.parametrize("order", ["C", "F"])
def test_thread_count_does_not_change_the_result(order):
    X, y = make_regression(20_000, 120, n_informative=30, noise=5.0, random_state=14)
    X = np.asarray(X, order=order)
    fits = [ElasticNet(alpha=0.5, tol=1e-8, n_jobs=n).fit(X, y) for n in (1, 2, 3)]
    for other in fits[1:]:
        np.testing.assert_array_equal(other.coef_, fits[0].coef_)
        assert other.intercept_ == fits[0].intercept_


def test_memory_order_and_strides_do_not_matter():
    X, y = DATASETS["tall"]
    base = Lasso(alpha=0.3, tol=1e-10).fit(X, y).coef_
    for variant in (np.asfortranarray(X), np.repeat(X, 2, axis=1)[:, ::2]):
        np.testing.assert_allclose(Lasso(alpha=0.3, tol=1e-10).fit(variant, y).coef_, base,
                                   rtol=1e-8, atol=1e-10)  # fmt: skip


def test_multi_output_fits_each_column():
    X, y = DATASETS["tall"]
    Y = np.column_stack([y, -2 * y + 1])
    model = ElasticNet(alpha=0.4, tol=1e-10).fit(X, Y)
    assert model.coef_.shape == (2, X.shape[1])
    assert model.intercept_.shape == (2,) and model.dual_gap_.shape == (2,)
    assert len(model.n_iter_) == 2
    for k in range(2):
        single = ElasticNet(alpha=0.4, tol=1e-10).fit(X, Y[:, k])
        np.testing.assert_allclose(model.coef_[k], single.coef_)
    assert model.predict(X).shape == (X.shape[0], 2)
    column = ElasticNet(alpha=0.4).fit(X, y[:, None])
    assert column.coef_.shape == (X.shape[1],)


def test_constant_and_zero_columns_get_zero_weight():
    X, y = DATASETS["tall"]
    X = X.copy()
    X[:, 3] = 7.0
    X[:, 5] = 0.0
    model = Lasso(alpha=0.1).fit(X, y)
    assert model.coef_[3] == 0 and model.coef_[5] == 0


def test_large_alpha_gives_zero_coefficients_and_the_mean():
    X, y = DATASETS["tall"]
    model = Lasso(alpha=1e6).fit(X, y)
    assert not model.coef_.any()
    assert model.intercept_ == pytest.approx(y.mean())


def test_fitted_state_is_plain_data():
    X, y = DATASETS["tall"]
    model = ElasticNet().fit(X, y)
    for name in ElasticNet._fitted_arrays:
        value = getattr(model, name)
        assert isinstance(value, (np.ndarray, np.generic, int, float)), name
    assert model.n_features_in_ == X.shape[1]


def test_feature_names_are_recorded():
    pd = pytest.importorskip("pandas")
    X, y = DATASETS["tall"]
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    model = Lasso().fit(frame, y)
    assert list(model.feature_names_in_) == list(frame.columns)


def test_not_converging_warns():
    X, y = DATASETS["correlated"]
    with pytest.warns(ConvergenceWarning):
        ElasticNet(alpha=0.01, max_iter=2, tol=1e-12).fit(X, y)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"alpha": "1"}, TypeError, "alpha"),
        ({"alpha": np.nan}, ValueError, "alpha"),
        ({"l1_ratio": 1.5}, ValueError, "l1_ratio"),
        ({"l1_ratio": -0.1}, ValueError, "l1_ratio"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 1.5}, TypeError, "max_iter"),
        ({"selection": "greedy"}, ValueError, "selection"),
        ({"precompute": True}, ValueError, "precompute"),
        ({"positive": "yes"}, TypeError, "positive"),
    ],
)
def test_bad_parameters(params, error, match):
    X, y = DATASETS["tall"]
    with pytest.raises(error, match=match):
        ElasticNet(**params).fit(X, y)


def test_bad_inputs():
    X, y = DATASETS["tall"]
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="X"):
        Lasso().fit(bad, y)
    bad[3, 2] = np.inf
    with pytest.raises(ValueError, match="X"):
        Lasso().fit(bad, y)
    with pytest.raises(ValueError, match="X"):
        Lasso().fit(sp.csr_matrix(bad), y)
    y_bad = y.copy()
    y_bad[0] = np.inf
    with pytest.raises(ValueError, match="y"):
        Lasso().fit(X, y_bad)
    with pytest.raises(ValueError):
        Lasso().fit(X, y[:-1])
    with pytest.raises(ValueError, match="X"):
        Lasso().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="X"):
        Lasso().fit(X[0], y)
    with pytest.raises(ValueError, match="y"):
        Lasso().fit(X, np.zeros((len(y), 2, 2)))
    with pytest.raises(ValueError, match="sample_weight"):
        Lasso().fit(X, y, sample_weight=-np.ones(len(y)))
    model = Lasso().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :5])
