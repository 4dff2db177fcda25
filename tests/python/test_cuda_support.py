"""The optional _cuda module: safe to query everywhere, exercised on a GPU."""

import pytest

import mlarsenal
from mlarsenal._cuda_support import cuda_available, cuda_info, cuda_module


def test_cuda_info_is_consistent_with_the_build():
    info = cuda_info()
    assert mlarsenal.build_info()["cuda"]["built"] == info["built"]
    if cuda_module() is None:
        assert info == {"built": False}
        assert not cuda_available()
        return
    assert info["archs"] and all(arch.strip() for arch in info["archs"])
    assert info["runtime_version"] > 0
    assert info["device_count"] >= 0
    # Without a usable driver/GPU the reason is given instead of an exception.
    assert info["device_count"] > 0 or info["error"]


@pytest.mark.gpu
def test_every_device_runs_this_builds_kernels():
    module = cuda_module()
    for device in module.devices():
        assert device["compute_capability"][0] >= 7
        ok, error = module.self_test(device["index"])
        assert ok, error
