import numpy as np
import pytest
from estimator_checks import parametrize_estimator_checks
from sklearn import cluster as sk_cluster

from mlarsenal.cluster import DBSCAN


@parametrize_estimator_checks([DBSCAN(eps=1.0, min_samples=3)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_labels_as_scikit_learn(rng, metric, weighted):
    centers = rng.normal(scale=5.0, size=(5, 3))
    X = np.vstack([c + rng.normal(scale=0.6, size=(120, 3)) for c in centers])
    X = np.vstack([X, rng.uniform(-12, 12, size=(80, 3))])  # noise and border points
    w = rng.integers(1, 3, X.shape[0]) if weighted else None
    eps = 0.15 if metric == "cosine" else 0.8
    ours = DBSCAN(eps=eps, min_samples=6, metric=metric).fit(X, sample_weight=w)
    theirs = sk_cluster.DBSCAN(eps=eps, min_samples=6, metric=metric).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.core_sample_indices_, theirs.core_sample_indices_)
    np.testing.assert_array_equal(ours.components_, theirs.components_)


def test_bad_parameters():
    X = np.ones((5, 2))
    with pytest.raises(ValueError, match="eps must be"):
        DBSCAN(eps=0).fit(X)
    with pytest.raises(ValueError, match="min_samples must be"):
        DBSCAN(min_samples=0).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        DBSCAN().fit(np.full((3, 2), np.nan))
