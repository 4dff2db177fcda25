"""Dtype choice and weighted means shared by the metric modules."""

from __future__ import annotations

import numpy as np


def common_float_dtype(*arrays) -> type:
    """float32 when every array is float32, else float64."""
    return np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64


def weighted_mean(total: float, weight_sum: float) -> float:
    if weight_sum == 0:
        raise ValueError("sample_weight sums to zero; the weighted average is undefined")
    return float(total / weight_sum)
