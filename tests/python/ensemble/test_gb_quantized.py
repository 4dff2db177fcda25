"""quantized_gradients=True: integer histograms, exact leaf values.

Gradients on the integer grid (|g| <= 127 with max |g| = 127, integer
hessians up to 127) quantize to themselves, so the integer histograms must
give exactly the brute-force reference's tree: this checks both integer
kernels (packed gradient + count for a constant hessian, four int32 lanes
otherwise). Off the grid, splits come from stochastically rounded sums but
leaf values from the exact gradients.
"""

import numpy as np
import pytest
from simd_levels import outputs_per_level
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import mean_squared_error, roc_auc_score
from test_gb_splits import (
    leaf_value,
    native_tree,
    params,
    reference_grow,
    route,
    same_partition,
)

import mlarsenal
from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def _grid_data(seed, constant_hessian, n=300, nan_fraction=0.1):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 12, size=(n, 4)).astype(np.float64)
    X[rng.random(n) < nan_fraction, 2] = np.nan
    g = rng.integers(-127, 128, size=n) + np.where(X[:, 0] > 5, 40, -40)
    g = np.clip(g, -127, 127)
    g[0] = 127  # the largest |g| is 127: the gradient scale is exactly 1
    if constant_hessian:
        h = np.full(n, 1.0)
    else:
        h = rng.integers(1, 128, size=n).astype(np.float64)
        h[1] = 127
    return X, g.astype(np.float32), h.astype(np.float32)


@pytest.mark.parametrize("constant_hessian", [True, False], ids=["packed", "four_lanes"])
@pytest.mark.parametrize(
    "setting",
    [dict(max_leaf_nodes=9), dict(max_leaf_nodes=0, max_depth=3, l2_regularization=2.0)],
    ids=["9_leaves", "depth_3"],
)
def test_integer_gradients_grow_the_reference_tree(setting, constant_hessian):
    X, g, h = _grid_data(3, constant_hessian)
    p = params(min_samples_leaf=5, quantized_gradients=True, **setting)
    tree = native_tree(X, g, h, p)
    leaves, values, log = reference_grow(X, g.astype(np.float64), h.astype(np.float64), p)
    reached = route(tree, X)
    native_leaves = [np.flatnonzero(reached == node) for node in np.unique(reached)]
    assert len(native_leaves) == len(leaves)
    assert same_partition(native_leaves, leaves)
    internal = np.flatnonzero(tree["left"] >= 0)
    np.testing.assert_allclose(
        sorted(tree["gain"][internal], reverse=True),
        sorted((gain for gain, _ in log), reverse=True),
        rtol=1e-9,
    )
    for node in np.unique(reached):
        rows = np.flatnonzero(reached == node)
        assert tree["count"][node] == len(rows)
        expected = values[next(k for k, r in leaves.items() if np.array_equal(np.sort(r), rows))]
        assert tree["value"][node] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def _subtree_leaves(tree, node):
    if tree["left"][node] < 0:
        return [node]
    return _subtree_leaves(tree, tree["left"][node]) + _subtree_leaves(tree, tree["right"][node])


@pytest.mark.parametrize("random_hess", [False, True], ids=["unit_hess", "random_hess"])
def test_node_values_and_covers_come_from_exact_gradients(random_hess):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2000, 5))
    g = (rng.normal(size=2000) + X[:, 0]).astype(np.float32)
    h = (rng.uniform(0.05, 1.0, 2000) if random_hess else np.ones(2000)).astype(np.float32)
    p = params(max_leaf_nodes=12, min_samples_leaf=20, l2_regularization=1.0, learning_rate=0.3)
    p["quantized_gradients"] = True
    tree = native_tree(X, g, h, p)
    reached = route(tree, X)
    assert len(np.unique(reached)) == 12
    for node in range(len(tree["left"])):  # leaves and internal nodes
        mask = np.isin(reached, _subtree_leaves(tree, node))
        G, H = g[mask].astype(np.float64).sum(), h[mask].astype(np.float64).sum()
        assert tree["value"][node] == pytest.approx(
            0.3 * leaf_value(G, H, 0.0, 1.0), rel=1e-9, abs=1e-12
        )
        assert tree["cover"][node] == pytest.approx(H, rel=1e-9)
        assert tree["count"][node] == mask.sum()


def test_quantized_fits_are_as_good_as_exact_ones():
    X, y = make_regression(6000, 10, n_informative=6, noise=5.0, random_state=0)
    train, test = slice(0, 5000), slice(5000, None)
    rmse = {}
    for quantized in (False, True):
        est = GradientBoostingRegressor(
            quantized_gradients=quantized, early_stopping=False, random_state=0, n_jobs=1
        ).fit(X[train], y[train])
        rmse[quantized] = mean_squared_error(y[test], est.predict(X[test])) ** 0.5
    assert rmse[True] < 1.03 * rmse[False]

    X, y = make_classification(6000, 10, n_informative=6, random_state=0)
    auc = {}
    for quantized in (False, True):
        est = GradientBoostingClassifier(
            quantized_gradients=quantized, early_stopping=False, random_state=0, n_jobs=1
        ).fit(X[train], y[train])
        auc[quantized] = roc_auc_score(y[test], est.predict_proba(X[test])[:, 1])
    assert auc[True] > auc[False] - 0.005


def test_quantized_gradients_change_the_splits_not_the_api():
    X, y = make_classification(3000, 8, n_classes=3, n_informative=5, random_state=1)
    common = dict(max_iter=10, early_stopping=False, random_state=0, n_jobs=1)
    exact = GradientBoostingClassifier(**common).fit(X, y)
    quantized = GradientBoostingClassifier(quantized_gradients=True, **common).fit(X, y)
    assert not np.array_equal(quantized.predict_proba(X), exact.predict_proba(X))
    assert quantized.score(X, y) > exact.score(X, y) - 0.03
    # Same random_state, same model; the rounding draws follow random_state.
    again = GradientBoostingClassifier(quantized_gradients=True, **common).fit(X, y)
    assert np.array_equal(again.predict_proba(X), quantized.predict_proba(X))


def test_weighted_squared_error_quantizes_its_hessians():
    # Weights make the hessians differ row to row: the four-lane path.
    X, y = make_regression(3000, 6, noise=3.0, random_state=2)
    w = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    common = dict(early_stopping=False, random_state=0, n_jobs=1)
    exact = GradientBoostingRegressor(**common).fit(X, y, sample_weight=w)
    quantized = GradientBoostingRegressor(quantized_gradients=True, **common).fit(
        X, y, sample_weight=w
    )
    assert quantized.score(X, y, sample_weight=w) > exact.score(X, y, sample_weight=w) - 0.01


def test_save_load_keeps_the_setting(tmp_path):
    X, y = make_regression(500, 4, random_state=0)
    est = GradientBoostingRegressor(quantized_gradients=True, max_iter=5, n_jobs=1).fit(X, y)
    est.save(tmp_path / "model.mla")
    loaded = mlarsenal.load(tmp_path / "model.mla")
    assert loaded.get_params()["quantized_gradients"] is True
    assert np.array_equal(loaded.predict(X), est.predict(X))


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_quantized_gradients_must_be_a_bool(value):
    X, y = make_regression(100, 3, random_state=0)
    with pytest.raises(ValueError, match="quantized_gradients must be True or False"):
        GradientBoostingRegressor(quantized_gradients=value).fit(X, y)


def test_non_finite_custom_gradients_are_rejected():
    X, y = make_regression(200, 3, random_state=0)

    def objective(y_true, raw):
        grad = raw - y_true
        grad[3] = np.inf
        return grad, np.ones_like(grad)

    with pytest.raises(ValueError, match="finite"):
        GradientBoostingRegressor(
            loss=objective, quantized_gradients=True, max_iter=2, early_stopping=False
        ).fit(X, y)


_SIMD_SCRIPT = """
import hashlib
import numpy as np
from sklearn.datasets import make_classification, make_regression
from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
X, y = make_regression(3000, 6, random_state=0)
common = dict(quantized_gradients=True, max_iter=5, early_stopping=False, random_state=0)
a = GradientBoostingRegressor(**common).fit(X, y).predict(X)
X, y = make_classification(3000, 6, random_state=0)
b = GradientBoostingClassifier(**common).fit(X, y).predict_proba(X)
print(hashlib.sha256(a.tobytes() + b.tobytes()).hexdigest())
"""


def test_identical_on_every_instruction_set():
    # Quantization and the integer kernels are compiled once per instruction
    # set: every build must round the same way and sum the same integers.
    assert len(set(outputs_per_level(_SIMD_SCRIPT).values())) == 1
