"""from_sklearn: routing and scores identical to scikit-learn on edge data."""

import numpy as np
import pytest

from mlarsenal.forest import Forest, from_sklearn

pytest.importorskip("sklearn")
from sklearn import ensemble, tree

TOL = {"rtol": 1e-6, "atol": 1e-9}


def make_data(rng, n, categorical=False):
    X = rng.normal(size=(n, 3))
    X[rng.random(n) < 0.1, 1] = np.nan
    if categorical:
        X[:, 2] = rng.integers(0, 40, n)
        X[rng.random(n) < 0.1, 2] = np.nan
    y = np.nan_to_num(X[:, 1], nan=2.0) + X[:, 0] + (np.nan_to_num(X[:, 2]) % 3 == 1)
    return X, y


def edge_rows(rng, forest, categorical=False, finite=False):
    X, _ = make_data(rng, 200, categorical)
    a = forest.arrays
    inner = np.flatnonzero((a["left"] >= 0) & (a["split_kind"] == 0))
    for i, node in enumerate(inner):
        # sklearn trees split missing values off with an infinite threshold
        if np.isfinite(a["threshold"][node]) or not finite:
            X[i % len(X), a["feature"][node]] = a["threshold"][node]
    specials = [np.nan, 0.0, -0.0, -1.0, -0.5, 1.5, 39.0, 40.0, 64.0, 300.0, 3e38]
    if not finite:
        specials += [np.inf, -np.inf, 1e300]
    for j in range(X.shape[1]):
        X[100 : 100 + len(specials), j] = specials
    return X


CLASSIFIERS = [
    tree.DecisionTreeClassifier(max_depth=5, random_state=0),
    ensemble.RandomForestClassifier(n_estimators=4, max_depth=4, random_state=0),
    ensemble.ExtraTreesClassifier(n_estimators=4, max_depth=4, random_state=0),
]
REGRESSORS = [
    tree.DecisionTreeRegressor(max_depth=5, random_state=0),
    ensemble.RandomForestRegressor(n_estimators=4, max_depth=4, random_state=0),
    ensemble.ExtraTreesRegressor(n_estimators=4, max_depth=4, random_state=0),
]


def check_dtypes(forest, X, check):
    for dtype in (np.float64, np.float32):
        check(X.astype(dtype))


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("est", CLASSIFIERS, ids=lambda e: type(e).__name__)
def test_tree_classifiers(est, n_classes, rng):
    X, y = make_data(rng, 400)
    est = est.fit(X, np.digitize(y, [0.0, 1.0][: n_classes - 1]))
    forest = from_sklearn(est)
    assert forest.n_outputs == n_classes
    check_dtypes(forest, edge_rows(rng, forest, finite=True),
                 lambda E: np.testing.assert_allclose(forest.predict(E), est.predict_proba(E), **TOL))  # fmt: skip


@pytest.mark.parametrize("est", REGRESSORS, ids=lambda e: type(e).__name__)
def test_tree_regressors(est, rng):
    X, y = make_data(rng, 400)
    est = est.fit(X, y)
    forest = from_sklearn(est)
    check_dtypes(forest, edge_rows(rng, forest, finite=True),
                 lambda E: np.testing.assert_allclose(forest.predict(E), est.predict(E), **TOL))  # fmt: skip
    # Routing: a single tree's leaf is sklearn's leaf (same node numbering here).
    if isinstance(est, tree.DecisionTreeRegressor):
        E = edge_rows(rng, forest, finite=True)
        values = forest.arrays["value"][forest.predict(E, output="leaf")[:, 0]]
        np.testing.assert_array_equal(values, est.tree_.value[est.apply(E), 0, 0])


@pytest.mark.parametrize("n_classes", [1, 2, 3])
def test_gradient_boosting(n_classes, rng):
    X, y = make_data(rng, 400)
    X = np.nan_to_num(X)  # GradientBoosting* does not take NaN
    if n_classes == 1:
        est = ensemble.GradientBoostingRegressor(n_estimators=5, max_depth=3).fit(X, y)
    else:
        est = ensemble.GradientBoostingClassifier(n_estimators=5, max_depth=3)
        est.fit(X, np.digitize(y, [0.0, 1.0][: n_classes - 1]))
    forest = from_sklearn(est)

    def check(E):
        raw = est._raw_predict(E.astype(np.float32))  # what predict() does
        out = forest.predict(E, output="raw")
        np.testing.assert_allclose(out, raw.reshape(out.shape), **TOL)
        if n_classes > 1:
            np.testing.assert_allclose(forest.predict_proba(E), est.predict_proba(E), **TOL)
        else:
            np.testing.assert_allclose(forest.predict(E), est.predict(E), **TOL)

    check_dtypes(forest, np.nan_to_num(edge_rows(rng, forest, finite=True)), check)


@pytest.mark.parametrize("loss", ["squared_error", "poisson", "binary", "multiclass"])
@pytest.mark.parametrize("categorical", [False, True])
def test_hist_gradient_boosting(loss, categorical, rng):
    X, y = make_data(rng, 600, categorical)
    kwargs = {"max_iter": 5, "categorical_features": [2] if categorical else None}
    if loss in ("squared_error", "poisson"):
        target = np.exp(y / 3) if loss == "poisson" else y
        est = ensemble.HistGradientBoostingRegressor(loss=loss, **kwargs).fit(X, target)
    else:
        est = ensemble.HistGradientBoostingClassifier(**kwargs)
        est.fit(X, np.digitize(y, [0.0] if loss == "binary" else [0.0, 1.0]))
    forest = from_sklearn(est)

    def check(E):
        raw = est._raw_predict(E)
        out = forest.predict(E, output="raw")
        np.testing.assert_allclose(out, raw.reshape(out.shape), **TOL)
        if loss in ("binary", "multiclass"):
            np.testing.assert_allclose(forest.predict_proba(E), est.predict_proba(E), **TOL)
        else:
            np.testing.assert_allclose(forest.predict(E), est.predict(E), **TOL)

    check_dtypes(forest, edge_rows(rng, forest, categorical, finite=True), check)


def test_float64_rows_are_cast_like_sklearn():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    est = tree.DecisionTreeRegressor(max_depth=1).fit(X, [0.0, 0.0, 1.0, 1.0])
    forest = from_sklearn(est)
    assert forest.meta["input_dtype"] == "float32"
    t = est.tree_.threshold[0]
    # Just above the float64 threshold but equal to it once rounded to float32.
    E = np.array([[np.nextafter(t, 10.0)], [float(np.float32(t))]])
    np.testing.assert_array_equal(forest.predict(E), est.predict(E))


def test_round_trip_is_bit_identical(rng):
    X, y = make_data(rng, 300, categorical=True)
    est = ensemble.HistGradientBoostingRegressor(max_iter=3, categorical_features=[2]).fit(X, y)
    forest = from_sklearn(est)
    loaded = Forest.from_bytes(forest.to_bytes())
    assert loaded.to_bytes() == forest.to_bytes()
    E = edge_rows(rng, forest, categorical=True)
    np.testing.assert_array_equal(loaded.predict(E, output="raw"), forest.predict(E, output="raw"))


def test_rejects_what_a_forest_cannot_express(rng):
    X, y = make_data(rng, 200)
    X = np.nan_to_num(X)
    with pytest.raises(ValueError, match="not fitted"):
        from_sklearn(ensemble.RandomForestRegressor())
    with pytest.raises(TypeError, match="expects a decision tree"):
        from_sklearn(object())
    with pytest.raises(ValueError, match="multi-output"):
        from_sklearn(tree.DecisionTreeRegressor(max_depth=2).fit(X, np.c_[y, y]))
    with pytest.raises(ValueError, match="exponential"):
        est = ensemble.GradientBoostingClassifier(loss="exponential", n_estimators=2)
        from_sklearn(est.fit(X, y > 0))
    with pytest.raises(ValueError, match="init=LinearRegression"):
        from sklearn.linear_model import LinearRegression

        from_sklearn(
            ensemble.GradientBoostingRegressor(init=LinearRegression(), n_estimators=2).fit(X, y)
        )
    Xc = X.copy()
    Xc[:, 2] = rng.integers(-2, 3, len(X))
    est = ensemble.HistGradientBoostingRegressor(max_iter=2, categorical_features=[2])
    with pytest.raises(ValueError, match="not an integer"):
        from_sklearn(est.fit(Xc, Xc[:, 2]))
