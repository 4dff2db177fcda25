"""device=: validation, clear errors without CUDA, and "auto" falling back to the CPU.

Run everywhere; on a machine with a GPU and a CUDA build the no-CUDA cases
are simulated by monkeypatching.
"""

import numpy as np
import pytest

from mlarsenal._gpu import device as device_module
from mlarsenal._gpu.device import check_device, resolve_device
from mlarsenal.cluster import KMeans
from mlarsenal.forest import Forest
from mlarsenal.neighbors import KNeighborsClassifier, NearestNeighbors


@pytest.fixture
def no_cuda(monkeypatch):
    """As if this build had no _cuda module."""
    monkeypatch.setattr(device_module, "cuda_module", lambda: None)
    monkeypatch.setattr(device_module, "cuda_available", lambda: False)


@pytest.fixture
def cuda_without_gpu(monkeypatch):
    """As if _cuda were built but no driver/GPU were present."""

    class Module:
        @staticmethod
        def runtime_status():
            return {"device_count": 0, "error": "cudaErrorNoDevice: no CUDA-capable device"}

    monkeypatch.setattr(device_module, "cuda_module", lambda: Module)
    monkeypatch.setattr(device_module, "cuda_available", lambda: False)


def stump():
    return Forest.from_trees(
        [{"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -1, -1],
          "threshold": [0.5, 0.0, 0.0], "value": [0.0, -1.0, 1.0]}],
        n_features=1,
    )  # fmt: skip


@pytest.mark.parametrize("bad", ["cuda:0", "CUDA", None, 0])
def test_unknown_devices_are_rejected(bad):
    with pytest.raises(ValueError, match="device must be"):
        check_device(bad)


def test_cuda_without_the_module_names_device_and_the_fix(no_cuda):
    with pytest.raises(RuntimeError, match=r"device='cuda'.*no CUDA module"):
        resolve_device("cuda", on_gpu=False)


def test_cuda_without_a_gpu_names_device_and_the_reason(cuda_without_gpu):
    with pytest.raises(RuntimeError, match=r"device='cuda'.*cudaErrorNoDevice"):
        resolve_device("cuda", on_gpu=False)


def test_cuda_for_an_unsupported_call_is_a_value_error(monkeypatch):
    monkeypatch.setattr(device_module, "cuda_unusable_reason", lambda: None)
    with pytest.raises(ValueError, match=r"device='cuda' does not support the metric"):
        resolve_device("cuda", on_gpu=False, unsupported="the metric 'manhattan'")


def test_auto_keeps_host_inputs_on_the_cpu_until_the_kernels_are_verified(monkeypatch):
    monkeypatch.setattr(device_module, "cuda_available", lambda: True)
    assert not device_module.AUTO_MOVES_HOST_INPUTS
    assert resolve_device("auto", on_gpu=True) == "cuda"
    assert resolve_device("auto", on_gpu=False, work=lambda: 1e30, threshold=100) == "cpu"


def test_auto_rule(monkeypatch):
    monkeypatch.setattr(device_module, "cuda_available", lambda: True)
    monkeypatch.setattr(device_module, "AUTO_MOVES_HOST_INPUTS", True)
    assert resolve_device("auto", on_gpu=True) == "cuda"
    assert resolve_device("auto", on_gpu=False, work=10, threshold=100) == "cpu"
    assert resolve_device("auto", on_gpu=False, work=lambda: 100, threshold=100) == "cuda"
    assert resolve_device("auto", on_gpu=True, unsupported="x") == "cpu"
    assert resolve_device("cpu", on_gpu=True) == "cpu"
    monkeypatch.setattr(device_module, "cuda_available", lambda: False)
    assert resolve_device("auto", on_gpu=True) == "cpu"


def test_auto_never_evaluates_work_without_a_gpu(no_cuda):
    def work():
        raise AssertionError("work must not be computed")

    assert resolve_device("auto", on_gpu=False, work=work, threshold=1) == "cpu"


def test_estimators_raise_for_cuda_without_cuda(no_cuda, rng):
    X = rng.normal(size=(50, 4)).astype(np.float32)
    with pytest.raises(RuntimeError, match="device='cuda'"):
        NearestNeighbors(n_neighbors=3, device="cuda").fit(X).kneighbors(X[:5])
    with pytest.raises(RuntimeError, match="device='cuda'"):
        KMeans(n_clusters=3, device="cuda", random_state=0).fit(X)
    with pytest.raises(RuntimeError, match="device='cuda'"):
        stump().predict(np.zeros((2, 1)), device="cuda")


def test_bad_device_is_rejected_at_fit(rng):
    X = rng.normal(size=(20, 2))
    with pytest.raises(ValueError, match="device must be"):
        NearestNeighbors(device="gpu").fit(X)
    with pytest.raises(ValueError, match="device must be"):
        KMeans(n_clusters=2, device="gpu").fit(X)
    with pytest.raises(ValueError, match="device must be"):
        stump().predict(np.zeros((1, 1)), device="gpu")


def test_auto_falls_back_to_the_cpu_with_identical_results(no_cuda, rng):
    X = rng.normal(size=(200, 5))
    y = (X[:, 0] > 0).astype(int)
    for device in ("auto", "cpu"):
        index = NearestNeighbors(n_neighbors=4, device=device).fit(X)
        result = index.kneighbors(X[:10])
        if device == "auto":
            auto = result
    np.testing.assert_array_equal(auto[1], result[1])
    clf = KNeighborsClassifier(n_neighbors=3, device="auto").fit(X, y)
    assert isinstance(clf.predict(X[:5]), np.ndarray)
    km_auto = KMeans(n_clusters=3, random_state=0, device="auto").fit(X)
    km_cpu = KMeans(n_clusters=3, random_state=0, device="cpu").fit(X)
    np.testing.assert_array_equal(km_auto.labels_, km_cpu.labels_)
    forest = stump()
    np.testing.assert_array_equal(
        forest.predict(X[:, :1], device="auto"), forest.predict(X[:, :1], device="cpu")
    )


def test_device_is_a_constructor_parameter():
    assert NearestNeighbors().get_params()["device"] == "auto"
    assert KNeighborsClassifier(device="cpu").get_params()["device"] == "cpu"
    params = KMeans().get_params()
    assert params["device"] == "auto" and params["deterministic"] is False


def test_fitted_neighbors_pickle_without_device_state(rng):
    import pickle

    index = NearestNeighbors(n_neighbors=2).fit(rng.normal(size=(10, 2)))
    index._gpu_index[0] = object()  # stands for a device buffer
    clone = pickle.loads(pickle.dumps(index))
    assert not hasattr(clone, "_gpu_index") or not clone._gpu_index
    np.testing.assert_array_equal(
        clone.kneighbors(index._fit_X[:3])[1], index.kneighbors(index._fit_X[:3])[1]
    )
