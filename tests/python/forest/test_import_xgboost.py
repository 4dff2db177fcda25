"""from_xgboost: the imported Forest predicts like XGBoost on edge data.

XGBoost accumulates margins in float32 and we in float64, so margins and
values are compared with rtol 1e-5 plus an absolute 1e-6 (a few float32 ulps
of the summed leaves); routing (leaf indices) must match exactly.
"""

import json
import pickle

import numpy as np
import pytest

xgb = pytest.importorskip("xgboost")

import mlarsenal  # noqa: E402
from mlarsenal.forest import from_xgboost  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
N_FEATURES = 5


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    X[:, 3] = np.round(X[:, 3], 1)  # many ties
    X[rng.random(X.shape) < 0.1] = np.nan  # missing at training time
    signal = np.nan_to_num(X[:, 0]) + (np.nan_to_num(X[:, 1]) > 0) - 0.5 * np.nan_to_num(X[:, 3])
    return X, signal, rng


def _gbtree(booster):
    """The gbtree model of booster's JSON (tree arrays, tree_info...)."""
    return json.loads(bytes(booster.save_raw("json")))["learner"]["gradient_booster"]["model"]


def _edge_rows(booster, n=300, seed=1):
    """Rows whose values are the model's split conditions, their float32
    neighbours, NaN and random values."""
    rng = np.random.default_rng(seed)
    model = _gbtree(booster)
    pools = [[np.nan, 0.0, -0.0] for _ in range(N_FEATURES)]
    for tree in model["trees"]:
        for node, f in enumerate(tree["split_indices"]):
            if tree["left_children"][node] >= 0:
                c = np.float32(tree["split_conditions"][node])
                below, above = np.nextafter(c, np.float32([-np.inf, np.inf]))
                pools[f] += [c, below, above]
    X = rng.normal(size=(n, N_FEATURES))
    for f, pool in enumerate(pools):
        take = rng.random(n) < 0.8
        X[take, f] = rng.choice(np.asarray(pool, dtype=np.float64), take.sum())
    return X.astype(np.float32)


def _assert_matches(booster, forest, X32):
    """Margins, values and leaves of forest == booster on float32 rows."""
    d = xgb.DMatrix(X32, missing=np.nan)
    margin = booster.predict(d, output_margin=True)
    np.testing.assert_allclose(forest.predict(X32, output="raw"), margin, rtol=RTOL, atol=ATOL)
    leaves = booster.predict(d, pred_leaf=True).reshape(len(X32), -1)
    np.testing.assert_array_equal(forest.predict(X32, output="leaf"), leaves)
    # float64 rows holding float32 values route the same.
    np.testing.assert_array_equal(forest.predict(X32.astype(np.float64), output="leaf"), leaves)
    return d


OBJECTIVES = [
    "reg:squarederror",
    "reg:absoluteerror",
    "reg:pseudohubererror",
    "binary:logistic",
    "binary:logitraw",
    "reg:logistic",
    "multi:softprob",
    "multi:softmax",
    "count:poisson",
    "reg:gamma",
    "reg:tweedie",
]


def _label(objective, signal, rng):
    if objective.startswith("multi"):
        return np.digitize(signal, [-0.5, 0.8])
    if objective.startswith(("binary", "reg:logistic")):
        return (signal > 0.5).astype(float)
    if objective in ("count:poisson", "reg:tweedie"):
        return rng.poisson(np.exp(0.5 * signal))
    if objective == "reg:gamma":
        return np.exp(0.5 * signal) * rng.gamma(2.0, size=len(signal))
    return signal + 0.1 * rng.normal(size=len(signal))


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_objectives_match_xgboost(objective):
    X, signal, rng = _data()
    params = {"max_depth": 4, "eta": 0.3, "objective": objective, "seed": 0}
    if objective.startswith("multi"):
        params["num_class"] = 3
    booster = xgb.train(params, xgb.DMatrix(X, _label(objective, signal, rng)), 8)
    forest = from_xgboost(booster)
    assert forest.meta["objective"] == objective
    X_test = np.vstack([X.astype(np.float32), _edge_rows(booster)])
    d = _assert_matches(booster, forest, X_test)
    value = forest.predict(X_test)
    if objective == "multi:softmax":  # XGBoost's predict gives the argmax
        np.testing.assert_array_equal(value.argmax(axis=1), booster.predict(d))
    else:
        np.testing.assert_allclose(value, booster.predict(d), rtol=RTOL, atol=ATOL)


def test_infinities_route_like_xgboost():
    X, signal, _ = _data()
    booster = xgb.train({"max_depth": 4}, xgb.DMatrix(X, signal), 8)
    forest = from_xgboost(booster)
    X_inf = _edge_rows(booster, n=200)
    rng = np.random.default_rng(3)
    X_inf[rng.random(X_inf.shape) < 0.2] = np.inf
    X_inf[rng.random(X_inf.shape) < 0.2] = -np.inf
    # DMatrix refuses infinities; inplace_predict compares them as values.
    margin = booster.inplace_predict(X_inf, predict_type="margin", missing=np.nan)
    np.testing.assert_allclose(forest.predict(X_inf, output="raw"), margin, rtol=RTOL, atol=ATOL)
    # By XGBoost's rule x < condition: -inf goes left and +inf right at every split.
    leaf_neg = forest.predict(np.full((1, N_FEATURES), -np.inf), output="leaf")[0]
    arrays = forest.arrays
    for t in range(forest.n_trees):
        node, base = 0, arrays["tree_offsets"][t]
        while arrays["left"][base + node] >= 0:
            node = arrays["left"][base + node]
        assert leaf_neg[t] == node


def test_classifier_wrappers_predict_proba():
    X, signal, _ = _data()
    for y in ((signal > 0.5).astype(int), np.digitize(signal, [-0.5, 0.8])):
        model = xgb.XGBClassifier(n_estimators=6, max_depth=3, random_state=0).fit(X, y)
        forest = from_xgboost(model)
        X_test = np.vstack([X, _edge_rows(model.get_booster()).astype(np.float64)])
        np.testing.assert_allclose(
            forest.predict_proba(X_test), model.predict_proba(X_test), rtol=1e-6, atol=1e-7
        )
        np.testing.assert_array_equal(forest.predict_proba(X_test).argmax(1), model.predict(X_test))


def test_regressor_wrapper_and_parallel_trees_with_iteration_range():
    X, signal, _ = _data()
    y = np.digitize(signal, [-0.5, 0.8])
    params = {"max_depth": 3, "num_parallel_tree": 3, "subsample": 0.7, "colsample_bynode": 0.6}
    params.update(objective="multi:softprob", num_class=3, seed=0)
    booster = xgb.train(params, xgb.DMatrix(X, y), 4)
    forest = from_xgboost(booster)
    assert forest.trees_per_iteration == 9 and forest.n_iterations == 4
    X_test = np.vstack([X.astype(np.float32), _edge_rows(booster)])
    d = _assert_matches(booster, forest, X_test)
    for r in ((0, 1), (1, 3)):
        np.testing.assert_allclose(
            forest.predict(X_test, iteration_range=r),
            booster.predict(d, iteration_range=r),
            rtol=RTOL,
            atol=ATOL,
        )
    model = xgb.XGBRegressor(n_estimators=5, max_depth=3, num_parallel_tree=2, subsample=0.8)
    model.fit(X, signal)
    forest = from_xgboost(model)
    assert forest.trees_per_iteration == 2
    np.testing.assert_allclose(forest.predict(X), model.predict(X), rtol=RTOL, atol=ATOL)


def test_multi_target_regression():
    X, signal, _ = _data()
    Y = np.column_stack([signal, -2 * signal])
    booster = xgb.train({"max_depth": 3, "tree_method": "hist"}, xgb.DMatrix(X, Y), 4)
    forest = from_xgboost(booster)
    assert forest.n_outputs == 2
    _assert_matches(booster, forest, np.vstack([X.astype(np.float32), _edge_rows(booster)]))


def _categorical_frame(rng, n=600):
    pd = pytest.importorskip("pandas")
    codes = rng.integers(0, 40, n)  # categories 40..49 never seen in training
    cat = pd.Categorical.from_codes(codes, categories=[f"c{i}" for i in range(50)])
    cat[rng.random(n) < 0.05] = np.nan
    num = rng.normal(size=n)
    num[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame({"cat": cat, "num": num, "x": rng.normal(size=n)})
    y = (codes % 3 == 0) * 2.0 + (codes % 7 == 1) + np.nan_to_num(num) + 0.1 * rng.normal(size=n)
    return frame, y


def _codes(frame):
    X = frame.assign(cat=frame["cat"].cat.codes).to_numpy(dtype=np.float64)
    X[X[:, 0] < 0, 0] = np.nan
    return X


@pytest.mark.parametrize("max_cat_to_onehot", [1, 64])
def test_categorical_splits(max_cat_to_onehot):
    rng = np.random.default_rng(5)
    frame, y = _categorical_frame(rng)
    model = xgb.XGBRegressor(
        n_estimators=6,
        max_depth=4,
        enable_categorical=True,
        tree_method="hist",
        max_cat_to_onehot=max_cat_to_onehot,
    ).fit(frame, y)
    booster = model.get_booster()
    forest = from_xgboost(booster)
    assert forest.meta["feature_types"] == ["c", "float", "float"]
    assert np.any(forest.arrays["split_kind"] == 1)
    X = _codes(frame)
    # Seen and unseen categories, NaN, negative, fractional, huge, ±inf.
    cat_values = [*range(50), np.nan, -1.0, -0.5, -0.0, 1.7, 38.99, 1e9, np.inf, -np.inf]
    extra = np.column_stack(
        [np.repeat(cat_values, 3), np.tile([np.nan, -0.3, 0.4], len(cat_values)),
         np.zeros(3 * len(cat_values))]
    ).astype(np.float32)  # fmt: skip
    X_test = np.vstack([X.astype(np.float32), extra])
    margin = booster.inplace_predict(X_test, predict_type="margin", missing=np.nan)
    np.testing.assert_allclose(forest.predict(X_test, output="raw"), margin, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(forest.predict(X_test), model.predict(X_test), rtol=RTOL, atol=ATOL)
    # Routing on the finite rows, through a DMatrix of codes.
    finite = X_test[np.all(~np.isinf(X_test), axis=1)]
    d = xgb.DMatrix(
        finite, feature_names=["cat", "num", "x"], feature_types=["c", "float", "float"],
        enable_categorical=True,
    )  # fmt: skip
    leaves = booster.predict(d, pred_leaf=True)
    np.testing.assert_array_equal(forest.predict(finite, output="leaf"), leaves)
    # XGBoost on the pandas frame agrees with the codes.
    np.testing.assert_allclose(forest.predict(X), model.predict(frame), rtol=RTOL, atol=ATOL)


def test_float64_rows_are_cast_to_float32_like_xgboost():
    X, signal, _ = _data()
    booster = xgb.train({"max_depth": 4}, xgb.DMatrix(X, signal), 8)
    forest = from_xgboost(booster)
    assert forest.meta["input_dtype"] == "float32"
    edges = _edge_rows(booster).astype(np.float64)
    # float64 values just below / above each float32 value: XGBoost rounds them to it.
    X64 = np.vstack([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)])
    margin = booster.inplace_predict(X64, predict_type="margin", missing=np.nan)
    leaves = booster.predict(xgb.DMatrix(X64), pred_leaf=True)
    np.testing.assert_array_equal(forest.predict(X64, output="leaf"), leaves)
    np.testing.assert_allclose(forest.predict(X64, output="raw"), margin, rtol=RTOL, atol=ATOL)
    # Categories: 3 - 1e-12 is category 3 for XGBoost (float32 3.0), not 2.
    frame, y = _categorical_frame(np.random.default_rng(6))
    model = xgb.XGBRegressor(
        n_estimators=4, max_depth=3, enable_categorical=True, max_cat_to_onehot=1
    )
    booster = model.fit(frame, y).get_booster()
    codes = _codes(frame)
    X64 = np.vstack([codes, np.nextafter(codes, -np.inf), np.nextafter(codes, np.inf)])
    margin = booster.inplace_predict(X64, predict_type="margin", missing=np.nan)
    np.testing.assert_allclose(
        from_xgboost(booster).predict(X64, output="raw"), margin, rtol=RTOL, atol=ATOL
    )


def _pruned_booster():
    X, signal, _ = _data()
    d = xgb.DMatrix(X, signal)
    booster = xgb.train({"max_depth": 5, "eta": 0.3}, d, 3)
    # Pruning afterwards leaves deleted nodes, and leaves whose value differs from base_weights.
    with pytest.warns(UserWarning):
        params = {"process_type": "update", "updater": "prune", "gamma": 30.0, "max_depth": 5}
        return X, xgb.train({**params, "eta": 0.3}, d, 3, xgb_model=booster)


def _leaf_values_match(booster, forest, X32):
    model = _gbtree(booster)
    leaves = booster.predict(xgb.DMatrix(X32), pred_leaf=True).astype(np.int64)
    ours = forest.predict(X32, output="leaf")
    arrays = forest.arrays
    for t, tree in enumerate(model["trees"]):
        expected = np.float32(tree["split_conditions"])[leaves[:, t]].astype(np.float64)
        got = arrays["value"][arrays["tree_offsets"][t] + ours[:, t]]
        np.testing.assert_array_equal(got, expected)


def test_pruned_trees_are_renumbered():
    X, booster = _pruned_booster()
    forest = from_xgboost(booster)
    assert forest.meta["xgboost_renumbered_trees"] == [0, 1, 2]
    n_xgb_nodes = sum(len(t["left_children"]) for t in _gbtree(booster)["trees"])
    assert forest.n_nodes < n_xgb_nodes  # deleted nodes dropped
    X_test = np.vstack([X.astype(np.float32), _edge_rows(booster)])
    margin = booster.predict(xgb.DMatrix(X_test), output_margin=True)
    np.testing.assert_allclose(forest.predict(X_test, output="raw"), margin, rtol=RTOL, atol=ATOL)
    _leaf_values_match(booster, forest, X_test)


def test_children_numbered_before_parents_are_renumbered():
    X, signal, _ = _data()
    booster = xgb.train({"max_depth": 3}, xgb.DMatrix(X, signal), 2)
    model = json.loads(bytes(booster.save_raw("json")))
    tree = model["learner"]["gradient_booster"]["model"]["trees"][1]
    n = len(tree["left_children"])
    perm = np.r_[0, np.arange(n - 1, 0, -1)]  # new position -> old id; root stays 0
    old_to_new = np.argsort(perm)
    for key, values in tree.items():
        if isinstance(values, list) and len(values) == n:
            tree[key] = [values[i] for i in perm]
    for key in ("left_children", "right_children"):
        tree[key] = [int(old_to_new[c]) if c >= 0 else -1 for c in tree[key]]
    tree["parents"] = [2147483647] + [int(old_to_new[p]) for p in tree["parents"][1:]]
    forest = from_xgboost(model)
    assert forest.meta["xgboost_renumbered_trees"] == [1]
    X32 = np.vstack([X.astype(np.float32), _edge_rows(booster)])
    np.testing.assert_allclose(
        forest.predict(X32, output="raw"),
        booster.predict(xgb.DMatrix(X32), output_margin=True),
        rtol=RTOL,
        atol=ATOL,
    )


def test_input_forms_give_the_same_forest(tmp_path):
    X, signal, _ = _data()
    params = {"max_depth": 3, "objective": "binary:logistic"}
    booster = xgb.train(params, xgb.DMatrix(X, signal > 0), 3)
    booster.save_model(tmp_path / "m.json")
    booster.save_model(tmp_path / "m.ubj")
    text = bytes(booster.save_raw("json"))
    forms = [
        booster,
        str(tmp_path / "m.json"),
        tmp_path / "m.ubj",
        text,
        text.decode(),
        json.loads(text),
        bytes(booster.save_raw("ubj")),
    ]
    expected = from_xgboost(booster).to_bytes()
    for form in forms:
        assert from_xgboost(form).to_bytes() == expected, type(form)


def test_save_load_round_trip_is_bit_identical(tmp_path):
    X, signal, _ = _data()
    booster = xgb.train(
        {"max_depth": 4, "objective": "multi:softprob", "num_class": 3},
        xgb.DMatrix(X, np.digitize(signal, [-0.5, 0.8])),
        5,
    )
    forest = from_xgboost(booster)
    path = tmp_path / "model.mla"
    forest.save(path)
    X_test = np.vstack([X.astype(np.float32), _edge_rows(booster)])
    for loaded in (mlarsenal.load(path), pickle.loads(pickle.dumps(forest))):
        assert loaded.meta == forest.meta
        for output in ("raw", "value", "leaf"):
            np.testing.assert_array_equal(
                loaded.predict(X_test, output=output), forest.predict(X_test, output=output)
            )
        assert loaded.to_bytes() == forest.to_bytes()


def test_statistics_and_feature_names():
    X, signal, _ = _data()
    names = [f"f{i}" for i in range(N_FEATURES)]
    booster = xgb.train({"max_depth": 3}, xgb.DMatrix(X, signal, feature_names=names), 3)
    forest = from_xgboost(booster)
    assert forest.feature_names == names
    gain = booster.get_score(importance_type="total_gain")
    total = sum(gain.values())
    expected = [gain.get(n, 0.0) / total for n in names]
    np.testing.assert_allclose(forest.feature_importances("gain"), expected, rtol=1e-5)
    tree = _gbtree(booster)["trees"][0]
    n = len(tree["sum_hessian"])
    np.testing.assert_allclose(forest.arrays["cover"][:n], np.float32(tree["sum_hessian"]))


def test_dart_with_unit_weights_is_accepted_else_rejected():
    X, signal, _ = _data()
    booster = xgb.train({"booster": "dart", "max_depth": 2}, xgb.DMatrix(X, signal), 3)
    weights = json.loads(bytes(booster.save_raw("json")))["learner"]["gradient_booster"]
    assert weights["weight_drop"] == [1.0, 1.0, 1.0]  # rate_drop=0: plain boosting
    np.testing.assert_allclose(
        from_xgboost(booster).predict(X.astype(np.float32)),
        booster.predict(xgb.DMatrix(X)),
        rtol=RTOL,
        atol=ATOL,
    )
    params = {"booster": "dart", "max_depth": 2, "rate_drop": 0.5}
    dropped = xgb.train(params, xgb.DMatrix(X, signal), 6)
    with pytest.raises(ValueError, match="weight_drop"):
        from_xgboost(dropped)


def test_unsupported_models_are_rejected():
    X, signal, _ = _data(n=100)
    d = xgb.DMatrix(X, signal)
    with pytest.raises(ValueError, match="gblinear"):
        from_xgboost(xgb.train({"booster": "gblinear"}, d, 1))
    with pytest.raises(ValueError, match="binary:hinge"):
        from_xgboost(xgb.train({"objective": "binary:hinge"}, xgb.DMatrix(X, signal > 0), 1))
    Y = np.column_stack([signal, signal])
    params = {"multi_strategy": "multi_output_tree", "tree_method": "hist"}
    vector = xgb.train(params, xgb.DMatrix(X, Y), 1)
    with pytest.raises(ValueError, match="vector leaves"):
        from_xgboost(vector)
    with pytest.raises(TypeError, match="from_xgboost expects"):
        from_xgboost(42)
    with pytest.raises(ValueError, match="not an XGBoost JSON model"):
        from_xgboost({"something": 1})


def test_malformed_trees_are_rejected():
    X, signal, _ = _data(n=100)
    booster = xgb.train({"max_depth": 2}, xgb.DMatrix(X, signal), 1)
    model = json.loads(bytes(booster.save_raw("json")))
    tree = model["learner"]["gradient_booster"]["model"]["trees"][0]
    tree["left_children"][1] = 0  # a cycle back to the root
    with pytest.raises(ValueError, match="reached twice"):
        from_xgboost(model)
    tree["left_children"][1] = 99
    with pytest.raises(ValueError, match="out of range"):
        from_xgboost(model)
    tree["left_children"][1] = -1
    tree["split_type"][0] = 1  # categorical, but no categories listed
    with pytest.raises(ValueError, match="has no categories"):
        from_xgboost(model)
