"""The CUDA side of mlarsenal.optim: ``_cuda.optim`` bound to a device and the
caller's current torch stream, with the keyword arguments of ``_core.optim``."""

from __future__ import annotations

from mlarsenal._cuda_support import cuda_module
from mlarsenal._gpu.device import cuda_unusable_reason


class CudaOptimKernels:
    """Drop-in for ``_core.optim`` that runs each step on `device` (a torch.device)."""

    def __init__(self, device) -> None:
        import torch

        reason = cuda_unusable_reason()
        if reason is not None:
            raise ValueError(
                f"mlarsenal.optim got parameters on {device}, but {reason}; "
                "use torch.optim for them"
            )
        self._index = device.index if device.index is not None else torch.cuda.current_device()
        self._module = cuda_module().optim
        # Enqueued after the backward pass that produced the gradients (same
        # stream), never synchronised: the step is asynchronous like torch's.
        self._stream = int(torch.cuda.current_stream(self._index).cuda_stream)

    def __getattr__(self, name: str):
        kernel = getattr(self._module, name)

        def call(**kwargs):
            return kernel(**kwargs, device=self._index, stream=self._stream)

        return call
