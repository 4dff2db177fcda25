"""Checks of GPU inputs that the CPU path gets from check_array/validate_features."""

from __future__ import annotations

import numpy as np

from mlarsenal._gpu.arrays import device_view, from_dlpack, library_of, to_host


def check_gpu_matrix(estimator, X, *, reset: bool, name: str = "X") -> tuple[int, int]:
    """(n_rows, n_features) of a 2-d GPU float array, checked against `estimator`'s
    n_features_in_ (set when `reset`). NaN and infinity are rejected, as on the CPU."""
    view = device_view(X if library_of(X) != "dlpack" else from_dlpack(X))
    if view.ndim != 2:
        raise ValueError(f"Expected 2D array, got {view.ndim}D array instead ({name} on the GPU)")
    if view.dtype.kind not in "fiu":
        raise TypeError(f"{name} must hold numbers, got dtype {view.dtype}")
    n_rows, n_features = view.shape
    if n_rows < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={view.shape}) while a minimum of 1 is required."
        )
    if reset:
        estimator.n_features_in_ = n_features
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    if view.dtype.kind == "f" and not _all_finite(view.owner):
        raise ValueError(f"Input {name} contains NaN or infinity.")
    return n_rows, n_features


def _all_finite(array) -> bool:
    if library_of(array) == "torch":
        import torch

        return bool(torch.isfinite(array).all())
    try:
        import cupy
    except ImportError:
        return bool(np.isfinite(to_host(array)).all())
    return bool(cupy.isfinite(cupy.asarray(array)).all())


def like_input(X, result: np.ndarray):
    """`result` (a host array) in X's GPU library when X is on the GPU and the dtype
    is numeric; otherwise `result` itself."""
    library = library_of(X)
    if library is None or result.dtype.kind not in "biuf":
        return result
    view = device_view(X if library != "dlpack" else from_dlpack(X))
    if view.library == "torch":
        import torch

        return torch.as_tensor(result, device=f"cuda:{view.device}")
    try:
        import cupy
    except ImportError:
        return result
    with cupy.cuda.Device(view.device):
        return cupy.asarray(result)
