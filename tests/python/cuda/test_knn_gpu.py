"""GPU k-NN against the CPU engine: identical neighbours, equal distances."""

import numpy as np
import pytest

from mlarsenal.neighbors import KNeighborsClassifier, NearestNeighbors

pytestmark = pytest.mark.gpu


def data(rng, n, d, dtype=np.float32):
    # Continuous random data: ties between distances have probability zero.
    return rng.normal(size=(n, d)).astype(dtype)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
@pytest.mark.parametrize(("n", "d", "k"), [(5000, 32, 10), (1000, 7, 1), (300, 130, 64)])
def test_numpy_inputs_match_the_cpu(rng, metric, n, d, k):
    X, Q = data(rng, n, d), data(rng, 257, d)
    cpu = NearestNeighbors(n_neighbors=k, metric=metric, device="cpu").fit(X).kneighbors(Q)
    gpu = NearestNeighbors(n_neighbors=k, metric=metric, device="cuda").fit(X).kneighbors(Q)
    assert isinstance(gpu[0], np.ndarray)
    np.testing.assert_array_equal(gpu[1], cpu[1])
    np.testing.assert_array_equal(gpu[0], cpu[0])  # exact re-scoring: bitwise


def test_float64_is_exact(rng):
    X, Q = data(rng, 2000, 16, np.float64), data(rng, 50, 16, np.float64)
    cpu = NearestNeighbors(n_neighbors=5, device="cpu").fit(X).kneighbors(Q)
    gpu = NearestNeighbors(n_neighbors=5, device="cuda").fit(X).kneighbors(Q)
    np.testing.assert_array_equal(gpu[1], cpu[1])
    np.testing.assert_array_equal(gpu[0], cpu[0])


def test_ties_go_to_the_smaller_index_as_on_the_cpu(rng):
    X = np.repeat(data(rng, 100, 4), 3, axis=0)  # every row three times
    Q = X[::7] + 0.0
    cpu = NearestNeighbors(n_neighbors=6, device="cpu").fit(X).kneighbors(Q)
    gpu = NearestNeighbors(n_neighbors=6, device="cuda").fit(X).kneighbors(Q)
    np.testing.assert_array_equal(gpu[1], cpu[1])


def test_training_rows_as_queries_drop_themselves(rng):
    X = data(rng, 500, 8)
    cpu = NearestNeighbors(n_neighbors=3, device="cpu").fit(X).kneighbors()
    gpu = NearestNeighbors(n_neighbors=3, device="cuda").fit(X).kneighbors()
    np.testing.assert_array_equal(gpu[1], cpu[1])


def test_torch_inputs_stay_on_the_gpu(rng, torch_cuda):
    torch = torch_cuda
    X, Q = data(rng, 3000, 16), data(rng, 100, 16)
    Xt, Qt = torch.from_numpy(X).cuda(), torch.from_numpy(Q).cuda()
    index = NearestNeighbors(n_neighbors=5).fit(Xt)  # auto: GPU input
    dist, ind = index.kneighbors(Qt)
    assert ind.is_cuda and dist.is_cuda and ind.dtype == torch.int64
    cpu = NearestNeighbors(n_neighbors=5, device="cpu").fit(X).kneighbors(Q)
    np.testing.assert_array_equal(ind.cpu().numpy(), cpu[1])
    # The fitted GPU array is the index itself: no copy.
    assert index._device_index(_placement_of(Qt)).address == Xt.data_ptr()


def _placement_of(array):
    from mlarsenal._gpu.placement import Placement

    return Placement.for_inputs(array)


def test_cupy_queries_are_read_in_place(rng, cupy):
    from mlarsenal._gpu.placement import Placement

    Q = cupy.asarray(data(rng, 64, 8))
    view = Placement.for_inputs(Q).input(Q, np.float32)
    assert view.address == Q.data.ptr
    X = data(rng, 1000, 8)
    _, ind = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(Q)
    assert isinstance(ind, cupy.ndarray)
    cpu = NearestNeighbors(n_neighbors=4, device="cpu").fit(X).kneighbors(cupy.asnumpy(Q))
    np.testing.assert_array_equal(cupy.asnumpy(ind), cpu[1])


def test_classifier_predictions_match(rng):
    X = data(rng, 2000, 6)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    cpu = KNeighborsClassifier(n_neighbors=7, device="cpu").fit(X, y).predict_proba(X[:300])
    gpu = KNeighborsClassifier(n_neighbors=7, device="cuda").fit(X, y).predict_proba(X[:300])
    np.testing.assert_array_equal(gpu, cpu)


def test_unsupported_metric_with_cuda_is_a_value_error(rng):
    X = data(rng, 50, 3)
    with pytest.raises(ValueError, match="device='cuda' does not support"):
        NearestNeighbors(metric="manhattan", device="cuda").fit(X).kneighbors(X)
    with pytest.raises(ValueError, match="n_neighbors > 64"):
        NearestNeighbors(n_neighbors=65, device="cuda").fit(data(rng, 100, 3)).kneighbors(X)


@pytest.mark.parametrize("k", [1, 17, 64])
def test_many_chunks_ragged_tiles_and_scalar_loads(rng, k):
    """n_y not a multiple of the 128-row tile and split into many chunks (few
    queries), d not a multiple of 4 (scalar loads), k = 64 (the largest lists:
    84 KiB of shared memory in the scan, n_chunks * 64 candidates in the merge)."""
    X, Q = data(rng, 20011, 5), data(rng, 37, 5)
    for metric in ("sqeuclidean", "cosine", "inner_product"):
        cpu = NearestNeighbors(n_neighbors=k, metric=metric, device="cpu").fit(X).kneighbors(Q)
        gpu = NearestNeighbors(n_neighbors=k, metric=metric, device="cuda").fit(X).kneighbors(Q)
        np.testing.assert_array_equal(gpu[1], cpu[1], err_msg=metric)
        np.testing.assert_array_equal(gpu[0], cpu[0], err_msg=metric)


def test_torch_side_stream_reads_a_completed_index_upload(rng, torch_cuda):
    """A numpy-fitted index is uploaded on the default stream and searched on the
    caller's (here non-blocking) stream: the upload must have landed."""
    torch = torch_cuda
    X, Q = data(rng, 200000, 16), data(rng, 64, 16)
    cpu = NearestNeighbors(n_neighbors=5, device="cpu").fit(X).kneighbors(Q)
    index = NearestNeighbors(n_neighbors=5).fit(X)
    with torch.cuda.stream(torch.cuda.Stream()):
        _, ind = index.kneighbors(torch.from_numpy(Q).cuda())
        got = ind.cpu().numpy()
    np.testing.assert_array_equal(got, cpu[1])
