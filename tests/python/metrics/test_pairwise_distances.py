import numpy as np
import pytest
import sklearn.metrics as skm

from mlarsenal.metrics import pairwise_distances

METRICS = [
    ("euclidean", {}),
    ("sqeuclidean", {}),
    ("cosine", {}),
    ("manhattan", {}),
    ("chebyshev", {}),
    ("minkowski", {"p": 3}),
]


@pytest.mark.parametrize("metric, kwargs", METRICS)
def test_matches_scikit_learn_float64(rng, metric, kwargs):
    X, Y = rng.normal(size=(90, 11)), rng.normal(size=(70, 11))
    np.testing.assert_allclose(
        pairwise_distances(X, Y, metric=metric, **kwargs),
        skm.pairwise_distances(X, Y, metric=metric, **kwargs),
        rtol=1e-10,
        atol=1e-12,
    )


@pytest.mark.parametrize("metric, kwargs", METRICS)
def test_float32_stays_float32_and_is_accurate(rng, metric, kwargs):
    X, Y = rng.normal(size=(2, 60, 9)).astype(np.float32)
    ours = pairwise_distances(X, Y, metric=metric, **kwargs)
    assert ours.dtype == np.float32
    reference = skm.pairwise_distances(
        X.astype(np.float64), Y.astype(np.float64), metric=metric, **kwargs
    )
    np.testing.assert_allclose(ours, reference, rtol=2e-5, atol=2e-5)


def test_self_distances_are_zero_and_symmetric(rng):
    X = rng.normal(size=(50, 30)) * 1e3
    D = pairwise_distances(X)
    np.testing.assert_array_equal(np.diag(D), 0)
    np.testing.assert_allclose(D, D.T, rtol=1e-12)


def test_near_pairs_are_exact_in_float32():
    X = np.array([[1000.0, 1000.0], [1000.0, 1000.001]], dtype=np.float32)
    D = pairwise_distances(X, X[::-1].copy())
    expected = np.float32(1000.001) - np.float32(1000.0)
    np.testing.assert_allclose(D[0, 0], expected, rtol=1e-6)


def test_zero_vectors_under_cosine():
    D = pairwise_distances([[0.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]], metric="cosine")
    np.testing.assert_allclose(
        D,
        skm.pairwise_distances([[0.0, 0.0], [1.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]], metric="cosine"),
    )


def test_bad_input():
    with pytest.raises(ValueError, match="different numbers of features"):
        pairwise_distances(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="metric must be one of"):
        pairwise_distances(np.ones((2, 3)), metric="jaccard")
    with pytest.raises(ValueError, match="X contains NaN"):
        pairwise_distances(np.array([[np.nan, 1.0]]))
    with pytest.raises(TypeError, match="unexpected keyword"):
        pairwise_distances(np.ones((2, 3)), w=[1, 2, 3])


def test_inner_product_is_the_negated_dot_product(rng):
    X, Y = rng.normal(size=(40, 7)), rng.normal(size=(30, 7))
    np.testing.assert_allclose(
        pairwise_distances(X, Y, metric="inner_product"), -(X @ Y.T), rtol=1e-12
    )
