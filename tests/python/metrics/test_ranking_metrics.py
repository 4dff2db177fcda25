import numpy as np
import pytest
import sklearn.metrics as skm
from scipy.stats import rankdata
from sklearn.exceptions import UndefinedMetricWarning

from mlarsenal.metrics import roc_auc_score


def reference_auc(y, score):
    """Mann-Whitney U with mid-ranks: the slow, obviously correct AUC."""
    ranks = rankdata(score)
    positives = y == 1
    n_pos, n_neg = positives.sum(), (~positives).sum()
    return (ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


@pytest.mark.parametrize("n", [2, 10, 1000, 100_001])
@pytest.mark.parametrize("decimals", [1, 3, None])
def test_binary_matches_reference_and_scikit_learn(rng, n, decimals):
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    score = rng.normal(size=n)
    if decimals is not None:
        score = np.round(score, decimals)  # many ties
    ours = roc_auc_score(y, score)
    np.testing.assert_allclose(ours, reference_auc(y, score), rtol=1e-12)
    np.testing.assert_allclose(ours, skm.roc_auc_score(y, score), rtol=1e-12)


def test_signed_zero_and_infinite_like_extremes_are_tied_correctly():
    y = np.array([0, 1, 0, 1, 0, 1])
    score = np.array([-0.0, 0.0, 1e308, 1e308, -1e308, 5e-324])
    assert roc_auc_score(y, score) == pytest.approx(skm.roc_auc_score(y, score), rel=1e-12)


@pytest.mark.parametrize("max_fpr", [None, 0.05, 0.5, 1.0])
def test_weighted_and_partial(rng, max_fpr):
    y = rng.integers(0, 2, 20_000)
    score = np.round(rng.random(20_000), 2)
    w = rng.random(20_000)
    w[:100] = 0.0
    for sample_weight in (None, w):
        np.testing.assert_allclose(
            roc_auc_score(y, score, sample_weight=sample_weight, max_fpr=max_fpr),
            skm.roc_auc_score(y, score, sample_weight=sample_weight, max_fpr=max_fpr),
            rtol=1e-12,
        )


def test_string_labels_and_float32_scores(rng):
    y = rng.choice(["neg", "pos"], 5000)
    score = rng.random(5000).astype(np.float32)
    np.testing.assert_allclose(roc_auc_score(y, score), skm.roc_auc_score(y, score), rtol=1e-12)


def test_result_is_independent_of_thread_count(rng):
    y = rng.integers(0, 2, 300_000)
    score = np.round(rng.random(300_000), 3)
    w = rng.random(300_000)
    assert len({roc_auc_score(y, score, sample_weight=w, n_jobs=j) for j in (1, 2, 4)}) == 1


@pytest.mark.parametrize("multi_class", ["ovr", "ovo"])
@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_multiclass(rng, multi_class, average):
    y = rng.integers(0, 4, 5000)
    proba = rng.random((5000, 4))
    proba /= proba.sum(axis=1, keepdims=True)
    kwargs = dict(multi_class=multi_class, average=average)
    np.testing.assert_allclose(
        roc_auc_score(y, proba, **kwargs), skm.roc_auc_score(y, proba, **kwargs), rtol=1e-12
    )
    if multi_class == "ovr":
        w = rng.random(5000)
        np.testing.assert_allclose(
            roc_auc_score(y, proba, sample_weight=w, **kwargs),
            skm.roc_auc_score(y, proba, sample_weight=w, **kwargs),
            rtol=1e-12,
        )


def test_multiclass_with_labels(rng):
    y = rng.integers(0, 3, 300)
    proba = rng.random((300, 4))
    proba /= proba.sum(axis=1, keepdims=True)
    kwargs = dict(multi_class="ovr", labels=[0, 1, 2, 3])
    with pytest.warns(UndefinedMetricWarning):
        ours = roc_auc_score(y, proba, **kwargs)
    with pytest.warns(UndefinedMetricWarning):
        theirs = skm.roc_auc_score(y, proba, **kwargs)
    np.testing.assert_equal(ours, theirs)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "samples"])
def test_multilabel(rng, average):
    y = rng.integers(0, 2, (3000, 5))
    y[:, 0] = np.arange(3000) % 2
    y[:2] = [[0, 1, 0, 1, 0], [1, 0, 1, 0, 1]]
    y[2:] = np.where(y[2:].sum(axis=1, keepdims=True) % 5 == 0, 1 - y[2:], y[2:])
    y[y.sum(axis=1) == 5, 0] = 0
    y[y.sum(axis=1) == 0, 0] = 1
    score = rng.random((3000, 5))
    w = rng.random(3000)
    np.testing.assert_allclose(
        roc_auc_score(y, score, average=average, sample_weight=w),
        skm.roc_auc_score(y, score, average=average, sample_weight=w),
        rtol=1e-12,
    )


def test_single_class_warns_and_returns_nan():
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        assert np.isnan(roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3]))


@pytest.mark.parametrize(
    "y, score, kwargs, message",
    [
        ([0, 1], [0.5, np.nan], {}, "y_score contains NaN"),
        ([0, 1], [0.5, np.inf], {}, "y_score contains infinity"),
        ([0, np.nan], [0.5, 0.5], {}, "y_true contains NaN"),
        ([0, 1], [0.5, 0.5, 0.1], {}, "y_true has 2, y_score has 3"),
        ([], [], {}, "empty"),
        ([0.1, 0.7], [0.5, 0.5], {}, "continuous"),
        ([0, 1], [0.5, 0.6], {"max_fpr": 1.5}, "max_fpr must be in"),
        ([0, 1], [0.5, 0.6], {"average": "median"}, "average must be one of"),
        ([0, 1, 2], np.full((3, 3), 1 / 3), {}, "multi_class must be 'ovr' or 'ovo'"),
        ([0, 1, 2], np.full((3, 3), 0.5), {"multi_class": "ovr"}, "summing to 1"),
        ([0, 1, 2], np.full((3, 2), 0.5), {"multi_class": "ovr"}, "3 classes but y_score has 2"),
        ([0, 1, 2], np.full((3, 3), 1 / 3), {"multi_class": "ovr", "max_fpr": 0.5}, "max_fpr"),
        ([0, 1], np.ones((2, 2)), {}, "y_score must be 1-d"),
    ],
)
def test_bad_input(y, score, kwargs, message):
    with pytest.raises(ValueError, match=message):
        roc_auc_score(y, score, **kwargs)
