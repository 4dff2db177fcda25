"""GPU k-means against the CPU engine from the same initial centres."""

import numpy as np
import pytest

from mlarsenal.cluster import KMeans

pytestmark = pytest.mark.gpu


def blobs(rng, n=20000, d=8, k=6):
    centres = rng.normal(scale=10.0, size=(k, d))
    X = centres[rng.integers(0, k, size=n)] + rng.normal(size=(n, d))
    return X.astype(np.float32), centres.astype(np.float32)


@pytest.mark.parametrize("deterministic", [False, True])
def test_same_init_gives_the_cpu_result(rng, deterministic):
    X, _ = blobs(rng)
    init = X[rng.choice(len(X), 6, replace=False)]
    kw = dict(n_clusters=6, init=init, n_init=1, max_iter=50, tol=0.0)
    cpu = KMeans(device="cpu", **kw).fit(X)
    gpu = KMeans(device="cuda", deterministic=deterministic, **kw).fit(X)
    np.testing.assert_array_equal(gpu.labels_, cpu.labels_)
    np.testing.assert_allclose(gpu.cluster_centers_, cpu.cluster_centers_, rtol=1e-5, atol=1e-5)
    assert gpu.inertia_ == pytest.approx(cpu.inertia_, rel=1e-6)
    assert gpu.n_iter_ == cpu.n_iter_


def test_deterministic_fits_are_bitwise_repeatable(rng):
    X, _ = blobs(rng, n=50000, d=16, k=32)
    kw = dict(n_clusters=32, init="random", random_state=3, n_init=1, max_iter=5, tol=0.0)
    a = KMeans(device="cuda", deterministic=True, **kw).fit(X)
    b = KMeans(device="cuda", deterministic=True, **kw).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_kmeans_plus_plus_seeding_matches(rng):
    X, _ = blobs(rng, n=5000)
    cpu = KMeans(n_clusters=6, random_state=0, device="cpu").fit(X)
    gpu = KMeans(n_clusters=6, random_state=0, device="cuda").fit(X)
    np.testing.assert_array_equal(gpu.labels_, cpu.labels_)


def test_predict_transform_score_match(rng):
    X, _ = blobs(rng)
    model = KMeans(n_clusters=6, random_state=0, device="cpu").fit(X)
    cpu = (model.predict(X), model.transform(X[:500]), model.score(X))
    model.device = "cuda"
    gpu = (model.predict(X), model.transform(X[:500]), model.score(X))
    np.testing.assert_array_equal(gpu[0], cpu[0])
    np.testing.assert_allclose(gpu[1], cpu[1], rtol=1e-5, atol=1e-4)
    assert gpu[2] == pytest.approx(cpu[2], rel=1e-6)


def test_empty_clusters_are_reseeded_as_on_the_cpu(rng):
    X, _ = blobs(rng, n=3000, d=4, k=3)
    init = np.vstack([X[:3], np.full((2, 4), 1e4, dtype=np.float32)])  # two far centres
    kw = dict(n_clusters=5, init=init, n_init=1, max_iter=20, tol=0.0)
    cpu = KMeans(device="cpu", **kw).fit(X)
    gpu = KMeans(device="cuda", **kw).fit(X)
    np.testing.assert_array_equal(gpu.labels_, cpu.labels_)


def test_torch_input_predict_returns_torch(rng, torch_cuda):
    torch = torch_cuda
    X, _ = blobs(rng, n=4000)
    model = KMeans(n_clusters=6, random_state=0).fit(torch.from_numpy(X).cuda())
    labels = model.predict(torch.from_numpy(X).cuda())
    assert labels.is_cuda
    cpu = KMeans(n_clusters=6, random_state=0, device="cpu").fit(X)
    np.testing.assert_allclose(
        np.sort(model.cluster_centers_, axis=0), np.sort(cpu.cluster_centers_, axis=0), atol=1e-3
    )


def test_large_k_times_d_accumulates_in_global_memory(rng):
    """k * (d + 1) doubles beyond the shared-memory accumulators (and beyond the
    per-block limit of 96-99 KiB GPUs): the global-atomics path."""
    X, _ = blobs(rng, n=20000, d=64, k=300)
    init = X[rng.choice(len(X), 300, replace=False)]
    kw = dict(n_clusters=300, init=init, n_init=1, max_iter=1, tol=0.0)
    cpu = KMeans(device="cpu", **kw).fit(X)
    for deterministic in (False, True):
        gpu = KMeans(device="cuda", deterministic=deterministic, **kw).fit(X)
        np.testing.assert_allclose(gpu.cluster_centers_, cpu.cluster_centers_, rtol=1e-5, atol=1e-5)
    model = KMeans(n_clusters=300, init=init, n_init=1, max_iter=3, device="cpu").fit(X)
    expected = model.predict(X)
    model.device = "cuda"
    np.testing.assert_array_equal(model.predict(X), expected)
