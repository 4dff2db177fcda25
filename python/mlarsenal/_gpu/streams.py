"""The CUDA stream a call runs on: the caller's library's current stream.

Work enqueued there is ordered after whatever the caller already queued on
it (a preceding torch or CuPy operation that produced the input), without a
synchronisation. Numpy callers get the default stream (0), and their
results are copied back only after it has finished.
"""

from __future__ import annotations


def current_stream(library: str, device: int) -> int:
    """cudaStream_t (as an int) of `library`'s current stream on `device`; 0 for the default."""
    if library == "torch":
        import torch

        return int(torch.cuda.current_stream(device).cuda_stream)
    if library == "cupy":
        import cupy

        with cupy.cuda.Device(device):
            return int(cupy.cuda.get_current_stream().ptr)
    return 0
