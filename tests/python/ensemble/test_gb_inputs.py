"""Bad inputs and parameters give clear errors naming the argument; edge
inputs (one row, constant columns, extreme values) work."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

FAST = dict(max_iter=2, n_jobs=1)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X[:, 0] + 0.1 * rng.normal(size=50)
    return X, y, (y > 0).astype(int)


def _with(array, index, value):
    out = np.array(array, dtype=np.float64)
    out.flat[index] = value
    return out


# ------------------------------------------------------------------- data
@pytest.mark.parametrize("cls", [GradientBoostingRegressor, GradientBoostingClassifier])
@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_non_finite_y(data, cls, bad):
    X, y, yc = data
    target = y if cls is GradientBoostingRegressor else yc
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        cls(**FAST).fit(X, _with(target, 3, bad))


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_X(data, bad):
    X, y, _ = data
    with pytest.raises(ValueError, match="X contains infinity"):
        GradientBoostingRegressor(**FAST).fit(_with(X, 7, bad), y)
    est = GradientBoostingRegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X contains infinity"):
        est.predict(_with(X, 7, bad))


@pytest.mark.parametrize(
    "make_X, match",
    [
        (lambda X: X[:, 0], "X must be a 2-d array, got a 1-d array"),
        (lambda X: X[:, :, None], "X must be a 2-d array, got 3-d"),
        (lambda X: X[:0], "X: found array with 0 sample"),
        (lambda X: X[:, :0], "X: found array with 0 feature"),
        (lambda X: np.array([["a", "b"]] * 50), None),
    ],
    ids=["1d", "3d", "no_rows", "no_columns", "strings"],
)
def test_bad_X_shapes_and_types(data, make_X, match):
    X, y, _ = data
    bad = make_X(X)
    error = TypeError if match is None else ValueError
    with pytest.raises(error, match=match or "X has dtype"):
        GradientBoostingRegressor(**FAST).fit(bad, y[: len(bad)])


def test_X_none_and_sparse(data):
    sparse = pytest.importorskip("scipy.sparse")
    X, y, _ = data
    with pytest.raises(TypeError, match="X must be an array-like, got None"):
        GradientBoostingRegressor(**FAST).fit(None, y)
    with pytest.raises(TypeError, match="X: sparse input"):
        GradientBoostingRegressor(**FAST).fit(sparse.csr_matrix(X), y)


def test_y_shape_and_length(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples: X has 50, y has 49"):
        GradientBoostingRegressor(**FAST).fit(X, y[:-1])
    with pytest.raises(ValueError, match=r"y must be a 1-d array, got an array of shape \(50, 2\)"):
        GradientBoostingRegressor(**FAST).fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="y must hold numbers"):
        GradientBoostingRegressor(**FAST).fit(X, np.array(["a"] * 50))


def test_classifier_targets(data):
    X, y, yc = data
    with pytest.raises(ValueError, match="y has only one class"):
        GradientBoostingClassifier(**FAST).fit(X, np.zeros(50))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        GradientBoostingClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="y holds labels not seen in training"):
        GradientBoostingClassifier(**FAST).fit(X, yc, eval_set=(X, yc + 5))


def test_predict_with_wrong_feature_count(data):
    X, y, yc = data
    for est in (
        GradientBoostingRegressor(**FAST).fit(X, y),
        GradientBoostingClassifier(**FAST).fit(X, yc),
    ):
        with pytest.raises(ValueError, match=r"X has 2 features, but .* is expecting 3 features"):
            est.predict(X[:, :2])
        with pytest.raises(ValueError, match="X must be a 2-d array"):
            est.predict(X[0])


def test_predict_with_other_feature_names(data):
    pd = pytest.importorskip("pandas")
    X, y, _ = data
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    est = GradientBoostingRegressor(**FAST).fit(df, y)
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df[["b", "a", "c"]])
    with pytest.warns(UserWarning, match="feature names"):
        est.predict(X)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function", "apply"])
def test_unfitted_estimator_raises_not_fitted(data, method):
    X, _, _ = data
    cls = (
        GradientBoostingRegressor if method in ("predict", "apply") else GradientBoostingClassifier
    )
    with pytest.raises(NotFittedError):
        getattr(cls(), method)(X)


def test_unfitted_feature_importances_raise_not_fitted():
    with pytest.raises(NotFittedError):
        _ = GradientBoostingRegressor().feature_importances_


# ------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(learning_rate=0), ValueError, r"learning_rate must be a number in \(0.0, inf\]"),
        (dict(learning_rate=-1.0), ValueError, "learning_rate"),
        (dict(learning_rate="0.1"), ValueError, "learning_rate"),
        (dict(max_iter=0), ValueError, "max_iter must be an integer >= 1"),
        (dict(max_iter=2.5), ValueError, "max_iter"),
        (dict(max_leaf_nodes=1), ValueError, "max_leaf_nodes must be an integer >= 2, got 1"),
        (dict(max_depth=0), ValueError, "max_depth"),
        (dict(min_samples_leaf=0), ValueError, "min_samples_leaf"),
        (dict(min_child_weight=-1.0), ValueError, "min_child_weight"),
        (dict(min_split_gain=np.nan), ValueError, "min_split_gain"),
        (dict(l1_regularization=-1.0), ValueError, "l1_regularization"),
        (dict(l2_regularization=np.inf), ValueError, "l2_regularization"),
        (dict(max_bins=300), ValueError, r"max_bins must be an integer in \[2, 255\], got 300"),
        (dict(max_bins=1), ValueError, "max_bins"),
        (dict(max_features=0.0), ValueError, "max_features"),
        (dict(colsample_bytree=1.5), ValueError, "colsample_bytree"),
        (dict(subsample=0), ValueError, r"subsample must be a number in \(0.0, 1.0\], got 0"),
        (dict(subsample=1.01), ValueError, "subsample"),
        (dict(early_stopping="yes"), ValueError, "early_stopping"),
        (dict(scoring="r2"), ValueError, "scoring"),
        (dict(validation_fraction=1.0), ValueError, "validation_fraction"),
        (dict(n_iter_no_change=0), ValueError, "n_iter_no_change"),
        (dict(tol=-1.0), ValueError, "tol"),
        (dict(verbose=-1), ValueError, "verbose"),
        (dict(warm_start=1), ValueError, "warm_start"),
        (dict(n_jobs=0), ValueError, "n_jobs"),
        (dict(n_jobs="a"), TypeError, "n_jobs"),
        (dict(loss="nope"), ValueError, "loss must be one of"),
        (dict(loss="quantile"), ValueError, "quantile must be a number in \\(0, 1\\)"),
        (dict(loss="quantile", quantile=1.0), ValueError, "quantile"),
        (dict(loss="huber", huber_delta=0.0), ValueError, "huber_delta"),
    ],
    ids=lambda v: None if isinstance(v, (str, type)) else str(v),
)
def test_invalid_regressor_parameters(data, params, error, match):
    X, y, _ = data
    with pytest.raises(error, match=match):
        GradientBoostingRegressor(**{**FAST, **params}).fit(X, y)


def test_invalid_classifier_loss(data):
    X, _, yc = data
    with pytest.raises(ValueError, match="loss must be 'log_loss' or a callable"):
        GradientBoostingClassifier(loss="squared_error", **FAST).fit(X, yc)


def test_poisson_needs_non_negative_targets(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="loss='poisson' needs y >= 0"):
        GradientBoostingRegressor(loss="poisson", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="loss='poisson' needs a positive"):
        GradientBoostingRegressor(loss="poisson", **FAST).fit(X, np.zeros(50))
    # Zeros are fine as long as the mean is positive.
    est = GradientBoostingRegressor(loss="poisson", **FAST).fit(X, np.maximum(y, 0))
    assert (est.predict(X) > 0).all()


def test_sample_weight_errors(data):
    X, y, _ = data
    est = GradientBoostingRegressor(**FAST)
    with pytest.raises(ValueError, match="sample_weight has negative values"):
        est.fit(X, y, sample_weight=_with(np.ones(50), 2, -1.0))
    with pytest.raises(ValueError, match="sample_weight is zero everywhere"):
        est.fit(X, y, sample_weight=np.zeros(50))
    with pytest.raises(ValueError, match="sample_weight has 49 entries, expected 50"):
        est.fit(X, y, sample_weight=np.ones(49))
    with pytest.raises(ValueError, match="sample_weight contains NaN"):
        est.fit(X, y, sample_weight=_with(np.ones(50), 0, np.nan))


# ---------------------------------------------------------------- edge data
def test_one_row_and_two_rows(data):
    X, y, _ = data
    est = GradientBoostingRegressor(**FAST).fit(X[:1], y[:1])
    np.testing.assert_allclose(est.predict(X[:3]), y[0])
    clf = GradientBoostingClassifier(**FAST).fit(X[:2], [0, 1])
    assert clf.predict_proba(X[:2]).shape == (2, 2)


def test_constant_target_and_constant_or_all_nan_columns(data):
    X, y, _ = data
    est = GradientBoostingRegressor(**FAST).fit(X, np.full(50, 3.0))
    np.testing.assert_allclose(est.predict(X), 3.0)
    odd = X.copy()
    odd[:, 1] = np.nan
    odd[:, 2] = 7.0
    est = GradientBoostingRegressor(max_iter=5, min_samples_leaf=2, n_jobs=1).fit(odd, y)
    assert est.feature_importances_[1:].sum() == 0
    assert est.score(odd, y) > 0.5


def test_extreme_feature_values_and_adjacent_doubles():
    x = np.array([1.0, np.nextafter(1.0, 2.0), np.nextafter(np.nextafter(1.0, 2.0), 2.0)])
    X = np.tile(x, 5)[:, None]
    y = np.tile([0.0, 1.0, 2.0], 5)
    est = GradientBoostingRegressor(
        max_iter=1, learning_rate=1.0, min_samples_leaf=1, max_leaf_nodes=3, n_jobs=1
    ).fit(X, y)
    np.testing.assert_allclose(est.predict(x[:, None]), [0.0, 1.0, 2.0], atol=1e-12)
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(200, 2))
    t = Z[:, 0] + 0.1 * rng.normal(size=200)
    for scale in (1e300, 1e-300):
        est = GradientBoostingRegressor(max_iter=5, n_jobs=1).fit(Z * scale, t)
        assert est.score(Z * scale, t) > 0.3


def test_huge_targets_do_not_silently_give_nan():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 2))
    y = X[:, 0] * 1e200
    try:
        est = GradientBoostingRegressor(max_iter=3, min_samples_leaf=2, n_jobs=1).fit(X, y)
    except ValueError:
        return  # a clear error is fine too
    assert np.isfinite(est.predict(X)).all()


def test_list_inputs_and_integer_and_bool_features(data):
    X, y, yc = data
    a = GradientBoostingRegressor(**FAST).fit(X.tolist(), list(y)).predict(X[:4])
    b = GradientBoostingRegressor(**FAST).fit(X, y).predict(X[:4])
    np.testing.assert_array_equal(a, b)
    ints = (X * 10).astype(np.int64)
    np.testing.assert_array_equal(
        GradientBoostingRegressor(**FAST).fit(ints, y).predict(ints),
        GradientBoostingRegressor(**FAST).fit(ints.astype(np.float64), y).predict(ints),
    )
    clf = GradientBoostingClassifier(**FAST).fit(X, yc.astype(bool))
    assert clf.classes_.dtype == bool and clf.predict(X).dtype == bool


def test_float_matrix_fast_path_checks_like_the_full_path():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    model = GradientBoostingRegressor(max_iter=5, early_stopping=False).fit(X, X[:, 0])
    row = X[:1].astype(np.float32)
    # A plain float matrix skips conversion; results equal the converted path's.
    assert np.array_equal(model.predict(row), model.predict(row.tolist()))
    with pytest.raises(ValueError, match="infinity"):
        model.predict(np.array([[np.inf, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="features"):
        model.predict(np.zeros((1, 4)))
    nan_row = np.array([[np.nan, 0.0, 0.0]])
    assert np.array_equal(model.predict(nan_row), model.predict(nan_row.tolist()))
