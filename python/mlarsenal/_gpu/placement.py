"""Where one GPU call's inputs come from and where its outputs go.

A :class:`Placement` is fixed by the call's inputs: the library of the first
GPU array among them (CuPy, torch, or another ``__cuda_array_interface__``
producer, whose outputs are then CuPy arrays), its device and the library's
current stream; or, when every input is a numpy array, numpy on the current
CUDA device through ``_cuda.memory`` buffers on the default stream.

- :meth:`Placement.input` gives the kernels a :class:`DeviceView` of an
  input: GPU arrays in place when their dtype and layout already fit (else
  converted by their own library), numpy arrays uploaded once;
- :meth:`Placement.empty` allocates an output with the caller's library
  (``cupy.empty``, ``torch.empty(device=...)``) or as a device buffer;
- :meth:`Placement.result` hands an output back: the array itself, or for
  numpy a host copy made after the stream has finished.
"""

from __future__ import annotations

import numpy as np

from mlarsenal._cuda_support import cuda_module
from mlarsenal._gpu.arrays import DeviceView, device_view, from_dlpack, library_of
from mlarsenal._gpu.streams import current_stream


class DeviceOutput:
    """An output the kernels write: its address, and the object holding it."""

    def __init__(self, address: int, holder, shape, dtype):
        self.address = address
        self.holder = holder
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)


class Placement:
    def __init__(self, library: str, device: int, stream: int):
        self.library = library  # "numpy", "cupy" or "torch"
        self.device = device
        self.stream = stream
        self._alive: list = []  # uploads and conversions used by the call

    @classmethod
    def for_inputs(cls, *inputs) -> Placement:
        """The placement of the first GPU array among `inputs` (numpy if none)."""
        gpu = [x for x in inputs if x is not None and library_of(x) is not None]
        if not gpu:
            return cls("numpy", 0, 0)
        first = gpu[0]
        library = library_of(first)
        if library == "dlpack":
            first = from_dlpack(first)
            library = library_of(first)
        view = device_view(first)
        for other in gpu[1:]:
            if device_view(other).device != view.device:
                raise ValueError(
                    f"GPU inputs live on different devices ({view.device} and "
                    f"{device_view(other).device}); move them to one device"
                )
        output_library = "torch" if library == "torch" else "cupy"
        if output_library == "cupy" and library != "cupy":
            _require_cupy("outputs for a __cuda_array_interface__ input")
        return cls(output_library, view.device, current_stream(output_library, view.device))

    # ----------------------------------------------------------------- inputs
    def input(self, obj, dtype, *, name: str = "X", ndim: int = 2) -> DeviceView:
        """A view of `obj` as `dtype` with unit column stride on this device."""
        dtype = np.dtype(dtype)
        if library_of(obj) is None:
            host = np.ascontiguousarray(obj, dtype=dtype)
            if host.ndim != ndim:
                raise ValueError(f"{name} must be {ndim}-d, got shape {host.shape}")
            return self._upload(host)
        view = device_view(obj if library_of(obj) != "dlpack" else from_dlpack(obj))
        if view.ndim != ndim:
            raise ValueError(f"{name} must be {ndim}-d, got shape {view.shape}")
        if view.device != self.device:
            raise ValueError(
                f"{name} is on GPU {view.device}, but this call runs on GPU {self.device}"
            )
        if view.library == "cuda_array_interface":
            self._wait_for_producer(view.owner)
        if view.dtype == dtype and view.unit_column_stride():
            return view  # zero copy
        converted = self._convert(view.owner, dtype)
        self._alive.append(converted)
        return device_view(converted)

    def _wait_for_producer(self, obj) -> None:
        """Honour ``__cuda_array_interface__`` v3 'stream': the producer's pending work
        on the array must be done before kernels on this call's stream read it."""
        stream = obj.__cuda_array_interface__.get("stream")
        if stream is None or stream == self.stream or (stream == 1 and self.stream == 0):
            return  # no stream given, or the one we run on (1 is the legacy default, 0)
        cuda_module().memory.synchronize(self.device, int(stream))

    def _convert(self, obj, dtype: np.dtype):
        if self.library == "torch" and library_of(obj) == "torch":
            import torch

            torch_dtype = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
                           np.dtype(np.int32): torch.int32}[dtype]  # fmt: skip
            return obj.to(torch_dtype).contiguous()
        cupy = _require_cupy("converting a GPU input")
        with cupy.cuda.Device(self.device):
            return cupy.ascontiguousarray(cupy.asarray(obj), dtype=dtype)

    def _upload(self, host: np.ndarray) -> DeviceView:
        module = cuda_module()
        buffer = module.memory.DeviceBuffer(max(host.nbytes, 1), self.device)
        buffer.copy_from_host(host, self.stream)
        self._alive.append(buffer)
        strides = tuple(s // host.itemsize for s in host.strides) if host.size else (1,) * host.ndim
        return DeviceView(
            address=buffer.address,
            shape=host.shape,
            strides=strides,
            dtype=host.dtype,
            device=self.device,
            library="numpy",
            owner=buffer,
        )

    def keep_alive(self, obj) -> None:
        self._alive.append(obj)

    # ---------------------------------------------------------------- outputs
    def empty(self, shape, dtype) -> DeviceOutput:
        dtype = np.dtype(dtype)
        shape = tuple(int(n) for n in shape)
        if self.library == "torch":
            import torch

            torch_dtype = getattr(torch, dtype.name if dtype != np.bool_ else "bool")
            tensor = torch.empty(shape, dtype=torch_dtype, device=f"cuda:{self.device}")
            return DeviceOutput(tensor.data_ptr(), tensor, shape, dtype)
        if self.library == "cupy":
            cupy = _require_cupy("GPU outputs")
            with cupy.cuda.Device(self.device):
                array = cupy.empty(shape, dtype=dtype)
            return DeviceOutput(array.data.ptr, array, shape, dtype)
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        buffer = cuda_module().memory.DeviceBuffer(max(nbytes, 1), self.device)
        return DeviceOutput(buffer.address, buffer, shape, dtype)

    def result(self, output: DeviceOutput):
        """The caller's array for `output` (numpy: copied back after the stream finishes)."""
        if self.library in ("torch", "cupy"):
            return output.holder
        host = np.empty(output.shape, dtype=output.dtype)
        output.holder.copy_to_host(host, self.stream)
        return host

    def finish(self) -> None:
        """Release uploads; numpy callers already synchronised in result()."""
        self._alive.clear()

    # ------------------------------------------------------------ conversions
    def from_host(self, array: np.ndarray):
        """A host array in the caller's library (for results computed on the host)."""
        if self.library == "torch":
            import torch

            return torch.as_tensor(array, device=f"cuda:{self.device}")
        if self.library == "cupy":
            cupy = _require_cupy("GPU outputs")
            with cupy.cuda.Device(self.device):
                return cupy.asarray(array)
        return array


def _require_cupy(what: str):
    try:
        import cupy
    except ImportError as exc:
        raise TypeError(
            f"{what} need CuPy for arrays that are neither CuPy arrays nor torch tensors"
        ) from exc
    return cupy
