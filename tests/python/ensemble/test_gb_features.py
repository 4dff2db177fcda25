"""Missing values and categorical features in gradient boosting.

Observed (and documented in cpp/src/gbdt/split_finder.cpp): with NaN in a
node's training rows, the side for missing values is learned; with none, a
NaN at prediction follows the child that had more training rows. A
categorical value not seen in training is treated as missing.
"""

import warnings

import numpy as np
import pytest

from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

STUMP = dict(
    max_iter=1, max_leaf_nodes=2, learning_rate=1.0, min_samples_leaf=1, early_stopping=False
)


# -------------------------------------------------------------- missing values
@pytest.mark.parametrize("nan_like", ["high", "low"])
def test_missing_values_follow_the_side_they_resemble(nan_like):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 400)
    y = np.where(x > 5, 10.0, 0.0)
    nan = rng.random(400) < 0.2
    x[nan] = np.nan
    y[nan] = 10.0 if nan_like == "high" else 0.0
    est = GradientBoostingRegressor(**STUMP).fit(x[:, None], y)
    low, high, missing = est.predict(np.array([[1.0], [9.0], [np.nan]]))
    assert high - low == pytest.approx(10.0, rel=1e-6)
    assert missing == (high if nan_like == "high" else low)
    # The learned default direction is stored on the split.
    assert est.forest_.arrays["default_left"][0] == (nan_like == "low")


@pytest.mark.parametrize("larger", ["left", "right"])
def test_without_missing_in_training_nan_goes_to_the_larger_child(larger):
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 10, 400)
    cut = 7.0 if larger == "left" else 3.0
    y = (x > cut).astype(np.float64)
    est = GradientBoostingRegressor(**STUMP).fit(x[:, None], y)
    count = est.forest_.arrays["count"]
    assert (count[1] > count[2]) == (larger == "left")
    low, high, missing = est.predict(np.array([[0.0], [10.0], [np.nan]]))
    assert missing == (low if larger == "left" else high)


def test_missing_values_can_get_their_own_prediction():
    # NaN rows have a target unlike either side: a deeper model isolates them.
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, 600)
    y = (x > 5).astype(np.float64)
    nan = rng.random(600) < 0.2
    x[nan] = np.nan
    y[nan] = 5.0
    est = GradientBoostingRegressor(
        max_iter=60, max_leaf_nodes=4, min_samples_leaf=5, early_stopping=False
    ).fit(x[:, None], y)
    np.testing.assert_allclose(
        est.predict(np.array([[1.0], [9.0], [np.nan]])), [0, 1, 5], atol=0.05
    )


def test_nan_in_an_untouched_feature_changes_nothing_at_predict():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 2))
    y = X[:, 0] * 3 + rng.normal(scale=0.1, size=300)
    est = GradientBoostingRegressor(max_iter=10, early_stopping=False).fit(X, y)
    assert est.feature_importances_[1] < 0.2
    X_nan = X.copy()
    X_nan[:, 1] = np.nan
    # NaN goes to a side of every split on feature 1; predictions stay finite.
    assert np.isfinite(est.predict(X_nan)).all()


def test_classifier_learns_from_missingness():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 3))
    y = rng.integers(0, 2, 500)
    X[y == 1, 1] = np.nan  # the class is "is feature 1 missing"
    est = GradientBoostingClassifier(max_iter=20, early_stopping=False).fit(X, y)
    assert est.score(X, y) == 1.0
    assert est.predict_proba(np.array([[0.0, np.nan, 0.0]]))[0, 1] > 0.9


# ---------------------------------------------------------------- categorical
def _codes_data(n=500, seed=5):
    rng = np.random.default_rng(seed)
    c = rng.integers(0, 10, n).astype(np.float64)
    y = np.where(np.isin(c, [1, 4, 7]), 5.0, 0.0) + rng.normal(scale=0.05, size=n)
    return c[:, None], y


def test_categorical_split_separates_a_non_monotone_set():
    X, y = _codes_data()
    params = dict(
        max_iter=1, max_depth=1, learning_rate=1.0, min_samples_leaf=1, early_stopping=False
    )
    grid = np.arange(10.0)[:, None]
    in_set = np.isin(grid[:, 0], [1, 4, 7])
    cat = GradientBoostingRegressor(categorical_features=[0], **params).fit(X, y)
    pred = cat.predict(grid)
    assert cat.is_categorical_.tolist() == [True]
    assert cat.forest_.arrays["split_kind"][0] == 1
    assert pred[in_set].min() > 4.9 and pred[~in_set].max() < 0.1
    # The category bitset sent left is exactly {1, 4, 7} or its complement.
    bits = int(cat.forest_.arrays["cat_bits"][0])
    left = {v for v in range(32) if bits >> v & 1}
    assert left in ({1, 4, 7}, {0, 2, 3, 5, 6, 8, 9})
    # A threshold split of depth 1 cannot do that.
    num = GradientBoostingRegressor(categorical_features=None, **params).fit(X, y)
    pred = num.predict(grid)
    assert num.forest_.arrays["split_kind"][0] == 0
    assert np.abs(pred - np.where(in_set, 5.0, 0.0)).max() > 1.0


@pytest.mark.parametrize(
    "spec",
    [[0], [True, False], np.array([True, False]), [-2]],
    ids=["index", "mask", "array_mask", "negative_index"],
)
def test_categorical_features_forms(spec):
    X, y = _codes_data()
    X = np.column_stack([X, np.random.default_rng(0).normal(size=len(y))])
    est = GradientBoostingRegressor(
        categorical_features=spec, max_iter=3, early_stopping=False
    ).fit(X, y)
    assert est.is_categorical_.tolist() == [True, False]


def test_categorical_large_codes_and_missing_category():
    rng = np.random.default_rng(6)
    codes = np.array([3.0, 100.0, 999.0, 65_000.0, np.nan])
    c = rng.choice(codes, 600)
    y = np.where(np.isin(c, [100.0, 65_000.0]) | np.isnan(c), 1.0, 0.0)
    est = GradientBoostingRegressor(
        categorical_features=[0], max_iter=30, min_samples_leaf=5, early_stopping=False
    ).fit(c[:, None], y)
    np.testing.assert_allclose(est.predict(codes[:, None]), [0, 1, 0, 1, 1], atol=0.05)
    # Unseen categories (including out-of-range ones) are treated as missing.
    unseen = np.array([[4.0], [2.0**20], [1e9]])
    np.testing.assert_array_equal(est.predict(unseen), est.predict(np.array([[np.nan]] * 3)))


def test_unseen_category_goes_where_missing_goes():
    X, y = _codes_data()
    est = GradientBoostingRegressor(
        categorical_features=[0], max_iter=10, early_stopping=False
    ).fit(X, y)
    np.testing.assert_array_equal(
        est.predict(np.array([[12.0], [50.0]])), est.predict(np.array([[np.nan], [np.nan]]))
    )


def test_categorical_multiclass():
    rng = np.random.default_rng(7)
    c = rng.integers(0, 9, 900).astype(np.float64)
    y = (c * 7 % 3).astype(int)  # a scrambled map from category to class
    est = GradientBoostingClassifier(
        categorical_features=[0], max_iter=10, early_stopping=False
    ).fit(c[:, None], y)
    assert est.score(c[:, None], y) == 1.0


def test_pandas_category_dtype_from_dtype():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(8)
    n = 600
    letters = list("abcdefg")
    df = pd.DataFrame(
        {
            "color": pd.Categorical(rng.choice(letters, n), categories=letters),
            "x": rng.normal(size=n),
        }
    )
    y = np.where(df["color"].isin(["b", "e", "g"]), 3.0, 0.0) + df["x"].to_numpy()
    est = GradientBoostingRegressor(max_iter=40, early_stopping=False).fit(df, y)
    assert est.is_categorical_.tolist() == [True, False]
    assert list(est.feature_names_in_) == ["color", "x"]
    test = pd.DataFrame({"color": pd.Categorical(["b", "a", "e", "c"]), "x": 0.0})
    pred = est.predict(test)
    assert pred[0] - pred[1] == pytest.approx(3.0, abs=0.3)
    assert pred[2] - pred[3] == pytest.approx(3.0, abs=0.3)
    # Codes are taken against the training categories: a test frame with
    # another category order predicts the same.
    reordered = pd.DataFrame(
        {
            "color": pd.Categorical(["b", "a", "e", "c"], categories=["e", "c", "b", "a"]),
            "x": 0.0,
        }
    )
    np.testing.assert_array_equal(est.predict(reordered), pred)
    # An unseen category and a missing one predict alike.
    odd = pd.DataFrame({"color": pd.Categorical(["zebra", None]), "x": 0.0})
    p_unseen, p_missing = est.predict(odd)
    assert p_unseen == p_missing


def test_pandas_category_needs_from_dtype():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"c": pd.Categorical(list("abab") * 10), "x": np.arange(40.0)})
    with pytest.raises(ValueError, match="categorical"):
        GradientBoostingRegressor(categorical_features=None, max_iter=2).fit(df, np.arange(40.0))


@pytest.mark.parametrize("bad", [-1.0, 1.5, 2.0**20], ids=["negative", "fraction", "too_large"])
def test_categorical_values_must_be_non_negative_integers(bad):
    X = np.column_stack([np.arange(30.0), np.tile([0.0, 1.0, 2.0], 10)])
    X[4, 1] = bad
    with pytest.raises(ValueError, match=r"categorical feature 1 .*non-negative integers"):
        GradientBoostingRegressor(categorical_features=[1], max_iter=2).fit(X, np.arange(30.0))


def test_more_categories_than_max_bins():
    X = np.arange(40.0)[:, None]
    with pytest.raises(ValueError, match=r"categorical feature 0 has 40 categories.*max_bins=16"):
        GradientBoostingRegressor(categorical_features=[0], max_bins=16, max_iter=2).fit(
            X, np.arange(40.0)
        )
    # Exactly max_bins categories is fine.
    GradientBoostingRegressor(categorical_features=[0], max_bins=40, max_iter=2).fit(
        X, np.arange(40.0)
    )


def test_categorical_features_bad_specs():
    X, y = _codes_data(n=50)
    with pytest.raises(ValueError, match="categorical_features"):
        GradientBoostingRegressor(categorical_features=[3], max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features"):
        GradientBoostingRegressor(categorical_features="yes", max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features"):
        GradientBoostingRegressor(categorical_features=[True, False], max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features"):
        GradientBoostingRegressor(categorical_features=["a"], max_iter=2).fit(X, y)


def test_monotonic_constraint_on_categorical_feature_is_rejected():
    X, y = _codes_data(n=60)
    with pytest.raises(ValueError, match="categorical feature 0 cannot have a monotonic"):
        GradientBoostingRegressor(categorical_features=[0], monotonic_cst=[1], max_iter=2).fit(X, y)


# ------------------------------------------------------------------ dtypes
def test_float32_and_float64_inputs_agree():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(400, 4)).astype(np.float32)
    y = X[:, 0] - 2 * X[:, 1] ** 2 + rng.normal(scale=0.1, size=400)
    a = GradientBoostingRegressor(max_iter=15, early_stopping=False).fit(X, y)
    b = GradientBoostingRegressor(max_iter=15, early_stopping=False).fit(X.astype(np.float64), y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X.astype(np.float64)))


def test_fortran_strided_and_read_only_inputs_agree():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] + X[:, 2]
    ref = GradientBoostingRegressor(max_iter=10, early_stopping=False).fit(X, y).predict(X)
    fortran = np.asfortranarray(X)
    wide = np.zeros((300, 6))
    wide[:, ::2] = X
    ro = X.copy()
    ro.flags.writeable = False
    for variant in (fortran, wide[:, ::2], ro):
        est = GradientBoostingRegressor(max_iter=10, early_stopping=False).fit(variant, y)
        np.testing.assert_array_equal(est.predict(variant), ref)


def test_unseen_pandas_category_raises_no_deprecation_warning():
    # Regression: codes were once taken with pd.Categorical(series, categories=known),
    # which pandas 3 deprecates (Pandas4Warning) for values outside `known`.
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"c": pd.Categorical(list("abab") * 10), "x": np.arange(40.0)})
    est = GradientBoostingRegressor(max_iter=2, n_jobs=1).fit(df, np.arange(40.0))
    test = pd.DataFrame({"c": pd.Categorical(["a", "zz"]), "x": [0.0, 0.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(test)


def test_eval_set_unseen_categories_scored_like_predict():
    rng = np.random.default_rng(11)
    c = rng.integers(0, 6, 600).astype(np.float64)
    x = rng.normal(size=600)
    y = np.isin(c, [1, 3]) * 3.0 + x + rng.normal(scale=0.1, size=600)
    c_val = rng.integers(0, 9, 300).astype(np.float64)  # codes 6..8 unseen in training
    x_val = rng.normal(size=300)
    y_val = np.isin(c_val, [1, 3]) * 3.0 + x_val
    X, X_val = np.column_stack([c, x]), np.column_stack([c_val, x_val])
    est = GradientBoostingRegressor(
        categorical_features=[0], max_iter=30, n_iter_no_change=100, n_jobs=1
    ).fit(X, y, eval_set=(X_val, y_val))
    expected = -np.mean((y_val - est.predict(X_val)) ** 2)
    assert est.validation_score_[-1] == pytest.approx(expected, rel=1e-9)


def test_forest_alone_predicts_like_the_estimator_on_seen_categories_and_nan():
    # The Forest sends categories outside a split's bitset right (docs/user_guide/
    # tree_ensembles.md); the estimator first maps unseen categories to NaN. On
    # seen categories and NaN both must agree.
    rng = np.random.default_rng(12)
    c = rng.choice([0.0, 2.0, 5.0, 9.0, np.nan], 500)
    x = rng.normal(size=500)
    y = np.isin(c, [2.0, 9.0]) * 2.0 + np.isnan(c) * 1.0 + x
    X = np.column_stack([c, x])
    est = GradientBoostingRegressor(
        categorical_features=[0], max_iter=20, early_stopping=False, n_jobs=1
    ).fit(X, y)
    np.testing.assert_array_equal(est.forest_.predict(X), est.predict(X))
