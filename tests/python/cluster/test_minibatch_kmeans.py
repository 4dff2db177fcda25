import numpy as np
import pytest
from estimator_checks import parametrize_estimator_checks
from sklearn import cluster as sk_cluster

from mlarsenal.cluster import MiniBatchKMeans


def blobs(rng, n=4000, d=5, centers=6):
    means = rng.normal(scale=6.0, size=(centers, d))
    return means[rng.integers(0, centers, n)] + rng.normal(size=(n, d))


@parametrize_estimator_checks([MiniBatchKMeans(n_clusters=3, batch_size=20, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("kwargs", [{}, {"tol": 1e-3}, {"max_no_improvement": None, "max_iter": 3}])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_trajectory_as_scikit_learn(rng, init, kwargs, weighted):
    X = blobs(rng)
    w = rng.random(X.shape[0]) + 0.5 if weighted else None
    params = dict(n_clusters=6, init=init, random_state=3, batch_size=256, **kwargs)
    ours = MiniBatchKMeans(**params).fit(X, sample_weight=w)
    theirs = sk_cluster.MiniBatchKMeans(**params).fit(X, sample_weight=w)
    assert ours.n_steps_ == theirs.n_steps_
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-10, atol=1e-10
    )
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-10)


def test_partial_fit_matches_scikit_learn(rng):
    X = blobs(rng, n=3000)
    ours = MiniBatchKMeans(n_clusters=6, random_state=1, batch_size=300)
    theirs = sk_cluster.MiniBatchKMeans(n_clusters=6, random_state=1, batch_size=300)
    for start in range(0, 3000, 300):
        ours.partial_fit(X[start : start + 300])
        theirs.partial_fit(X[start : start + 300])
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-10, atol=1e-10
    )
    assert ours.n_steps_ == theirs.n_steps_ == 10


def test_float32_predict_transform_score(rng):
    X = blobs(rng).astype(np.float32)
    model = MiniBatchKMeans(n_clusters=6, random_state=0, n_init=3).fit(X)
    assert model.cluster_centers_.dtype == np.float32
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    np.testing.assert_array_equal(np.argmin(model.transform(X), axis=1), model.labels_)
    np.testing.assert_allclose(-model.score(X), model.inertia_, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size must be"),
        ({"reassignment_ratio": -1.0}, "reassignment_ratio must be"),
        ({"max_no_improvement": -2}, "max_no_improvement must be"),
        ({"n_clusters": 40}, "n_samples=20 should be >= n_clusters=40"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MiniBatchKMeans(**kwargs).fit(np.random.default_rng(0).normal(size=(20, 2)))
