"""Forest prediction on the GPU through ``_cuda.forest``.

Each Forest keeps one device copy per GPU (built on first use, dropped with
the Forest; never pickled). Raw scores come back as float64, leaves as
int32, exactly as the CPU engine computes them; inverse links run where the
scores are (numpy: the CPU's own functions; CuPy/torch: the same operations
in that library, see :mod:`.links`).
"""

from __future__ import annotations

import threading

import numpy as np

from mlarsenal._cuda_support import cuda_module
from mlarsenal._gpu.arrays import device_view, from_dlpack, library_of
from mlarsenal._gpu.placement import Placement

# "auto" predicts numpy rows on the GPU from this many row-tree visits on.
WORK_THRESHOLD = 2.0**27
MAX_FEATURES = 2**24

_lock = threading.Lock()


def forest_unsupported(n_features: int) -> str | None:
    if n_features > MAX_FEATURES:
        return f"forests with more than {MAX_FEATURES} features (this one has {n_features})"
    return None


def device_forest(forest, device: int):
    """The forest's device copy on `device`, built once."""
    cache = forest.__dict__.setdefault("_gpu_forests", {})
    found = cache.get(device)
    if found is None:
        with _lock:
            found = cache.get(device)
            if found is None:
                from mlarsenal.forest._schema import NATIVE_ARRAYS

                arrays = {name: forest._arrays[name] for name in NATIVE_ARRAYS}
                found = cuda_module().forest.GpuForest(
                    forest.n_features, forest.n_outputs, arrays, device
                )
                cache[device] = found
    return found


def input_dtype(X, float32_inputs: bool) -> np.dtype:
    """The dtype the rows are read in: float32/float64 as given (ints as float64);
    float32 for models that compare float32(x)."""
    if library_of(X) is not None:
        view = device_view(X if library_of(X) != "dlpack" else from_dlpack(X))
        dtype = view.dtype
    else:
        dtype = np.asarray(X).dtype
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        dtype = np.dtype(np.float64)
    return np.dtype(np.float32) if float32_inputs else dtype


def predict(forest, X, output: str, begin: int, end: int, float32_inputs: bool):
    """(raw scores (n, n_outputs) float64 or leaves (n, end - begin) int32, placement)."""
    placement = Placement.for_inputs(X)
    view = placement.input(X, input_dtype(X, float32_inputs))
    if view.shape[1] != forest.n_features:
        raise ValueError(
            f"X has {view.shape[1]} features, but this forest expects {forest.n_features}"
        )
    model = device_forest(forest, placement.device)
    n = view.shape[0]
    common = dict(
        dtype=view.dtype.name,
        x=view.address,
        n_rows=n,
        x_stride=view.row_stride(),
        tree_begin=begin,
        tree_end=end,
        stream=placement.stream,
    )
    if output == "leaf":
        out = placement.empty((n, end - begin), np.int32)
        model.predict_leaf(out=out.address, **common)
    else:
        out = placement.empty((n, forest.n_outputs), np.float64)
        model.predict_raw(out=out.address, **common)
    result = placement.result(out)
    placement.finish()
    return result, placement
