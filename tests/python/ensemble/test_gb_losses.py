"""Native losses (cpp/src/gbdt/losses.cpp) against slow NumPy references.

Gradients and hessians are of the loss with respect to the raw prediction,
multiplied by the sample weight, stored as float32 in (k, n) class-major
layout. mean_loss is the weighted mean of the per-row loss.
"""

import numpy as np
import pytest
from scipy.special import expit, log_softmax, softmax

from mlarsenal import _core
from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

gbdt = _core.gbdt

N = 301
QUANTILE = 0.3
HUBER_DELTA = 0.7


# ------------------------------------------------------------------ references
def reference_gradients(loss, y, raw, q=QUANTILE, delta=HUBER_DELTA):
    """(k, n) gradient and hessian in float64, unweighted."""
    if loss == "softmax":
        p = softmax(raw, axis=1)
        onehot = np.eye(raw.shape[1])[y.astype(int)]
        return (p - onehot).T, np.maximum(p * (1 - p), 1e-16).T
    r = raw[:, 0]
    d = r - y
    one = np.ones_like(r)
    if loss == "squared_error":
        g, h = d, one
    elif loss == "absolute_error":
        g, h = np.sign(d), one
    elif loss == "huber":
        g, h = np.where(np.abs(d) <= delta, d, delta * np.sign(d)), one
    elif loss == "quantile":
        g, h = np.where(y > r, -q, np.where(y < r, 1 - q, 0.0)), one
    elif loss == "poisson":
        g, h = np.exp(r) - y, np.exp(r)
    elif loss == "log_loss":
        p = expit(r)
        g, h = p - y, np.maximum(p * (1 - p), 1e-16)
    else:  # pragma: no cover
        raise AssertionError(loss)
    return g[None, :], h[None, :]


def reference_row_loss(loss, y, raw, q=QUANTILE, delta=HUBER_DELTA):
    if loss == "softmax":
        return -log_softmax(raw, axis=1)[np.arange(len(y)), y.astype(int)]
    r = raw[:, 0]
    d = r - y
    if loss == "squared_error":
        return d**2
    if loss == "absolute_error":
        return np.abs(d)
    if loss == "huber":
        a = np.abs(d)
        return np.where(a <= delta, 0.5 * d**2, delta * (a - 0.5 * delta))
    if loss == "quantile":  # pinball
        return np.where(y >= r, q * (y - r), (1 - q) * (r - y))
    if loss == "poisson":  # deviance 2 (y log(y / mu) - y + mu), 0 log 0 = 0
        mu = np.exp(r)
        with np.errstate(divide="ignore", invalid="ignore"):
            ylogy = np.where(y > 0, y * np.log(y / mu), 0.0)
        return 2 * (ylogy - y + mu)
    if loss == "log_loss":  # binary cross-entropy from the logit
        return np.logaddexp(0, r) - y * r
    raise AssertionError(loss)  # pragma: no cover


def make_problem(loss, n=N, seed=0):
    rng = np.random.default_rng(seed)
    if loss == "softmax":
        k = 4
        y = rng.integers(0, k, size=n).astype(np.float64)
        raw = rng.normal(scale=2.0, size=(n, k))
        return y, raw
    raw = rng.normal(size=(n, 1))
    if loss == "poisson":
        y = rng.poisson(2.0, size=n).astype(np.float64)  # zeros included
    elif loss == "log_loss":
        y = rng.integers(0, 2, size=n).astype(np.float64)
        raw *= 4
    else:
        y = rng.normal(size=n)
        y[:5] = raw[:5, 0]  # residual exactly 0: sign(0), pinball at the kink
    return y, raw


LOSSES = ["squared_error", "absolute_error", "huber", "quantile", "poisson", "log_loss", "softmax"]


def native_gradients(loss, y, raw, weight, n_threads=1):
    k = raw.shape[1]
    grad = np.full((k, len(y)), np.nan, dtype=np.float32)
    hess = np.full((k, len(y)), np.nan, dtype=np.float32)
    gbdt.gradients(
        loss, y, np.ascontiguousarray(raw), weight, QUANTILE, HUBER_DELTA, n_threads, grad, hess
    )
    return grad, hess


# ----------------------------------------------------------------------- tests
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss", LOSSES)
def test_gradients_match_reference(loss, weighted):
    y, raw = make_problem(loss)
    weight = np.random.default_rng(1).uniform(0.0, 3.0, size=len(y)) if weighted else None
    grad, hess = native_gradients(loss, y, raw, weight)
    g_ref, h_ref = reference_gradients(loss, y, raw)
    if weighted:
        g_ref, h_ref = g_ref * weight, h_ref * weight
    # float32 storage of float64 arithmetic: one rounding.
    np.testing.assert_allclose(grad, g_ref, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(hess, h_ref, rtol=1e-6, atol=1e-20)
    assert grad.dtype == np.float32 and hess.dtype == np.float32


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("loss", LOSSES)
def test_mean_loss_matches_reference(loss, weighted):
    y, raw = make_problem(loss)
    weight = np.random.default_rng(2).uniform(0.0, 3.0, size=len(y)) if weighted else None
    value = gbdt.mean_loss(loss, y, raw, weight, QUANTILE, HUBER_DELTA, 1)
    expected = np.average(reference_row_loss(loss, y, raw), weights=weight)
    assert value == pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("loss", ["squared_error", "log_loss", "softmax"])
def test_threads_and_blocks_give_identical_results(loss):
    # More rows than one 16384-row block, so several blocks run in parallel.
    y, raw = make_problem(loss, n=40_000, seed=3)
    weight = np.random.default_rng(4).uniform(0.5, 2.0, size=len(y))
    g1, h1 = native_gradients(loss, y, raw, weight, n_threads=1)
    g3, h3 = native_gradients(loss, y, raw, weight, n_threads=3)
    assert np.array_equal(g1, g3) and np.array_equal(h1, h3)
    l1 = gbdt.mean_loss(loss, y, raw, weight, QUANTILE, HUBER_DELTA, 1)
    l3 = gbdt.mean_loss(loss, y, raw, weight, QUANTILE, HUBER_DELTA, 3)
    assert l1 == l3
    expected = np.average(reference_row_loss(loss, y, raw), weights=weight)
    assert l1 == pytest.approx(expected, rel=1e-10)


def test_log_loss_is_stable_for_extreme_logits():
    y = np.array([0.0, 1.0, 0.0, 1.0])
    raw = np.array([[800.0], [-800.0], [-800.0], [800.0]])
    grad, hess = native_gradients("log_loss", y, raw, None)
    np.testing.assert_array_equal(grad[0], [1, -1, 0, 0])
    np.testing.assert_array_equal(hess[0], np.float32(1e-16))  # floored, never 0
    value = gbdt.mean_loss("log_loss", y, raw, None, 0.5, 1.0, 1)
    assert value == pytest.approx(400.0)  # (800 + 800 + 0 + 0) / 4


def test_softmax_is_stable_for_large_logits():
    y = np.array([0.0, 2.0])
    raw = np.array([[1000.0, 0.0, -1000.0], [1000.0, 999.0, 0.0]])
    grad, _ = native_gradients("softmax", y, raw, None)
    assert np.isfinite(grad).all()
    value = gbdt.mean_loss("softmax", y, raw, None, 0.5, 1.0, 1)
    assert value == pytest.approx(np.mean([0.0, 1000.0 + np.log1p(np.exp(-1.0))]))


def test_gradients_layout_is_class_major():
    y, raw = make_problem("softmax", n=5)
    grad, _ = native_gradients("softmax", y, raw, None)
    assert grad.shape == (4, 5)
    # Row i's gradients over classes sum to 0 (softmax minus one-hot).
    np.testing.assert_allclose(grad.sum(axis=0), 0.0, atol=1e-6)


def test_unknown_loss_name_raises():
    y, raw = make_problem("squared_error", n=4)
    with pytest.raises(ValueError, match="unknown loss 'nope'"):
        native_gradients("nope", y, raw, None)
    with pytest.raises(ValueError, match="unknown loss"):
        gbdt.mean_loss("nope", y, raw, None, 0.5, 1.0, 1)


def test_softmax_target_must_be_a_class_index():
    raw = np.zeros((3, 3))
    for bad in (5.0, -1.0, 0.5):
        y = np.array([0.0, 1.0, bad])
        with pytest.raises(ValueError, match="not a class index"):
            native_gradients("softmax", y, raw, None)
        with pytest.raises(ValueError, match="not a class index"):
            gbdt.mean_loss("softmax", y, raw, None, 0.5, 1.0, 1)


def test_layout_errors():
    y, raw = make_problem("squared_error", n=6)
    grad = np.empty((1, 6), np.float32)
    hess = np.empty((1, 6), np.float32)
    with pytest.raises(ValueError, match="raw"):
        gbdt.gradients("squared_error", y, raw[:, 0], None, 0.5, 1.0, 1, grad, hess)
    with pytest.raises(ValueError, match="raw"):  # F-order / strided raw
        gbdt.gradients("squared_error", y, np.zeros((6, 2))[:, :1], None, 0.5, 1.0, 1, grad, hess)
    with pytest.raises(TypeError, match="grad"):
        gbdt.gradients("squared_error", y, raw, None, 0.5, 1.0, 1, grad.astype(np.float64), hess)
    with pytest.raises(ValueError, match="grad and hess"):
        gbdt.gradients("squared_error", y, raw, None, 0.5, 1.0, 1, grad[:, :3], hess)
    with pytest.raises(ValueError, match="columns"):  # single-output loss with k = 2
        gbdt.mean_loss("squared_error", y, np.zeros((6, 2)), None, 0.5, 1.0, 1)
    with pytest.raises(ValueError, match="sample_weight"):
        gbdt.mean_loss("squared_error", y, raw, np.ones(5), 0.5, 1.0, 1)


def test_zero_total_weight_mean_loss_is_zero():
    y, raw = make_problem("squared_error", n=4)
    assert gbdt.mean_loss("squared_error", y, raw, np.zeros(4), 0.5, 1.0, 1) == 0.0


# ------------------------------------------------- losses through the estimator
def _regression_problem(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, 2))
    f = np.sin(2 * X[:, 0]) + X[:, 1]
    return X, f, f + rng.normal(size=n), rng


FIT = dict(max_iter=40, early_stopping=False, n_jobs=1)


def _lower_weighted_quantile(y, w, q):
    """Smallest y whose cumulative weight reaches q of the total."""
    order = np.argsort(y, kind="stable")
    cumulative = np.cumsum(w[order])
    return y[order][np.searchsorted(cumulative, q * cumulative[-1])]


@pytest.mark.parametrize("q", [0.1, 0.5, 0.8])
def test_quantile_regression_covers_its_quantile(q):
    X, _, y, rng = _regression_problem()
    est = GradientBoostingRegressor(loss="quantile", quantile=q, **FIT).fit(X, y)
    assert np.mean(y <= est.predict(X)) == pytest.approx(q, abs=0.02)
    assert est.forest_.arrays["base_score"][0] == _lower_weighted_quantile(y, np.ones_like(y), q)
    w = rng.uniform(0.0, 3.0, len(y))
    est = GradientBoostingRegressor(loss="quantile", quantile=q, **FIT).fit(X, y, sample_weight=w)
    assert np.average(y <= est.predict(X), weights=w) == pytest.approx(q, abs=0.02)
    assert est.forest_.arrays["base_score"][0] == _lower_weighted_quantile(y, w, q)


def test_absolute_error_fits_the_median():
    X, _, y, _ = _regression_problem()
    est = GradientBoostingRegressor(loss="absolute_error", **FIT).fit(X, y)
    assert np.mean(y <= est.predict(X)) == pytest.approx(0.5, abs=0.02)


def test_squared_error_keeps_the_mean_and_poisson_the_mean_count():
    X, f, y, rng = _regression_problem()
    est = GradientBoostingRegressor(**FIT).fit(X, y)
    assert est.forest_.arrays["base_score"][0] == pytest.approx(y.mean(), rel=1e-12)
    assert est.predict(X).mean() == pytest.approx(y.mean(), abs=1e-6)
    counts = rng.poisson(np.exp(f / 2)).astype(np.float64)
    est = GradientBoostingRegressor(loss="poisson", **FIT).fit(X, counts)
    assert est.forest_.link == "exp"
    assert est.forest_.arrays["base_score"][0] == pytest.approx(np.log(counts.mean()), rel=1e-12)
    pred = est.predict(X)
    assert (pred > 0).all()
    assert pred.mean() == pytest.approx(counts.mean(), rel=0.01)
    np.testing.assert_allclose(pred, np.exp(est.forest_.predict(X, output="raw")), rtol=1e-12)


def test_robust_losses_resist_outliers():
    X, f, y, rng = _regression_problem()
    y = y.copy()
    y[rng.random(len(y)) < 0.05] += 50.0
    error = {
        loss: np.sqrt(
            np.mean(
                (
                    GradientBoostingRegressor(loss=loss, huber_delta=1.0, **FIT)
                    .fit(X, y)
                    .predict(X)
                    - f
                )
                ** 2
            )
        )
        for loss in ("squared_error", "huber", "absolute_error")
    }
    # huber_delta=None: the delta follows the 90th percentile of |residuals|.
    adaptive = GradientBoostingRegressor(loss="huber", huber_delta=None, **FIT).fit(X, y)
    error["huber_adaptive"] = np.sqrt(np.mean((adaptive.predict(X) - f) ** 2))
    assert error["huber"] < error["squared_error"] / 3
    assert error["huber_adaptive"] < error["squared_error"] / 2
    assert error["absolute_error"] < error["squared_error"] / 3


def test_classifier_baselines():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 2))
    y = (rng.random(400) < 0.3).astype(int)
    est = GradientBoostingClassifier(**FIT).fit(X, y)
    p = y.mean()
    assert est.forest_.arrays["base_score"][0] == pytest.approx(np.log(p / (1 - p)), rel=1e-12)
    y3 = rng.choice(3, size=400, p=[0.2, 0.3, 0.5])
    est = GradientBoostingClassifier(**FIT).fit(X, y3)
    prior = np.bincount(y3) / len(y3)
    np.testing.assert_allclose(est.forest_.arrays["base_score"], np.log(prior), rtol=1e-12)
    assert est.forest_.link == "softmax" and est.forest_.n_trees == 3 * 40
