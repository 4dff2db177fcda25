import numpy as np
import pytest
from estimator_checks import parametrize_estimator_checks
from sklearn import cluster as sk_cluster
from sklearn.metrics import adjusted_rand_score

from mlarsenal.cluster import KMeans, kmeans_plusplus


def blobs(rng, n=3000, d=5, centers=6, dtype=np.float64):
    means = rng.normal(scale=6.0, size=(centers, d))
    X = means[rng.integers(0, centers, n)] + rng.normal(size=(n, d))
    return X.astype(dtype)


@parametrize_estimator_checks([KMeans(n_clusters=3, n_init=2, max_iter=10, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_scikit_learn_with_the_same_seed(rng, init, weighted):
    X = blobs(rng)
    w = rng.random(X.shape[0]) + 0.5 if weighted else None
    ours = KMeans(6, init=init, n_init=3, random_state=7).fit(X, sample_weight=w)
    theirs = sk_cluster.KMeans(6, init=init, n_init=3, random_state=7).fit(X, sample_weight=w)
    assert adjusted_rand_score(ours.labels_, theirs.labels_) == 1.0
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-5)
    assert ours.n_iter_ == theirs.n_iter_
    order = np.argsort(ours.cluster_centers_[:, 0])
    their_order = np.argsort(theirs.cluster_centers_[:, 0])
    np.testing.assert_allclose(
        ours.cluster_centers_[order], theirs.cluster_centers_[their_order], rtol=1e-7, atol=1e-9
    )


def test_float32_from_the_same_initial_centres(rng):
    X = blobs(rng, n=20_000, d=16, centers=12, dtype=np.float32)
    init = X[:12].copy()
    ours = KMeans(12, init=init, max_iter=20, tol=0).fit(X)
    theirs = sk_cluster.KMeans(12, init=init, n_init=1, max_iter=20, tol=0).fit(X)
    assert ours.cluster_centers_.dtype == np.float32
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-5)
    assert adjusted_rand_score(ours.labels_, theirs.labels_) > 0.999


def test_kmeans_plusplus_picks_the_same_points(rng):
    X = blobs(rng)
    _, ours = kmeans_plusplus(X, 6, random_state=3)
    _, theirs = sk_cluster.kmeans_plusplus(X, 6, random_state=3)
    np.testing.assert_array_equal(ours, theirs)


def test_predict_transform_score(rng):
    X = blobs(rng, n=500)
    model = KMeans(6, random_state=0).fit(X)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    D = model.transform(X)
    assert D.shape == (500, 6)
    np.testing.assert_array_equal(np.argmin(D, axis=1), model.labels_)
    np.testing.assert_allclose(-model.score(X), model.inertia_, rtol=1e-10)
    np.testing.assert_allclose(model.inertia_, np.sum(np.min(D, axis=1) ** 2), rtol=1e-10)


def test_results_do_not_depend_on_threads(rng):
    X = blobs(rng, n=30_000, d=8, centers=10, dtype=np.float32)
    runs = [KMeans(10, random_state=1, n_jobs=j).fit(X) for j in (1, 2, 3)]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.labels_, runs[0].labels_)
        np.testing.assert_array_equal(run.cluster_centers_, runs[0].cluster_centers_)
        assert run.inertia_ == runs[0].inertia_


def test_empty_clusters_are_reseeded():
    X = np.array([[0.0], [0.1], [0.2], [10.0], [10.1]])
    init = np.array([[0.1], [10.0], [100.0]])  # the third centre attracts nothing
    model = KMeans(3, init=init, max_iter=5).fit(X)
    assert len(np.unique(model.labels_)) == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_clusters": 0}, "n_clusters must be an integer >= 1"),
        ({"n_clusters": 50}, "n_samples=10 should be >= n_clusters=50"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"n_init": 0}, "n_init must be"),
        ({"tol": -1.0}, "tol must be"),
        ({"init": "spectral"}, "init must be"),
        ({"n_clusters": 2, "init": np.zeros((3, 2))}, "does not match"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        KMeans(**kwargs).fit(np.random.default_rng(0).normal(size=(10, 2)))


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit(np.array([[np.nan, 1.0], [1.0, 2.0]]))
    with pytest.raises(ValueError, match="negative"):
        KMeans(2).fit(np.ones((4, 2)), sample_weight=[1, -1, 1, 1])
    model = KMeans(2, random_state=0).fit(np.random.default_rng(0).normal(size=(10, 3)))
    with pytest.raises(ValueError, match="X has 2 features"):
        model.predict(np.ones((2, 2)))
