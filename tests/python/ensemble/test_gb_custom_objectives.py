"""Custom objectives: Python callables and numba (njit / cfunc) functions.

A custom objective starts from a raw prediction of 0 (no baseline), so the
comparisons with built-in losses centre the target or use data whose
built-in baseline is 0 (balanced classes).
"""

import numpy as np
import pytest

from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

PARAMS = dict(max_iter=20, early_stopping=False, n_jobs=1)


def squared_error(y_true, raw_pred):
    return raw_pred - y_true, np.ones_like(raw_pred)


def binary_log_loss(y_true, raw_pred):
    p = 1.0 / (1.0 + np.exp(-raw_pred))
    return p - y_true, np.maximum(p * (1.0 - p), 1e-16)


def softmax_loss(y_true, raw_pred):
    p = np.exp(raw_pred - raw_pred.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.eye(raw_pred.shape[1])[y_true.astype(int)]
    return p - onehot, np.maximum(p * (1.0 - p), 1e-16)


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    y = 2 * X[:, 0] + np.sin(X[:, 1]) + rng.normal(scale=0.3, size=500)
    return X, y


# ------------------------------------------------------------ Python callable
def test_callable_squared_error_matches_builtin_up_to_the_baseline(regression):
    X, y = regression
    custom = GradientBoostingRegressor(loss=squared_error, **PARAMS).fit(X, y - y.mean())
    builtin = GradientBoostingRegressor(**PARAMS).fit(X, y)
    assert custom.forest_.arrays["base_score"].tolist() == [0.0]
    np.testing.assert_allclose(custom.predict(X) + y.mean(), builtin.predict(X), atol=1e-9)
    # Same trees: the split structure is identical.
    np.testing.assert_array_equal(
        custom.forest_.arrays["feature"], builtin.forest_.arrays["feature"]
    )


def test_callable_stump_equals_builtin_stump(regression):
    X, y = regression
    stump = dict(
        max_iter=1,
        max_leaf_nodes=2,
        learning_rate=1.0,
        min_samples_leaf=1,
        early_stopping=False,
        n_jobs=1,
    )
    custom = GradientBoostingRegressor(loss=squared_error, **stump).fit(X, y)
    builtin = GradientBoostingRegressor(**stump).fit(X, y)
    # Each leaf predicts the mean of its side, from either starting point.
    np.testing.assert_allclose(custom.predict(X), builtin.predict(X), rtol=1e-6)


def test_callable_with_sample_weight(regression):
    X, y = regression
    w = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    centre = np.average(y, weights=w)
    custom = GradientBoostingRegressor(loss=squared_error, **PARAMS).fit(
        X, y - centre, sample_weight=w
    )
    builtin = GradientBoostingRegressor(**PARAMS).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(custom.predict(X) + centre, builtin.predict(X), atol=1e-9)


def test_callable_binary_log_loss_matches_builtin():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 3))
    y = np.zeros(400, dtype=int)
    y[np.argsort(X[:, 0] + rng.normal(size=400))[200:]] = 1  # exactly balanced: baseline 0
    custom = GradientBoostingClassifier(loss=binary_log_loss, **PARAMS).fit(X, y)
    builtin = GradientBoostingClassifier(**PARAMS).fit(X, y)
    assert custom.forest_.link == "logistic"
    np.testing.assert_allclose(custom.predict_proba(X), builtin.predict_proba(X), atol=1e-6)


def test_callable_softmax_matches_builtin():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 3))
    order = np.argsort(X[:, 0] + 0.5 * rng.normal(size=300))
    y = np.empty(300, dtype=int)
    y[order] = np.repeat([0, 1, 2], 100)  # equal priors: the built-in baseline is a constant
    custom = GradientBoostingClassifier(loss=softmax_loss, **PARAMS).fit(X, y)
    builtin = GradientBoostingClassifier(**PARAMS).fit(X, y)
    np.testing.assert_allclose(custom.predict_proba(X), builtin.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize(
    "objective, error, match",
    [
        (lambda y, r: (r[:5], r), ValueError, r"returned grad of shape \(5,\)"),
        (lambda y, r: [r - y, np.ones_like(r)], TypeError, "must return a tuple"),
        (lambda y, r: (r - y, -np.ones_like(r)), ValueError, "negative hessian"),
        (lambda y, r: (r - y + np.nan, np.ones_like(r)), ValueError, "non-finite grad"),
    ],
    ids=["shape", "not_tuple", "negative_hess", "nan_grad"],
)
def test_callable_errors(regression, objective, error, match):
    X, y = regression
    with pytest.raises(error, match=match):
        GradientBoostingRegressor(loss=objective, **PARAMS).fit(X, y)


def test_custom_objective_with_early_stopping_is_rejected(regression):
    X, y = regression
    with pytest.raises(ValueError, match=r"custom objective.*early_stopping=False"):
        GradientBoostingRegressor(
            loss=squared_error, max_iter=3, early_stopping=True, n_jobs=1
        ).fit(X, y)


# -------------------------------------------------------------------- numba
@pytest.fixture(scope="module")
def numba_objectives():
    numba = pytest.importorskip("numba")
    from numba import types

    @numba.njit
    def njit_squared(y_true, raw_pred, grad, hess):
        for i in range(y_true.shape[0]):
            grad[i] = raw_pred[i] - y_true[i]
            hess[i] = 1.0

    f64p = types.CPointer(types.float64)

    @numba.cfunc(types.void(types.int64, f64p, f64p, f64p, f64p))
    def cfunc_squared(n, y_true, raw_pred, grad, hess):
        for i in range(n):
            grad[i] = raw_pred[i] - y_true[i]
            hess[i] = 1.0

    @numba.cfunc(types.void(types.int64, f64p))
    def cfunc_wrong(n, y_true):
        pass

    @numba.cfunc(types.void(types.int64, f64p, f64p, f64p, f64p))
    def cfunc_negative_hess(n, y_true, raw_pred, grad, hess):
        for i in range(n):
            grad[i] = raw_pred[i] - y_true[i]
            hess[i] = -1.0

    return dict(
        njit=njit_squared, cfunc=cfunc_squared, wrong=cfunc_wrong, negative=cfunc_negative_hess
    )


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("form", ["njit", "cfunc"])
def test_numba_objective_equals_python_callable(regression, numba_objectives, form, weighted):
    X, y = regression
    w = np.random.default_rng(4).uniform(0.5, 2.0, len(y)) if weighted else None
    python = GradientBoostingRegressor(loss=squared_error, **PARAMS).fit(X, y, sample_weight=w)
    compiled = GradientBoostingRegressor(loss=numba_objectives[form], **PARAMS).fit(
        X, y, sample_weight=w
    )
    np.testing.assert_array_equal(compiled.predict(X), python.predict(X))


def test_numba_objective_is_thread_count_independent(numba_objectives):
    # 40k rows: the native loop calls the cfunc on several blocks at once.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40_000, 2))
    y = X[:, 0] + rng.normal(size=40_000)
    fits = [
        GradientBoostingRegressor(
            loss=numba_objectives["cfunc"], max_iter=3, early_stopping=False, n_jobs=n
        ).fit(X, y)
        for n in (1, 2)
    ]
    assert np.array_equal(fits[0].predict(X), fits[1].predict(X))


def test_numba_cfunc_with_wrong_signature_is_a_type_error(regression, numba_objectives):
    X, y = regression
    with pytest.raises(TypeError, match="signature"):
        GradientBoostingRegressor(loss=numba_objectives["wrong"], **PARAMS).fit(X, y)


def test_numba_negative_hessian_is_reported(regression, numba_objectives):
    X, y = regression
    with pytest.raises(ValueError, match="hessians >= 0"):
        GradientBoostingRegressor(loss=numba_objectives["negative"], **PARAMS).fit(X, y)


def test_numba_objective_is_single_output_only(numba_objectives):
    rng = np.random.default_rng(6)
    X = rng.normal(size=(90, 2))
    y = np.repeat([0, 1, 2], 30)
    with pytest.raises(ValueError, match="single-output"):
        GradientBoostingClassifier(loss=numba_objectives["njit"], **PARAMS).fit(X, y)
