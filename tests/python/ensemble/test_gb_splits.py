"""Split finding and leaf-wise growth against a brute-force reference.

The reference enumerates every feature, every threshold between consecutive
distinct values and, when the node has missing values, both sides for them,
scoring each with the regularised gain of cpp/src/gbdt/split_finder.hpp:

    T(G) = sign(G) max(|G| - l1, 0),  score(G, H) = T(G)^2 / (H + l2)
    gain = (score(L) + score(R) - score(parent)) / 2,  leaf value = -T(G) / (H + l2)

Data has at most 255 distinct values per feature, so the bins are exact and
the native search sees exactly the reference's candidates.
"""

import numpy as np
import pytest

from mlarsenal import _core
from mlarsenal.ensemble import GradientBoostingRegressor

gbdt = _core.gbdt


# ----------------------------------------------------------------- reference
def _shrink(G, l1):
    return np.sign(G) * np.maximum(np.abs(G) - l1, 0.0)


def _score(G, H, l1, l2):
    d = H + l2
    return np.where(d > 0, _shrink(G, l1) ** 2 / np.where(d > 0, d, 1.0), 0.0)


def leaf_value(G, H, l1, l2):
    d = H + l2
    return 0.0 if d <= 0 else float(-_shrink(G, l1) / d)


def brute_force_best(X, g, h, rows, p):
    """All (gain, feature, left-mask over `rows`) candidates of one node, best first."""
    gr, hr = g[rows], h[rows]
    G, H = gr.sum(), hr.sum()
    parent = _score(G, H, p["l1_regularization"], p["l2_regularization"])
    out = []
    for f in range(X.shape[1]):
        x = X[rows, f]
        nan = np.isnan(x)
        values = np.unique(x[~nan])
        masks = [x <= t for t in (values[:-1] + values[1:]) / 2]
        if nan.any():
            masks = masks + [~nan] + [m | nan for m in masks]  # missing right / missing left
        for left in masks:
            nl, nr = left.sum(), (~left).sum()
            gl, hl = gr[left].sum(), hr[left].sum()
            gright, hright = G - gl, H - hl
            if min(nl, nr) < p["min_samples_leaf"]:
                continue
            if min(hl, hright) < p["min_child_weight"]:
                continue
            gain = 0.5 * (
                _score(gl, hl, p["l1_regularization"], p["l2_regularization"])
                + _score(gright, hright, p["l1_regularization"], p["l2_regularization"])
                - parent
            )
            if gain > max(p["min_split_gain"], 0.0):
                out.append((float(gain), f, left))
    out.sort(key=lambda c: -c[0])
    return out


def reference_grow(X, g, h, p):
    """Leaf-wise growth by brute force: {leaf id: rows}, per-leaf values, split log."""
    leaves = {0: np.arange(X.shape[0])}
    depth = {0: 0}
    log = []
    next_id = 1
    max_leaves = p["max_leaf_nodes"] or np.inf
    while len(leaves) < max_leaves:
        best = None
        for leaf, rows in leaves.items():
            if p["max_depth"] and depth[leaf] >= p["max_depth"]:
                continue
            cands = brute_force_best(X, g, h, rows, p)
            if cands and (best is None or cands[0][0] > best[0]):
                best = (cands[0][0], leaf, cands)
        if best is None:
            break
        gain, leaf, cands = best
        rows = leaves.pop(leaf)
        left = cands[0][2]
        log.append((gain, cands))
        leaves[next_id], leaves[next_id + 1] = rows[left], rows[~left]
        depth[next_id] = depth[next_id + 1] = depth[leaf] + 1
        next_id += 2
    values = {
        k: p["learning_rate"]
        * leaf_value(g[r].sum(), h[r].sum(), p["l1_regularization"], p["l2_regularization"])
        for k, r in leaves.items()
    }
    return leaves, values, log


# ------------------------------------------------------------- native helpers
def params(**overrides):
    p = {
        "max_leaf_nodes": 2,
        "max_depth": 0,
        "min_samples_leaf": 1,
        "min_child_weight": 1e-3,
        "min_split_gain": 0.0,
        "l1_regularization": 0.0,
        "l2_regularization": 0.0,
        "learning_rate": 1.0,
        "max_features": 1.0,
        "cat_smooth": 10.0,
        "cat_l2": 10.0,
        "min_data_per_group": 100,
        "max_cat_threshold": 32,
        "monotonic": [],
        "interaction_groups": [],
        "quantized_gradients": False,
        "n_threads": 1,
    }
    p.update(overrides)
    return p


def native_tree(X, g, h, p):
    bins = gbdt.fit_bins(X, None, 255, None, 1)
    binned = bins.apply(X, 1)
    grower = gbdt.TreeGrower(binned, bins, p)
    grower.grow(g, h, None, None, 0)
    return grower.tree()


def route(tree, X):
    """Node reached by every row (numerical splits only): a slow traversal."""
    out = np.empty(X.shape[0], dtype=np.int64)
    for i, x in enumerate(X):
        node = 0
        while tree["left"][node] >= 0:
            v = x[tree["feature"][node]]
            go_left = (
                bool(tree["default_left"][node]) if np.isnan(v) else v <= tree["threshold"][node]
            )
            node = tree["left"][node] if go_left else tree["right"][node]
        out[i] = node
    return out


def make_data(seed, n=240, n_features=4, n_values=12, nan_fraction=0.0, random_hess=False):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, n_values, size=(n, n_features)).astype(np.float64)
    X[:, 1] *= 0.37  # non-integer, still few distinct values
    if nan_fraction:
        X[rng.random(n) < nan_fraction, 2] = np.nan
        X[rng.random(n) < nan_fraction / 2, 0] = np.nan
    g = (rng.normal(size=n) + 0.8 * (X[:, 0] > 5) - 0.6 * np.nan_to_num(X[:, 2] < 3)).astype(
        np.float32
    )
    h = (rng.uniform(0.1, 2.0, size=n) if random_hess else np.ones(n)).astype(np.float32)
    return X, g, h


def same_partition(native_rows_by_leaf, reference_leaves):
    a = sorted(tuple(sorted(r)) for r in native_rows_by_leaf)
    b = sorted(tuple(sorted(r.tolist())) for r in reference_leaves.values())
    return a == b


# ----------------------------------------------------------------------- tests
SETTINGS = [
    dict(),
    dict(l2_regularization=3.0),
    dict(l1_regularization=4.0),
    dict(l1_regularization=1.5, l2_regularization=0.5, min_samples_leaf=15),
    dict(min_child_weight=30.0),
]


@pytest.mark.parametrize("random_hess", [False, True], ids=["unit_hess", "random_hess"])
@pytest.mark.parametrize("nan_fraction", [0.0, 0.15], ids=["no_nan", "nan"])
@pytest.mark.parametrize(
    "setting", SETTINGS, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "plain"
)
def test_single_split_is_the_brute_force_optimum(setting, nan_fraction, random_hess):
    X, g, h = make_data(7, nan_fraction=nan_fraction, random_hess=random_hess)
    p = params(**setting)
    tree = native_tree(X, g, h, p)
    cands = brute_force_best(X, g.astype(np.float64), h.astype(np.float64), np.arange(len(g)), p)
    assert cands, "the reference finds a split"
    best_gain = cands[0][0]
    assert tree["left"][0] == 1 and tree["right"][0] == 2
    assert tree["gain"][0] == pytest.approx(best_gain, rel=1e-9)
    # The chosen split partitions the rows as a split of the best gain does
    # (several candidates may tie: then any of them is right).
    left = route(tree, X) == 1
    optimal = [c for c in cands if c[0] >= best_gain * (1 - 1e-12)]
    assert any(f == tree["feature"][0] and np.array_equal(left, m) for _, f, m in optimal)
    # Leaf values: -T(G) / (H + l2), times the learning rate (1 here).
    l1, l2 = p["l1_regularization"], p["l2_regularization"]
    for node, mask in ((1, left), (2, ~left)):
        G, H = g[mask].astype(np.float64).sum(), h[mask].astype(np.float64).sum()
        assert tree["value"][node] == pytest.approx(leaf_value(G, H, l1, l2), rel=1e-9, abs=1e-12)
        assert tree["count"][node] == mask.sum()
        assert tree["cover"][node] == pytest.approx(H, rel=1e-12)


@pytest.mark.parametrize("hess", ["random", 2.5], ids=["random_hess", "constant_hess"])
@pytest.mark.parametrize("nan_fraction", [0.0, 0.15], ids=["no_nan", "nan"])
@pytest.mark.parametrize(
    "setting",
    [
        dict(max_leaf_nodes=7),
        dict(max_leaf_nodes=0, max_depth=3, min_samples_leaf=10),
        dict(max_leaf_nodes=9, l2_regularization=1.0, min_split_gain=0.5, learning_rate=0.3),
    ],
    ids=["7_leaves", "depth_3", "regularised"],
)
def test_leaf_wise_growth_matches_reference_grower(setting, nan_fraction, hess):
    # A constant hessian takes the (gradient, count) histograms.
    X, g, h = make_data(11, n=200, nan_fraction=nan_fraction, random_hess=hess == "random")
    if hess != "random":
        h = np.full_like(h, hess)
    p = params(**setting)
    tree = native_tree(X, g, h, p)
    leaves, values, log = reference_grow(X, g.astype(np.float64), h.astype(np.float64), p)
    reached = route(tree, X)
    native_leaves = [np.flatnonzero(reached == node) for node in np.unique(reached)]
    assert len(native_leaves) == len(leaves) == np.count_nonzero(tree["left"] < 0)
    assert same_partition(native_leaves, leaves)
    # Leaf values agree leaf by leaf (matched through their row sets).
    by_rows = {tuple(sorted(r.tolist())): values[k] for k, r in leaves.items()}
    for node in np.unique(reached):
        expected = by_rows[tuple(np.flatnonzero(reached == node).tolist())]
        assert tree["value"][node] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # Split gains, in the order they were made, match the reference's.
    internal = np.flatnonzero(tree["left"] >= 0)
    np.testing.assert_allclose(
        sorted(tree["gain"][internal], reverse=True),
        sorted((gain for gain, _ in log), reverse=True),
        rtol=1e-9,
    )
    if p["max_depth"]:
        depth = np.zeros(len(tree["left"]), dtype=int)
        for node in internal:
            depth[tree["left"][node]] = depth[tree["right"][node]] = depth[node] + 1
        assert depth.max() <= p["max_depth"]


def test_min_split_gain_can_forbid_every_split():
    X, g, h = make_data(3)
    g64, h64 = g.astype(np.float64), h.astype(np.float64)
    best = brute_force_best(X, g64, h64, np.arange(len(g)), params())[0][0]
    tree = native_tree(X, g, h, params(min_split_gain=best * 1.001))
    assert len(tree["left"]) == 1  # a single leaf
    assert tree["value"][0] == pytest.approx(leaf_value(g64.sum(), h64.sum(), 0, 0), rel=1e-9)
    tree = native_tree(X, g, h, params(min_split_gain=best * 0.999))
    assert len(tree["left"]) == 3


def test_constant_features_give_a_single_leaf():
    X = np.ones((50, 3))
    g = np.random.default_rng(0).normal(size=50).astype(np.float32)
    tree = native_tree(X, g, np.ones(50, np.float32), params(max_leaf_nodes=31))
    assert len(tree["left"]) == 1


def test_threshold_is_between_the_two_distinct_values():
    # One informative feature with values {0, 1, 2, 3}: the split is between 1 and 2.
    X = np.repeat(np.arange(4.0), 10)[:, None]
    g = np.where(X[:, 0] <= 1, -1.0, 1.0).astype(np.float32)
    tree = native_tree(X, g, np.ones(40, np.float32), params())
    assert tree["feature"][0] == 0
    assert 1.0 < tree["threshold"][0] < 2.0
    assert tree["value"][1] == pytest.approx(1.0) and tree["value"][2] == pytest.approx(-1.0)


# ----------------------------------------------------- through the estimator
def test_regressor_stump_matches_brute_force():
    rng = np.random.default_rng(5)
    n = 300
    X = rng.integers(0, 30, size=(n, 3)).astype(np.float64)
    X[:, 2] /= 7.0
    y = np.sin(X[:, 0] / 5.0) + 0.5 * (X[:, 2] > 2) + rng.normal(scale=0.3, size=n)
    est = GradientBoostingRegressor(
        max_iter=1, max_leaf_nodes=2, learning_rate=1.0, min_samples_leaf=1, early_stopping=False
    ).fit(X, y)
    forest = est.forest_.arrays
    mean = y.mean()
    assert forest["base_score"][0] == pytest.approx(mean)
    # The native gradients: float32(mean - y), unit hessians.
    g = (mean - y).astype(np.float32).astype(np.float64)
    cands = brute_force_best(X, g, np.ones(n), np.arange(n), params())
    best_gain, best_feature, best_left = cands[0]
    assert best_gain > cands[1][0] * (1 + 1e-9), "the data has one clear best split"
    assert forest["feature"][0] == best_feature
    left = X[:, best_feature] <= forest["threshold"][0]
    np.testing.assert_array_equal(left, best_left)
    # Leaves: the base (mean) plus -G/H = the mean of the side.
    pred = est.predict(X)
    np.testing.assert_allclose(pred[left], y[left].mean(), rtol=1e-6)
    np.testing.assert_allclose(pred[~left], y[~left].mean(), rtol=1e-6)
    assert forest["gain"][0] == pytest.approx(best_gain, rel=1e-6)


def test_regressor_l2_and_learning_rate_shrink_leaves():
    rng = np.random.default_rng(6)
    X = rng.integers(0, 10, size=(200, 1)).astype(np.float64)
    y = (X[:, 0] >= 5) * 3.0 + rng.normal(scale=0.1, size=200)
    lr, l2 = 0.3, 25.0
    est = GradientBoostingRegressor(
        max_iter=1,
        max_leaf_nodes=2,
        learning_rate=lr,
        l2_regularization=l2,
        min_samples_leaf=1,
        early_stopping=False,
    ).fit(X, y)
    left = X[:, 0] <= 4.5
    assert est.forest_.arrays["threshold"][0] == pytest.approx(4.5)
    mean = y.mean()
    for side in (left, ~left):
        G = float(np.sum((mean - y[side]).astype(np.float32)))
        expected = mean + lr * (-G / (side.sum() + l2))
        np.testing.assert_allclose(est.predict(X[side]), expected, rtol=1e-6)
