import warnings

import numpy as np
import pytest
import sklearn.metrics as skm

from mlarsenal.metrics import accuracy_score, confusion_matrix, log_loss


# ---------------------------------------------------------------- accuracy
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("normalize", [True, False])
def test_accuracy_matches_scikit_learn(rng, weighted, normalize):
    t, p = rng.integers(0, 5, size=(2, 50_001))
    w = rng.random(50_001) if weighted else None
    ours = accuracy_score(t, p, normalize=normalize, sample_weight=w)
    theirs = skm.accuracy_score(t, p, normalize=normalize, sample_weight=w)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize(
    "t, p",
    [
        (["a", "b", "c", "a"], ["a", "c", "c", "b"]),
        ([0.0, 1.0, 2.0, 1.0], [0, 1, 1, 1]),
        (np.array([True, False, True]), np.array([True, True, True])),
        (np.array([1, 2, 3], dtype=np.uint16), np.array([1, 2, 4], dtype=np.int8)),
    ],
)
def test_accuracy_label_types(t, p):
    assert accuracy_score(t, p) == pytest.approx(skm.accuracy_score(t, p), rel=1e-12)


def test_accuracy_multilabel_subset():
    t = np.array([[0, 1], [1, 1]])
    p = np.ones((2, 2), dtype=int)
    assert accuracy_score(t, p) == skm.accuracy_score(t, p) == 0.5


@pytest.mark.parametrize(
    "t, p, error, message",
    [
        ([0, 1], [0, 1, 1], ValueError, "y_true has 2, y_pred has 3"),
        ([0.5, 1.0], [0, 1], ValueError, "continuous"),
        ([0.0, np.nan], [0, 1], ValueError, "y_true contains NaN"),
        (["a", "b"], [0, 1], ValueError, "mix of label types"),
        ([], [], ValueError, "empty"),
        (np.ones((2, 2, 2)), np.ones((2, 2, 2)), ValueError, "1-d"),
    ],
)
def test_accuracy_bad_input(t, p, error, message):
    with pytest.raises(error, match=message):
        accuracy_score(t, p)


# ---------------------------------------------------------------- confusion matrix
@pytest.mark.parametrize("weights", [None, "int", "float"])
def test_confusion_matrix_matches_scikit_learn(rng, weights):
    t, p = rng.integers(-2, 6, size=(2, 40_000))
    w = {None: None, "int": rng.integers(0, 4, 40_000), "float": rng.random(40_000)}[weights]
    ours, theirs = (
        confusion_matrix(t, p, sample_weight=w),
        skm.confusion_matrix(t, p, sample_weight=w),
    )
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("normalize", ["true", "pred", "all"])
def test_confusion_matrix_normalize(rng, normalize):
    t, p = rng.integers(0, 4, size=(2, 1000))
    p[p == 3] = 2  # class 3 never predicted: a zero column must not become NaN
    np.testing.assert_allclose(
        confusion_matrix(t, p, normalize=normalize),
        skm.confusion_matrix(t, p, normalize=normalize),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    "t, p, labels",
    [
        ([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], [2, 0]),
        ([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], [1, 7, 0, 2]),
        (["cat", "ant", "cat", "bird"], ["ant", "ant", "cat", "cat"], ["ant", "bird", "cat"]),
        (["cat", "ant", "cat", "bird"], ["ant", "ant", "cat", "cat"], None),
        ([10**12, 5, 5], [5, 10**12, 5], None),  # sparse integer range: np.unique path
    ],
)
def test_confusion_matrix_labels(t, p, labels):
    np.testing.assert_array_equal(
        confusion_matrix(t, p, labels=labels), skm.confusion_matrix(t, p, labels=labels)
    )


def test_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match="labels must be a non-empty"):
        confusion_matrix([0, 1], [0, 1], labels=[])
    with pytest.raises(ValueError, match="none of the given labels"):
        confusion_matrix([0, 1], [0, 1], labels=[5])
    with pytest.raises(ValueError, match="normalize must be one of"):
        confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="sample_weight has 1 entries"):
        confusion_matrix([0, 1], [0, 1], sample_weight=[1.0])


def test_confusion_matrix_thread_count_independent(rng):
    t, p = rng.integers(0, 50, size=(2, 400_000))
    w = rng.random(400_000)
    first = confusion_matrix(t, p, sample_weight=w, n_jobs=1)
    for n_jobs in (2, 5):
        np.testing.assert_array_equal(confusion_matrix(t, p, sample_weight=w, n_jobs=n_jobs), first)


# ---------------------------------------------------------------- log loss
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("normalize", [True, False])
def test_binary_log_loss_matches_scikit_learn(rng, weighted, normalize):
    t = rng.integers(0, 2, 30_000)
    proba = rng.random(30_000)
    proba[:10] = [0, 1, 0, 1, 0, 1, 1e-20, 1 - 1e-17, 0.5, 0.5]  # exercise the clipping
    w = rng.random(30_000) if weighted else None
    ours = log_loss(t, proba, normalize=normalize, sample_weight=w)
    theirs = skm.log_loss(t, proba, normalize=normalize, sample_weight=w)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_multiclass_log_loss_matches_scikit_learn(rng):
    t = rng.choice(["a", "b", "c", "d"], 20_000)
    proba = rng.random((20_000, 4))
    proba /= proba.sum(axis=1, keepdims=True)
    w = rng.random(20_000)
    np.testing.assert_allclose(
        log_loss(t, proba, sample_weight=w), skm.log_loss(t, proba, sample_weight=w), rtol=1e-12
    )
    f_order = np.asfortranarray(proba)
    np.testing.assert_allclose(log_loss(t, f_order), skm.log_loss(t, proba), rtol=1e-12)


def test_log_loss_with_labels(rng):
    t = rng.integers(0, 2, 100)
    proba = rng.random((100, 3))
    proba /= proba.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        log_loss(t, proba, labels=[0, 1, 2]), skm.log_loss(t, proba, labels=[0, 1, 2]), rtol=1e-12
    )


def test_log_loss_float32(rng):
    t = rng.integers(0, 2, 10_000)
    proba = rng.random(10_000).astype(np.float32)
    np.testing.assert_allclose(log_loss(t, proba), skm.log_loss(t, proba), rtol=1e-5)


def test_log_loss_warns_on_unnormalised_rows():
    with pytest.warns(UserWarning, match="do not sum to one"):
        log_loss([0, 1], [[0.2, 0.2], [0.5, 0.5]])


@pytest.mark.parametrize(
    "t, proba, message",
    [
        ([0, 1], [0.5, np.nan], "y_proba contains NaN"),
        ([0, 1], [0.5, 1.5], "greater than 1"),
        ([0, 1], [-0.5, 0.5], "lower than 0"),
        ([1, 1], [0.5, 0.5], "only one label"),
        ([0, 1, 2], [0.5, 0.5, 0.5], "3 classes"),
        ([0, 1], [0.5, 0.5, 0.5], "y_true has 2, y_proba has 3"),
        ([], [], "empty"),
    ],
)
def test_log_loss_bad_input(t, proba, message):
    with pytest.raises(ValueError, match=message):
        log_loss(t, proba)


def test_log_loss_rejects_labels_missing_from_y_true():
    with pytest.raises(ValueError, match="not in labels"):
        log_loss([0, 1, 5], [[0.5, 0.5]] * 3, labels=[0, 1])


def test_log_loss_reference_implementation(rng):
    t = rng.integers(0, 3, 500)
    proba = rng.random((500, 3))
    proba /= proba.sum(axis=1, keepdims=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = log_loss(t, proba)
    expected = -np.mean(np.log(proba[np.arange(500), t]))
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
