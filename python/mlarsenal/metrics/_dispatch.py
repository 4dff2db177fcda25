"""Small helpers shared by the metric modules for calling the native kernels."""

from __future__ import annotations

import numpy as np

from mlarsenal._threads import effective_n_jobs


def native_threads(n_jobs) -> int:
    return effective_n_jobs(n_jobs)


def common_float_dtype(*arrays) -> type:
    """float32 when every array is float32, else float64."""
    return np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64


def weighted_mean(total: float, weight_sum: float) -> float:
    if weight_sum == 0:
        raise ValueError("sample_weight sums to zero; the weighted average is undefined")
    return float(total / weight_sum)
