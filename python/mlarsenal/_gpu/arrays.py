"""Reading GPU arrays without copying them.

An input is on the GPU when it exposes ``__cuda_array_interface__`` (CuPy,
Numba, PyTorch, JAX...), is a CUDA torch tensor, or exposes ``__dlpack__``
with a CUDA ``__dlpack_device__``. :func:`device_view` turns any of them into
a :class:`DeviceView`: the raw address, shape, strides in elements and dtype
the ``_cuda`` kernels take, plus the object that owns the memory (kept
alive by the view).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# DLPack device types (dlpack.h): memory a CUDA kernel can read.
DLPACK_CUDA = 2
DLPACK_CUDA_MANAGED = 13
_DLPACK_GPU_TYPES = (DLPACK_CUDA, DLPACK_CUDA_MANAGED)


@dataclass(frozen=True)
class DeviceView:
    """One GPU array as the kernels see it."""

    address: int
    shape: tuple[int, ...]
    strides: tuple[int, ...]  # in elements, not bytes
    dtype: np.dtype
    device: int
    library: str  # "cupy", "torch" or "cuda_array_interface" (any other producer)
    owner: Any  # keeps the memory alive while the view is used
    readonly: bool = False

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def unit_column_stride(self) -> bool:
        """Rows may be strided, columns must be adjacent (what the kernels accept)."""
        if self.ndim == 1:
            return self.strides[0] == 1 or self.shape[0] <= 1
        return self.ndim == 2 and (self.strides[1] == 1 or self.shape[1] <= 1)

    def row_stride(self) -> int:
        if self.ndim == 1:
            return 1
        return self.strides[0] if self.shape[0] > 1 else self.shape[1]


def _is_torch_tensor(obj) -> bool:
    return type(obj).__module__.startswith("torch") and hasattr(obj, "data_ptr")


def _is_cupy_array(obj) -> bool:
    return type(obj).__module__.startswith("cupy") and hasattr(obj, "__cuda_array_interface__")


def library_of(obj) -> str | None:
    """'cupy', 'torch', 'cuda_array_interface' or 'dlpack' for a GPU array, else None."""
    if _is_torch_tensor(obj):
        return "torch" if obj.is_cuda else None
    if _is_cupy_array(obj):
        return "cupy"
    if hasattr(type(obj), "__cuda_array_interface__") or _has_interface(obj):
        return "cuda_array_interface"
    if hasattr(obj, "__dlpack__") and hasattr(obj, "__dlpack_device__"):
        try:
            device_type, _ = obj.__dlpack_device__()
        except Exception:  # a producer that cannot say: not ours to handle
            return None
        return "dlpack" if int(device_type) in _DLPACK_GPU_TYPES else None
    return None


def _has_interface(obj) -> bool:
    try:
        return isinstance(obj.__cuda_array_interface__, dict)
    except Exception:  # the property raises on unsupported objects (e.g. torch CPU)
        return False


def is_gpu_array(obj) -> bool:
    return library_of(obj) is not None


def parse_cuda_array_interface(interface: dict) -> tuple[int, tuple, tuple, np.dtype, bool]:
    """(address, shape, strides in elements, dtype, readonly) of a
    ``__cuda_array_interface__`` dict (versions 2 and 3).

    Raises ValueError for what the kernels cannot read: a mask, a
    byte-swapped or unknown dtype, strides that are not whole elements.
    """
    if not isinstance(interface, dict):
        raise TypeError(f"__cuda_array_interface__ must be a dict, got {type(interface).__name__}")
    missing = [key for key in ("shape", "typestr", "data") if key not in interface]
    if missing:
        raise ValueError(f"__cuda_array_interface__ lacks {', '.join(missing)}")
    version = interface.get("version", 0)
    if not isinstance(version, int) or version < 2:
        raise ValueError(
            f"__cuda_array_interface__ version {version!r} is not supported (need >= 2)"
        )
    if interface.get("mask") is not None:
        raise ValueError("masked GPU arrays (__cuda_array_interface__ 'mask') are not supported")
    try:
        dtype = np.dtype(interface["typestr"])
    except TypeError as exc:
        raise ValueError(f"unknown typestr {interface['typestr']!r}") from exc
    if dtype.byteorder == ">" or (dtype.byteorder == "=" and not np.little_endian):
        raise ValueError(f"byte-swapped GPU arrays ({interface['typestr']!r}) are not supported")
    dtype = dtype.newbyteorder("=")
    shape = tuple(int(n) for n in interface["shape"])
    if any(n < 0 for n in shape):
        raise ValueError(f"negative extent in shape {shape}")
    data = interface["data"]
    if not (isinstance(data, tuple) and len(data) == 2):
        raise ValueError("__cuda_array_interface__ 'data' must be (address, readonly)")
    address, readonly = int(data[0]), bool(data[1])
    byte_strides = interface.get("strides")
    if byte_strides is None:  # C-contiguous
        strides, step = [], 1
        for n in reversed(shape):
            strides.append(step)
            step *= max(n, 1)
        strides = tuple(reversed(strides))
    else:
        if len(byte_strides) != len(shape):
            raise ValueError(f"strides {byte_strides} do not match shape {shape}")
        if any(int(s) % dtype.itemsize for s in byte_strides):
            raise ValueError(
                f"strides {tuple(byte_strides)} are not multiples of the item size {dtype.itemsize}"
            )
        strides = tuple(int(s) // dtype.itemsize for s in byte_strides)
    if address == 0 and int(np.prod(shape, dtype=np.int64)) > 0:
        raise ValueError("__cuda_array_interface__ has a null address for a non-empty array")
    return address, shape, strides, dtype, readonly


_TORCH_DTYPES = {
    "torch.float32": np.float32,
    "torch.float64": np.float64,
    "torch.float16": np.float16,
    "torch.int32": np.int32,
    "torch.int64": np.int64,
    "torch.uint8": np.uint8,
    "torch.bool": np.bool_,
}


def _torch_view(tensor) -> DeviceView:
    name = str(tensor.dtype)
    if name not in _TORCH_DTYPES:
        raise TypeError(f"torch dtype {tensor.dtype} is not supported on the GPU path")
    return DeviceView(
        address=int(tensor.data_ptr()),
        shape=tuple(tensor.shape),
        strides=tuple(tensor.stride()),
        dtype=np.dtype(_TORCH_DTYPES[name]),
        device=int(tensor.device.index or 0),
        library="torch",
        owner=tensor,
    )


def _producer_device(obj) -> int:
    device = getattr(obj, "device", None)
    for attribute in ("id", "index"):
        value = getattr(device, attribute, None)
        if isinstance(value, int):
            return value
    if hasattr(obj, "__dlpack_device__"):
        return int(obj.__dlpack_device__()[1])
    return 0


def from_dlpack(obj):
    """A CuPy array (else a torch tensor) sharing the memory of a CUDA DLPack producer."""
    try:
        import cupy

        return cupy.from_dlpack(obj)
    except ImportError:
        pass
    try:
        import torch

        return torch.from_dlpack(obj)
    except ImportError as exc:
        raise TypeError(
            "a CUDA DLPack array needs CuPy or PyTorch to be read; install one of them or "
            "pass an array with __cuda_array_interface__"
        ) from exc


def device_view(obj) -> DeviceView:
    """The :class:`DeviceView` of a GPU array (no copy). TypeError for anything else."""
    library = library_of(obj)
    if library is None:
        raise TypeError(f"{type(obj).__name__} is not a GPU array")
    if library == "torch":
        return _torch_view(obj)
    if library == "dlpack":
        return device_view(from_dlpack(obj))
    address, shape, strides, dtype, readonly = parse_cuda_array_interface(
        obj.__cuda_array_interface__
    )
    return DeviceView(
        address=address,
        shape=shape,
        strides=strides,
        dtype=dtype,
        device=_producer_device(obj),
        library=library,
        owner=obj,
        readonly=readonly,
    )


def to_host(obj) -> np.ndarray:
    """A numpy copy of a GPU array (for the CPU engine)."""
    if _is_torch_tensor(obj):
        return obj.detach().cpu().numpy()
    if _is_cupy_array(obj):
        return obj.get()
    if library_of(obj) == "dlpack":
        return to_host(from_dlpack(obj))
    if hasattr(obj, "copy_to_host"):  # numba device arrays
        return obj.copy_to_host()
    try:
        import cupy
    except ImportError as exc:
        raise TypeError(
            f"copying a {type(obj).__name__} to the host needs CuPy (or pass a numpy array)"
        ) from exc
    return cupy.asarray(obj).get()
