"""Exact search against a float64 NumPy brute force."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from mlarsenal.neighbors import NearestNeighbors

METRICS = [
    ("euclidean", {}, "euclidean", {}),
    ("sqeuclidean", {}, "sqeuclidean", {}),
    ("cosine", {}, "cosine", {}),
    ("manhattan", {}, "cityblock", {}),
    ("chebyshev", {}, "chebyshev", {}),
    ("minkowski", {"p": 3}, "minkowski", {"p": 3}),
    ("minkowski", {"p": 1}, "cityblock", {}),
]


def brute_force(X, Y, scipy_metric, kwargs, k):
    D = cdist(X.astype(np.float64), Y.astype(np.float64), scipy_metric, **kwargs)
    # nearest first, ties by index: the documented order
    order = np.lexsort((np.broadcast_to(np.arange(Y.shape[0]), D.shape), D), axis=1)[:, :k]
    return np.take_along_axis(D, order, axis=1), order


@pytest.mark.parametrize("metric, params, scipy_metric, scipy_kwargs", METRICS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kneighbors_matches_brute_force(rng, metric, params, scipy_metric, scipy_kwargs, dtype):
    Y = rng.normal(size=(700, 13)).astype(dtype)
    X = rng.normal(size=(130, 13)).astype(dtype)
    dist, ind = NearestNeighbors(n_neighbors=9, metric=metric, **params).fit(Y).kneighbors(X)
    ref_dist, ref_ind = brute_force(X, Y, scipy_metric, scipy_kwargs, 9)
    np.testing.assert_array_equal(ind, ref_ind)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(
        dist, ref_dist, rtol=rtol, atol=1e-6 if dtype == np.float32 else 1e-12
    )
    assert dist.dtype == dtype


@pytest.mark.parametrize("layout", ["F", "strided", "readonly", "list"])
def test_layouts_give_the_same_answer(rng, layout):
    Y = rng.normal(size=(300, 8))
    X = rng.normal(size=(40, 8))
    expected = NearestNeighbors(n_neighbors=4).fit(Y).kneighbors(X)
    if layout == "F":
        Yl, Xl = np.asfortranarray(Y), np.asfortranarray(X)
    elif layout == "strided":
        Yl, Xl = np.repeat(Y, 2, axis=1)[:, ::2], np.repeat(X, 2, axis=0)[::2]
    elif layout == "readonly":
        Yl, Xl = Y.copy(), X.copy()
        Yl.setflags(write=False)
        Xl.setflags(write=False)
    else:
        Yl, Xl = Y.tolist(), X.tolist()
    got = NearestNeighbors(n_neighbors=4).fit(Yl).kneighbors(Xl)
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(got[0], expected[0])


def test_near_duplicates_are_ranked_exactly():
    # Points 1e-4 apart at distance ~1e3 from the origin: the |x|^2 + |y|^2 - 2xy
    # form cannot separate them in float32; the exact re-scoring must.
    base = np.full((1, 16), 250.0)
    offsets = np.arange(50)[:, None] * 1e-4 * np.eye(16)[0]
    Y = (base + offsets).astype(np.float32)
    X = (base + 20.3e-4 * np.eye(16)[0]).astype(np.float32)
    _, ind = NearestNeighbors(n_neighbors=5).fit(Y).kneighbors(X)
    _, ref = brute_force(X, Y, "euclidean", {}, 5)
    np.testing.assert_array_equal(ind, ref)


def test_ties_go_to_the_smaller_index():
    Y = np.array([[1.0], [-1.0], [1.0], [-1.0], [0.0]])
    dist, ind = NearestNeighbors(n_neighbors=5).fit(Y).kneighbors([[0.0]])
    np.testing.assert_array_equal(ind, [[4, 0, 1, 2, 3]])
    np.testing.assert_array_equal(dist, [[0, 1, 1, 1, 1]])


def test_results_do_not_depend_on_threads(rng):
    Y = rng.normal(size=(20_000, 24)).astype(np.float32)
    for n_queries in (3, 500):  # database split, then query split
        X = rng.normal(size=(n_queries, 24)).astype(np.float32)
        runs = [NearestNeighbors(n_neighbors=7, n_jobs=j).fit(Y).kneighbors(X) for j in (1, 2, 3)]
        for dist, ind in runs[1:]:
            np.testing.assert_array_equal(ind, runs[0][1])
            np.testing.assert_array_equal(dist, runs[0][0])


def test_training_rows_are_not_their_own_neighbours(rng):
    Y = rng.normal(size=(60, 3))
    dist, ind = NearestNeighbors(n_neighbors=3).fit(Y).kneighbors()
    assert not (ind == np.arange(60)[:, None]).any()
    ref_dist, ref_ind = brute_force(Y, Y, "euclidean", {}, 4)
    np.testing.assert_array_equal(ind, ref_ind[:, 1:])
    np.testing.assert_allclose(dist, ref_dist[:, 1:], rtol=1e-12)


@pytest.mark.parametrize("sort_results", [True, False])
@pytest.mark.parametrize("metric", ["euclidean", "cosine", "manhattan"])
def test_radius_neighbors(rng, metric, sort_results):
    Y = rng.normal(size=(400, 5))
    X = rng.normal(size=(30, 5))
    scipy_metric = {"manhattan": "cityblock"}.get(metric, metric)
    D = cdist(X, Y, scipy_metric)
    radius = float(np.quantile(D, 0.1))
    index = NearestNeighbors(radius=radius, metric=metric).fit(Y)
    dist, ind = index.radius_neighbors(X, sort_results=sort_results)
    for q in range(30):
        expected = np.flatnonzero(D[q] <= radius)
        if sort_results:
            expected = expected[np.lexsort((expected, D[q, expected]))]
        np.testing.assert_array_equal(ind[q], expected)
        np.testing.assert_allclose(dist[q], D[q, expected], rtol=1e-12)
    graph = index.radius_neighbors_graph(X, mode="distance")
    assert graph.shape == (30, 400)
    np.testing.assert_allclose(graph.toarray(), np.where(radius >= D, D, 0), rtol=1e-12)


def test_kneighbors_graph(rng):
    Y = rng.normal(size=(50, 4))
    index = NearestNeighbors(n_neighbors=3).fit(Y)
    graph = index.kneighbors_graph(mode="distance")
    dist, ind = index.kneighbors()
    dense = graph.toarray()
    assert graph.shape == (50, 50)
    np.testing.assert_allclose(np.take_along_axis(dense, ind, axis=1), dist)
    assert (index.kneighbors_graph().sum(axis=1) == 3).all()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_neighbors": 0}, ValueError, "Expected n_neighbors > 0"),
        ({"n_neighbors": 2.5}, TypeError, "n_neighbors"),
        ({"metric": "hamming"}, ValueError, "metric must be one of"),
        ({"metric": "minkowski", "p": 0.5}, ValueError, "p must be a number >= 1"),
    ],
)
def test_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        NearestNeighbors(**kwargs).fit(np.ones((5, 2)))


def test_bad_queries(rng):
    index = NearestNeighbors(n_neighbors=3).fit(rng.normal(size=(10, 4)))
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        index.kneighbors(rng.normal(size=(2, 4)), n_neighbors=11)
    with pytest.raises(ValueError, match="X has 3 features, but NearestNeighbors is expecting 4"):
        index.kneighbors(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        index.kneighbors(np.full((2, 4), np.nan))
    with pytest.raises(ValueError, match="infinity"):
        index.kneighbors(np.full((2, 4), np.inf))
    with pytest.raises(ValueError, match="0 sample"):
        index.kneighbors(np.ones((0, 4)))
    with pytest.raises(ValueError, match="radius must be a non-negative"):
        index.radius_neighbors(np.ones((1, 4)), radius=-1.0)
    with pytest.raises(ValueError, match="NaN"):
        NearestNeighbors().fit(np.full((6, 2), np.nan))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inner_product_is_maximum_inner_product_search(rng, dtype):
    Y = rng.normal(size=(900, 20)).astype(dtype) * rng.uniform(0.5, 2.0, size=(900, 1)).astype(
        dtype
    )
    X = rng.normal(size=(60, 20)).astype(dtype)
    dist, ind = NearestNeighbors(n_neighbors=6, metric="inner_product").fit(Y).kneighbors(X)
    D = -(X.astype(np.float64) @ Y.astype(np.float64).T)
    order = np.lexsort((np.broadcast_to(np.arange(900), D.shape), D), axis=1)[:, :6]
    np.testing.assert_array_equal(ind, order)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(dist, np.take_along_axis(D, order, axis=1), rtol=rtol, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_high_dimension_is_exact(rng, dtype):
    # Large d: the GEMM form's rounding error grows with d; the re-check must hold.
    Y = rng.normal(size=(600, 700)).astype(dtype)
    X = rng.normal(size=(50, 700)).astype(dtype)
    dist, ind = NearestNeighbors(n_neighbors=5).fit(Y).kneighbors(X)
    ref_dist, ref_ind = brute_force(X, Y, "euclidean", {}, 5)
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-5 if dtype == np.float32 else 1e-12)
