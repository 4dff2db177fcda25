"""from_lightgbm: routing and scores identical to LightGBM on edge data."""

import warnings

import numpy as np
import pytest

from mlarsenal.forest import Forest, from_lightgbm

lgb = pytest.importorskip("lightgbm")

SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-36, -1e-36, -0.5, -1.0, 2.5, 7.0, 32.0, 3e9,
            float(np.float32(1e-35)), -float(np.float32(1e-35))]  # fmt: skip


def make_data(rng, n):
    X = rng.normal(size=(n, 4))
    X[:, 2] = rng.integers(0, 8, n)
    X[:, 3] = rng.integers(-1, 3, n)
    X[rng.random(n) < 0.2, 0] = 0.0
    X[rng.random(n) < 0.1, 1] = np.nan
    X[rng.random(n) < 0.1, 2] = np.nan
    return X


def thresholds(dump):
    found, stack = [], [t["tree_structure"] for t in dump["tree_info"]]
    while stack:
        node = stack.pop()
        if "split_index" in node:
            if node["decision_type"] == "<=":
                found.append((node["split_feature"], node["threshold"]))
            stack += [node["left_child"], node["right_child"]]
    return found


def edge_data(rng, dump):
    E = make_data(rng, 300)
    for i, (j, v) in enumerate(thresholds(dump)):
        E[i % len(E), j] = v
    for j in range(E.shape[1]):
        E[: len(SPECIALS), j] = SPECIALS
        E[20 : 20 + len(SPECIALS), j] = SPECIALS[::-1]
    return E


def train(objective, settings, rng, rounds=6, **extra):
    X = make_data(rng, 800)
    y = np.where(X[:, 0] != 0, X[:, 0], 4) + np.nan_to_num(X[:, 1], nan=3)
    y += np.isin(X[:, 2], [2, 5]) * 2 + X[:, 3]
    target = {
        "binary": (y > 2).astype(int),
        "multiclass": np.digitize(y, [1, 3]),
        "poisson": np.exp(y / 3),
    }.get(objective, y)
    params = dict(objective=objective, verbose=-1, num_threads=1, num_leaves=15, min_data_in_leaf=3,
                  min_data_per_group=5, cat_smooth=1, **settings, **extra)  # fmt: skip
    if objective == "multiclass":
        params["num_class"] = 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lgb.train(params, lgb.Dataset(X, target, categorical_feature=[2]), rounds)


SETTINGS = {
    "default": {},
    "zero_as_missing": {"zero_as_missing": True},
    "no_missing": {"use_missing": False},
}


@pytest.mark.parametrize("objective", ["regression", "binary", "multiclass", "poisson"])
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_matches_lightgbm(objective, setting, rng):
    booster = train(objective, SETTINGS[setting], rng)
    forest = from_lightgbm(booster)
    E = edge_data(rng, booster.dump_model())
    for dtype in (np.float64, np.float32):
        X = E.astype(dtype)
        raw = booster.predict(X, raw_score=True)
        np.testing.assert_allclose(forest.predict(X, output="raw"), raw, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(forest.predict(X), booster.predict(X), rtol=1e-6, atol=1e-9)
        # Routing: the leaf each row reaches holds LightGBM's leaf value.
        leaves = forest.predict(X, output="leaf")
        value = forest.arrays["value"][forest.arrays["tree_offsets"][:-1] + leaves]
        lgb_leaves = booster.predict(X, pred_leaf=True)
        expected = np.array(
            [[booster.get_leaf_output(t, int(leaf)) for t, leaf in enumerate(row)]
             for row in lgb_leaves]
        )  # fmt: skip
        np.testing.assert_array_equal(value, expected)


def test_average_output_random_forest_mode(rng):
    booster = train("binary", {"boosting": "rf", "bagging_fraction": 0.5, "bagging_freq": 1}, rng)
    forest = from_lightgbm(booster)
    X = edge_data(rng, booster.dump_model())
    np.testing.assert_allclose(forest.predict(X), booster.predict(X), rtol=1e-6, atol=1e-9)
    # LightGBM's raw_score is the sum over trees; the forest's margin is the average.
    np.testing.assert_allclose(
        forest.predict(X, output="raw") * forest.n_iterations,
        booster.predict(X, raw_score=True),
        rtol=1e-6, atol=1e-9,
    )  # fmt: skip


def test_inputs_sklearn_api_file_and_string(tmp_path, rng):
    X = make_data(rng, 300)
    y = (np.nan_to_num(X[:, 1]) > 0).astype(int)
    model = lgb.LGBMClassifier(n_estimators=5, num_leaves=7, verbose=-1, n_jobs=1).fit(X, y)
    path = tmp_path / "model.txt"
    model.booster_.save_model(path)
    expected = model.predict_proba(X)[:, 1]
    for source in (model, model.booster_, str(path), path, model.booster_.model_to_string()):
        np.testing.assert_allclose(from_lightgbm(source).predict(X), expected, rtol=1e-6)
    np.testing.assert_allclose(from_lightgbm(model).predict_proba(X), model.predict_proba(X))


def test_round_trip_is_bit_identical(rng):
    forest = from_lightgbm(train("multiclass", {}, rng))
    loaded = Forest.from_bytes(forest.to_bytes())
    assert loaded.to_bytes() == forest.to_bytes()
    X = edge_data(rng, {"tree_info": []})
    np.testing.assert_array_equal(loaded.predict(X, output="raw"), forest.predict(X, output="raw"))
    assert forest.arrays["split_kind"].max() > 1  # the flag bits survive the file


def test_rejects_what_a_forest_cannot_express(rng):
    with pytest.raises(ValueError, match="not fitted"):
        from_lightgbm(lgb.LGBMRegressor())
    with pytest.raises(TypeError, match=r"expects a lightgbm\.Booster"):
        from_lightgbm(42)
    with pytest.raises(ValueError, match="neither an existing model file"):
        from_lightgbm("no such file")
    X = make_data(rng, 200)
    with pytest.raises(ValueError, match="unsupported LightGBM objective 'lambdarank"):
        ranker = lgb.LGBMRanker(n_estimators=2, verbose=-1, n_jobs=1)
        from_lightgbm(ranker.fit(X, rng.integers(0, 3, 200), group=[100, 100]))
    with pytest.raises(ValueError, match="sigmoid"):
        from_lightgbm(train("binary", {"sigmoid": 2.0}, rng, rounds=2))
    linear = train("regression", {"linear_tree": True}, rng, rounds=2)
    with pytest.raises(ValueError, match="linear trees"):
        from_lightgbm(linear)
