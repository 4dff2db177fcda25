"""Exact k-NN and pairwise distances through ``_cuda.neighbors``."""

from __future__ import annotations

import numpy as np

from mlarsenal._cuda_support import cuda_module
from mlarsenal._gpu.arrays import DeviceView
from mlarsenal._gpu.placement import Placement

# Metric codes of mlarsenal.metrics._distance.resolve_metric the GPU kernels run.
GPU_METRICS = {0: "sqeuclidean", 1: "euclidean", 2: "cosine", 6: "inner_product"}
MAX_NEIGHBORS = 64
# "auto" runs a search on the GPU from numpy inputs from this many
# multiply-adds (queries x indexed rows x features) on: about a second of
# one CPU core, far more than the copies cost.
WORK_THRESHOLD = 2.0**33


def knn_unsupported(metric_code: int, metric_p: float, k: int, dtype) -> str | None:
    """Why the GPU cannot run this search, or None."""
    if metric_code == 5 and metric_p == 2:  # minkowski with p=2 is euclidean
        metric_code = 1
    if metric_code not in GPU_METRICS:
        return (
            f"the metric with code {metric_code} (GPU metrics: {', '.join(GPU_METRICS.values())})"
        )
    if k > MAX_NEIGHBORS:
        return f"n_neighbors > {MAX_NEIGHBORS} (got {k})"
    if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
        return f"dtype {np.dtype(dtype)}"
    return None


def gpu_metric_code(metric_code: int, metric_p: float) -> int:
    return 1 if metric_code == 5 and metric_p == 2 else metric_code


def knn_search(
    placement: Placement, queries: DeviceView, index: DeviceView, metric_code: int, k: int
):
    """(distances, indices) of the k nearest index rows, in the placement's library."""
    n_q, d = queries.shape
    distances = placement.empty((n_q, k), index.dtype)
    indices = placement.empty((n_q, k), np.int64)
    cuda_module().neighbors.knn_search(
        dtype=index.dtype.name,
        x=queries.address,
        n_x=n_q,
        x_stride=queries.row_stride(),
        y=index.address,
        n_y=index.shape[0],
        y_stride=index.row_stride(),
        d=d,
        metric=metric_code,
        k=k,
        indices=indices.address,
        distances=distances.address,
        device=placement.device,
        stream=placement.stream,
    )
    return placement.result(distances), placement.result(indices)


def pairwise_distances(placement: Placement, x: DeviceView, y: DeviceView, metric_code: int):
    out = placement.empty((x.shape[0], y.shape[0]), x.dtype)
    cuda_module().neighbors.pairwise_distances(
        dtype=x.dtype.name,
        x=x.address,
        n_x=x.shape[0],
        x_stride=x.row_stride(),
        y=y.address,
        n_y=y.shape[0],
        y_stride=y.row_stride(),
        d=x.shape[1],
        metric=metric_code,
        out=out.address,
        device=placement.device,
        stream=placement.stream,
    )
    return placement.result(out)


def drop_self(distances, indices, library: str):
    """Remove each training row from its own neighbour list (k + 1 -> k), on any library."""
    n, k1 = indices.shape
    if library == "torch":
        import torch

        rows = torch.arange(n, device=indices.device)[:, None]
    elif library == "cupy":
        import cupy

        rows = cupy.arange(n)[:, None]
    else:
        rows = np.arange(n)[:, None]
    mask = indices != rows
    # A row absent from its own list (duplicates tie ahead of it): drop the last.
    no_self = mask.all(1)
    mask[no_self, -1] = False
    return distances[mask].reshape(n, k1 - 1), indices[mask].reshape(n, k1 - 1)
