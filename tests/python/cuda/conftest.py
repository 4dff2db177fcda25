"""Fixtures of the GPU tests: torch on CUDA (and CuPy when installed)."""

import pytest


@pytest.fixture
def torch_cuda():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch has no CUDA device")
    return torch


@pytest.fixture
def cupy():
    return pytest.importorskip("cupy")
