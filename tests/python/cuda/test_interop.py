"""Reading GPU arrays: __cuda_array_interface__ dicts, producers, and what is rejected.

These run everywhere: parsing needs no GPU (the addresses are never dereferenced).
"""

import numpy as np
import pytest

from mlarsenal._gpu.arrays import (
    device_view,
    is_gpu_array,
    library_of,
    parse_cuda_array_interface,
)


class FakeGpuArray:
    """A producer that only exposes __cuda_array_interface__ (like Numba's device arrays)."""

    def __init__(self, interface, device_id=0):
        self.__cuda_array_interface__ = interface
        self.device = type("Device", (), {"id": device_id})()


def interface(**overrides):
    base = {"shape": (4, 3), "typestr": "<f4", "data": (4096, False), "version": 3, "strides": None}
    base.update(overrides)
    return base


def test_c_contiguous_interface_gives_element_strides():
    address, shape, strides, dtype, readonly = parse_cuda_array_interface(interface())
    assert (address, shape, strides, dtype, readonly) == (4096, (4, 3), (3, 1), np.float32, False)


def test_byte_strides_become_element_strides():
    parsed = parse_cuda_array_interface(interface(typestr="<f8", strides=(64, 8)))
    assert parsed[2] == (8, 1)
    assert parsed[3] == np.float64


def test_transposed_view_has_non_unit_column_stride():
    view = device_view(FakeGpuArray(interface(strides=(4, 16), shape=(3, 4))))
    assert view.strides == (1, 4)
    assert not view.unit_column_stride()


def test_row_strided_view_is_accepted_in_place():
    view = device_view(FakeGpuArray(interface(strides=(32, 4)), device_id=2))
    assert view.unit_column_stride()
    assert view.row_stride() == 8
    assert view.device == 2
    assert view.library == "cuda_array_interface"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"mask": (1, False)}, "masked"),
        ({"typestr": ">f4"}, "byte-swapped"),
        ({"version": 1}, "version"),
        ({"strides": (6, 3)}, "multiples of the item size"),
        ({"strides": (4,)}, "do not match"),
        ({"data": (0, False)}, "null address"),
        ({"data": 4096}, "'data'"),
    ],
)
def test_unreadable_interfaces_are_rejected(overrides, message):
    with pytest.raises(ValueError, match=message):
        parse_cuda_array_interface(interface(**overrides))


def test_missing_keys_are_named():
    with pytest.raises(ValueError, match="typestr"):
        parse_cuda_array_interface({"shape": (1,), "data": (1, False), "version": 3})


def test_empty_array_may_have_a_null_address():
    assert parse_cuda_array_interface(interface(shape=(0, 3), data=(0, False)))[1] == (0, 3)


def test_host_arrays_are_not_gpu_arrays():
    assert library_of(np.zeros(3)) is None
    assert not is_gpu_array([1.0, 2.0])
    with pytest.raises(TypeError, match="not a GPU array"):
        device_view(np.zeros(3))


def test_dlpack_producers_on_the_cpu_are_not_gpu_arrays():
    class CpuDlpack:
        def __dlpack__(self, stream=None):
            raise AssertionError("never exported")

        def __dlpack_device__(self):
            return (1, 0)  # kDLCPU

    class CudaDlpack(CpuDlpack):
        def __dlpack_device__(self):
            return (2, 1)  # kDLCUDA, device 1

    assert library_of(CpuDlpack()) is None
    assert library_of(CudaDlpack()) == "dlpack"


def test_torch_cpu_tensors_are_host_arrays():
    torch = pytest.importorskip("torch")
    assert library_of(torch.zeros(3)) is None
