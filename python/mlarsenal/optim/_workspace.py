"""Addresses of the tensors one native optimizer call reads and writes.

The kernels take raw addresses of contiguous memory. A contiguous tensor is used in place. A
non-contiguous one (a transposed or sliced view, a ``channels_last`` weight, state loaded with
other strides) is copied into a contiguous buffer first; if the kernel writes it, the buffer is
copied back into the original by :meth:`Workspace.write_back`. That costs one extra read and
write of those tensors only, and keeps every element's arithmetic unchanged.
"""

from __future__ import annotations

import torch

from mlarsenal import _core


class Workspace:
    """Collects addresses for one kernel call and keeps their memory alive until it returns.

    `kernels` is what the call goes to: ``_core.optim`` for CPU tensors, or
    :class:`mlarsenal._gpu.optim.CudaOptimKernels` for CUDA tensors (same keywords).
    On the GPU, copies and write-back run on the current stream, ordered with the step.
    """

    def __init__(self, kernels=None) -> None:
        self.kernels = _core.optim if kernels is None else kernels
        self._alive: list[torch.Tensor] = []
        self._copies: list[tuple[torch.Tensor, torch.Tensor]] = []

    def read(self, tensor: torch.Tensor) -> int:
        """Address of `tensor`'s elements in row-major order, for reading only."""
        if not tensor.is_contiguous():
            tensor = tensor.contiguous()
            self._alive.append(tensor)
        return tensor.data_ptr()

    def write(self, tensor: torch.Tensor) -> int:
        """Address the kernel may update; the update reaches `tensor` after write_back()."""
        if tensor.is_contiguous():
            return tensor.data_ptr()
        copy = tensor.contiguous()
        self._copies.append((tensor, copy))
        return copy.data_ptr()

    def write_back(self) -> None:
        for original, copy in self._copies:
            original.copy_(copy)
        self._copies.clear()
        self._alive.clear()
