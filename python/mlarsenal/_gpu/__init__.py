"""GPU plumbing shared by the estimators' ``device=`` paths (private).

- :mod:`.arrays`: what a GPU array is (``__cuda_array_interface__``, torch
  tensors, DLPack) and how to read its address, shape and strides;
- :mod:`.device`: the ``device="cpu"|"cuda"|"auto"`` rule and its errors;
- :mod:`.placement`: where one call's inputs come from and its outputs go
  (the caller's library, or numpy through one upload and one download);
- :mod:`.streams`: the caller's current CUDA stream;
- one module per area calling ``mlarsenal._cuda``.

Nothing here imports CuPy, torch or ``_cuda`` at import time.
"""
