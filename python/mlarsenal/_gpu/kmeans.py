"""k-means on the GPU through ``_cuda.cluster`` (float32 arithmetic).

The GPU kernels compute in float32: float64 inputs are cast to float32 on
the device, and the fitted centres are cast back to the input's dtype.
"""

from __future__ import annotations

import numpy as np

from mlarsenal._cuda_support import cuda_module
from mlarsenal._gpu.arrays import DeviceView, device_view, library_of
from mlarsenal._gpu.placement import Placement

# "auto" fits on the GPU from numpy inputs from this many multiply-adds per
# iteration (points x clusters x features) on.
WORK_THRESHOLD = 2.0**30


def centred_on_device(X):
    """(X - column means as a float32 array of X's library, the means as float64 numpy,
    the mean column variance): the CPU fit's preparation, done where X lives."""
    if library_of(X) == "torch":
        import torch

        Xf = X.to(torch.float32)
        mean = Xf.mean(dim=0)
        centred = (Xf - mean).contiguous()
        variance = float(centred.var(dim=0, unbiased=False).mean())
        return centred, mean.double().cpu().numpy(), variance
    import cupy

    Xf = cupy.asarray(X, dtype=cupy.float32)
    mean = Xf.mean(axis=0)
    centred = cupy.ascontiguousarray(Xf - mean)
    variance = float(centred.var(axis=0).mean())
    return centred, cupy.asnumpy(mean).astype(np.float64), variance


def lloyd(
    placement: Placement,
    X: DeviceView,
    weight: DeviceView | None,
    init: np.ndarray,
    *,
    max_iter: int,
    tol: float,
    deterministic: bool,
):
    """(centres as float32 numpy, labels in the placement's library, inertia, n_iter)."""
    n, d = X.shape
    k = init.shape[0]
    centers = placement.input(np.ascontiguousarray(init, dtype=np.float32), np.float32)
    if centers.library != "numpy":  # always an upload we own, never the caller's array
        raise AssertionError("centres must be a private device copy")
    labels = placement.empty((n,), np.int32)
    n_iter, inertia, _strict = cuda_module().cluster.lloyd(
        x=X.address,
        n=n,
        d=d,
        x_stride=X.row_stride(),
        weight=0 if weight is None else weight.address,
        centers=centers.address,
        k=k,
        max_iter=max_iter,
        tol=tol,
        deterministic=deterministic,
        labels=labels.address,
        device=placement.device,
        stream=placement.stream,
    )
    host_centers = np.empty((k, d), dtype=np.float32)
    centers.owner.copy_to_host(host_centers, placement.stream)
    return host_centers, placement.result(labels), float(inertia), int(n_iter)


def assign_labels(placement: Placement, X: DeviceView, weight: DeviceView | None, centers):
    """(labels in the placement's library, weighted inertia) for host `centers`."""
    n, d = X.shape
    c = placement.input(np.ascontiguousarray(centers, dtype=np.float32), np.float32)
    labels = placement.empty((n,), np.int32)
    inertia = cuda_module().cluster.assign_labels(
        x=X.address,
        n=n,
        d=d,
        x_stride=X.row_stride(),
        weight=0 if weight is None else weight.address,
        centers=c.address,
        k=c.shape[0],
        labels=labels.address,
        device=placement.device,
        stream=placement.stream,
    )
    return placement.result(labels), float(inertia)


def weight_view(placement: Placement, sample_weight, n: int) -> DeviceView | None:
    """sample_weight (host or GPU, or None) as a float32 device vector."""
    if sample_weight is None:
        return None
    if library_of(sample_weight) is None:
        sample_weight = np.asarray(sample_weight, dtype=np.float32)
        if sample_weight.ndim == 0:
            sample_weight = np.full(n, sample_weight, dtype=np.float32)
    view = placement.input(sample_weight, np.float32, name="sample_weight", ndim=1)
    if view.shape != (n,):
        raise ValueError(f"sample_weight has {view.shape[0]} entries for {n} samples")
    return view


__all__ = ["assign_labels", "centred_on_device", "device_view", "lloyd", "weight_view"]
