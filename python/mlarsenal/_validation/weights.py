"""``sample_weight`` arguments."""

from __future__ import annotations

import numbers

import numpy as np

from mlarsenal._validation.arrays import check_finite


def check_sample_weight(
    sample_weight,
    n_samples: int,
    *,
    dtype=np.float64,
    only_non_negative: bool = False,
    allow_all_zero: bool = True,
) -> np.ndarray | None:
    """None stays None (unit weights); a scalar is broadcast; arrays are checked.

    Integer weights are kept as int64 when dtype is None (scikit-learn returns
    integer confusion matrices for them); otherwise cast to `dtype`.
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number) and not isinstance(sample_weight, bool):
        return np.full(n_samples, sample_weight, dtype=dtype or np.float64)
    weight = np.asarray(sample_weight)
    if weight.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight has dtype {weight.dtype}; expected numbers")
    if weight.ndim != 1:
        raise ValueError(f"sample_weight must be 1-d, got shape {weight.shape}")
    if weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {weight.shape[0]} entries, expected {n_samples} (one per sample)"
        )
    if dtype is None:
        weight = (
            weight.astype(np.int64) if weight.dtype.kind in "biu" else weight.astype(np.float64)
        )
    elif weight.dtype != np.dtype(dtype):
        weight = weight.astype(dtype)
    check_finite(weight, "sample_weight")
    if only_non_negative and weight.size and weight.min() < 0:
        raise ValueError("sample_weight has negative values")
    if not allow_all_zero and weight.size and not weight.any():
        raise ValueError("sample_weight is zero everywhere; at least one weight must be non-zero")
    return weight
