"""Shared fixtures and the `gpu` marker's automatic skip."""

import numpy as np
import pytest

from mlarsenal._cuda_support import cuda_available


def pytest_collection_modifyitems(config, items):
    if cuda_available():
        return
    skip_gpu = pytest.mark.skip(reason="needs an NVIDIA GPU and a CUDA build of mlarsenal")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip_gpu)


@pytest.fixture
def rng():
    return np.random.default_rng(20261126)
