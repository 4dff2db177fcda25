import numpy as np
import pytest
import sklearn.metrics as skm

from mlarsenal.metrics import mean_squared_error


def assert_matches(ours, theirs, rtol=1e-12):
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n", [1, 7, 2048, 100_003])
def test_matches_scikit_learn(rng, n, weighted):
    y, p = rng.normal(size=(2, n))
    w = rng.random(n) if weighted else None
    assert_matches(
        mean_squared_error(y, p, sample_weight=w), skm.mean_squared_error(y, p, sample_weight=w)
    )


@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average", [0.2, 0.3, 0.5]])
@pytest.mark.parametrize("order", ["C", "F"])
def test_multioutput(rng, multioutput, order):
    y = np.asarray(rng.normal(size=(5000, 3)), order=order)
    p = np.asarray(rng.normal(size=(5000, 3)), order=order)
    w = rng.random(5000)
    ours = mean_squared_error(y, p, sample_weight=w, multioutput=multioutput)
    assert_matches(ours, skm.mean_squared_error(y, p, sample_weight=w, multioutput=multioutput))


def test_layouts_do_not_change_the_result(rng):
    y, p = rng.normal(size=(2, 20_000))
    reference = mean_squared_error(y, p)
    strided = np.repeat(y, 2)[::2]
    read_only = p.copy()
    read_only.setflags(write=False)
    assert mean_squared_error(strided, read_only) == reference
    assert mean_squared_error(y.reshape(-1, 1), p) == reference
    assert mean_squared_error(list(y), list(p)) == reference


def test_float32_inputs(rng):
    y, p = rng.normal(size=(2, 10_000)).astype(np.float32)
    assert_matches(mean_squared_error(y, p), skm.mean_squared_error(y, p), rtol=1e-5)


def test_result_is_independent_of_thread_count(rng):
    y, p, w = rng.normal(size=(3, 300_001))
    results = {mean_squared_error(y, p, sample_weight=w, n_jobs=j) for j in (1, 2, 3, 8)}
    assert len(results) == 1


def test_reference_implementation(rng):
    y, p, w = rng.normal(size=(3, 1000))
    w = np.abs(w)
    expected = np.sum(w * (y - p) ** 2) / np.sum(w)
    assert_matches(mean_squared_error(y, p, sample_weight=w), expected)


@pytest.mark.parametrize(
    "y_true, y_pred, message",
    [
        ([1.0, np.nan], [1.0, 2.0], "y_true contains NaN"),
        ([1.0, 2.0], [1.0, np.inf], "y_pred contains infinity"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], "y_true has 2, y_pred has 3"),
        ([], [], "empty"),
        (np.ones((2, 2)), np.ones((2, 3)), "different numbers of outputs"),
        (np.ones((2, 2, 2)), np.ones((2, 2, 2)), "y_true must be 1-d or 2-d"),
    ],
)
def test_bad_input(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        mean_squared_error(y_true, y_pred)


def test_bad_weights_and_options():
    with pytest.raises(ValueError, match="sample_weight has 1 entries"):
        mean_squared_error([1.0, 2.0], [1.0, 2.0], sample_weight=[1.0])
    with pytest.raises(ValueError, match="sums to zero"):
        mean_squared_error([1.0, 2.0], [1.0, 2.0], sample_weight=[0.0, 0.0])
    with pytest.raises(ValueError, match="multioutput must be one of"):
        mean_squared_error([1.0], [1.0], multioutput="median")
