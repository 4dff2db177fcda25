"""Monotonic and interaction constraints hold in the fitted trees."""

import numpy as np
import pytest

from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def _wiggly(seed, n=800, nan_fraction=0.0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, 3))
    if nan_fraction:
        X[rng.random(n) < nan_fraction, 0] = np.nan
    x0 = np.nan_to_num(X[:, 0])
    # Non-monotone in every feature, so an unconstrained model is too.
    y = (
        np.sin(3 * x0)
        + x0
        - X[:, 1] ** 3
        + np.sin(4 * X[:, 1])
        + X[:, 2] ** 2
        + X[:, 2] * x0
        + rng.normal(scale=0.7, size=n)
    )
    return X, y


def _worst_step(predict, n_features, feature, direction, seed, n_points=12):
    """Most negative direction * (prediction step) along a grid on `feature`,
    the other features fixed at random points."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(-2.5, 2.5, 251)
    worst = np.inf
    for _ in range(n_points):
        P = np.tile(rng.uniform(-2, 2, n_features), (len(grid), 1))
        P[:, feature] = grid
        worst = min(worst, (np.diff(predict(P)) * direction).min())
    return worst


# ----------------------------------------------------------------- monotonic
@pytest.mark.parametrize(
    "extra",
    [
        dict(),
        dict(max_leaf_nodes=63, min_samples_leaf=1, learning_rate=1.0),
        dict(l1_regularization=2.0, l2_regularization=1.0, max_depth=4),
        dict(quantized_gradients=True),
    ],
    ids=["default", "deep_lr1", "regularised", "quantized"],
)
@pytest.mark.parametrize("nan_fraction", [0.0, 0.1], ids=["no_nan", "nan"])
def test_regressor_monotonic_constraints_hold(extra, nan_fraction):
    X, y = _wiggly(0, nan_fraction=nan_fraction)
    params = dict(max_iter=30, early_stopping=False, n_jobs=1, min_samples_leaf=5)
    params.update(extra)
    est = GradientBoostingRegressor(monotonic_cst=[1, -1, 0], **params).fit(X, y)
    assert _worst_step(est.predict, 3, 0, +1, seed=1) >= 0
    assert _worst_step(est.predict, 3, 1, -1, seed=2) >= 0
    # The constraint binds: unconstrained, the same fit is not monotone.
    free = GradientBoostingRegressor(**params).fit(X, y)
    assert _worst_step(free.predict, 3, 0, +1, seed=1) < 0
    assert _worst_step(free.predict, 3, 1, -1, seed=2) < 0
    # ...and the constrained model still learns.
    assert est.score(X, y) > 0.5


def test_classifier_monotonic_constraints_hold():
    X, y = _wiggly(3)
    labels = (y > np.median(y)).astype(int)
    est = GradientBoostingClassifier(
        monotonic_cst=[1, -1, 0], max_iter=30, n_jobs=1, early_stopping=False, min_samples_leaf=5
    ).fit(X, labels)
    proba = lambda P: est.predict_proba(P)[:, 1]  # noqa: E731
    assert _worst_step(proba, 3, 0, +1, seed=4) >= 0
    assert _worst_step(proba, 3, 1, -1, seed=5) >= 0


def test_monotonic_constraint_by_feature_name():
    pd = pytest.importorskip("pandas")
    X, y = _wiggly(6)
    df = pd.DataFrame(X, columns=["up", "down", "free"])
    est = GradientBoostingRegressor(
        monotonic_cst={"up": 1, "down": -1}, max_iter=20, n_jobs=1, early_stopping=False
    ).fit(df, y)

    def predict(P):
        return est.predict(pd.DataFrame(P, columns=df.columns))

    assert _worst_step(predict, 3, 0, +1, seed=7) >= 0
    assert _worst_step(predict, 3, 1, -1, seed=8) >= 0


@pytest.mark.parametrize(
    "cst, match",
    [
        ([1, 0], "monotonic_cst has 2 entries"),
        ([2, 0, 0], "monotonic_cst entries"),
        ({"a": 1}, "feature names"),
        ([True, 0, 0], "monotonic_cst entries"),
    ],
)
def test_bad_monotonic_constraints(cst, match):
    X, y = _wiggly(0, n=60)
    with pytest.raises(ValueError, match=match):
        GradientBoostingRegressor(monotonic_cst=cst, max_iter=2).fit(X, y)


@pytest.mark.parametrize("loss", ["absolute_error", "quantile"])
def test_monotonic_with_refitted_leaves_is_rejected(loss):
    X, y = _wiggly(0, n=60)
    with pytest.raises(ValueError, match="monotonic_cst is not supported"):
        GradientBoostingRegressor(loss=loss, quantile=0.5, monotonic_cst=[1, 0, 0], max_iter=2).fit(
            X, y
        )


# --------------------------------------------------------------- interaction
def _path_feature_sets(forest):
    """The set of split features on every root-to-leaf path of every tree."""
    a = forest.arrays
    offsets, left, right, feature = a["tree_offsets"], a["left"], a["right"], a["feature"]
    paths = []
    for t in range(len(offsets) - 1):
        base = offsets[t]
        stack = [(0, frozenset())]
        while stack:
            node, used = stack.pop()
            i = base + node
            if left[i] < 0:
                paths.append(used)
                continue
            used = used | {int(feature[i])}
            stack += [(int(left[i]), used), (int(right[i]), used)]
    return paths


def _interacting_data(seed=0, n=1000):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 4))
    y = X[:, 0] * X[:, 1] * 4 + X[:, 1] * X[:, 2] * 3 + np.sin(3 * X[:, 3]) * X[:, 0]
    return X, y + rng.normal(scale=0.1, size=n)


@pytest.mark.parametrize(
    "cst, groups",
    [
        ([[0], [1]], [{0}, {1}, {2, 3}]),  # unlisted features form one more group
        ([[0, 1], [1, 2]], [{0, 1}, {1, 2}, {3}]),
        ("no_interactions", [{0}, {1}, {2}, {3}]),
        ("pairwise", [{i, j} for i in range(4) for j in range(i + 1, 4)]),
    ],
    ids=["singletons", "overlapping", "no_interactions", "pairwise"],
)
def test_interaction_constraints_hold_on_every_path(cst, groups):
    X, y = _interacting_data()
    est = GradientBoostingRegressor(
        interaction_cst=cst,
        max_iter=15,
        max_leaf_nodes=15,
        min_samples_leaf=5,
        n_jobs=1,
        early_stopping=False,
    ).fit(X, y)
    paths = _path_feature_sets(est.forest_)
    assert any(len(p) >= 1 for p in paths)
    for used in paths:
        assert any(used <= g for g in groups), f"path uses {sorted(used)}"
    if cst not in ("no_interactions",):
        # Interactions inside a group do occur (the constraint is not "no splits").
        assert any(len(p) >= 2 for p in paths)


def test_unconstrained_model_does_mix_features():
    X, y = _interacting_data()
    est = GradientBoostingRegressor(
        max_iter=15, max_leaf_nodes=15, min_samples_leaf=5, n_jobs=1, early_stopping=False
    ).fit(X, y)
    assert any({0, 1} <= p for p in _path_feature_sets(est.forest_))


def test_interaction_constraints_by_name_and_multiclass():
    pd = pytest.importorskip("pandas")
    X, y = _interacting_data(seed=1, n=600)
    df = pd.DataFrame(X, columns=list("abcd"))
    labels = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    est = GradientBoostingClassifier(
        interaction_cst=[["a"], ["b", "c"]], max_iter=8, n_jobs=1, early_stopping=False
    ).fit(df, labels)
    groups = [{0}, {1, 2}, {3}]
    for used in _path_feature_sets(est.forest_):
        assert any(used <= g for g in groups)


@pytest.mark.parametrize(
    "cst, match",
    [
        ([[0, 9]], r"not a feature index in \[0, 4\)"),
        ("some", "interaction_cst must be"),
        ([0, 1], "iterable of iterables"),
        ([["zz"]], "unknown feature 'zz'"),
    ],
)
def test_bad_interaction_constraints(cst, match):
    X, y = _interacting_data(n=60)
    with pytest.raises(ValueError, match=match):
        GradientBoostingRegressor(interaction_cst=cst, max_iter=2).fit(X, y)
