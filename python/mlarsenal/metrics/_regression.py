"""Regression metrics."""

from __future__ import annotations

import numpy as np

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import as_float_array, check_consistent_length, check_sample_weight
from mlarsenal.metrics._dispatch import common_float_dtype, weighted_mean

_MULTIOUTPUT = ("raw_values", "uniform_average")


def _as_2d(y: np.ndarray) -> np.ndarray:
    return y.reshape(-1, 1) if y.ndim == 1 else y


def mean_squared_error(
    y_true, y_pred, *, sample_weight=None, multioutput="uniform_average", n_jobs=None
):
    """Mean squared error, as :func:`sklearn.metrics.mean_squared_error`.

    y_true, y_pred: (n_samples,) or (n_samples, n_outputs). multioutput:
    ``"raw_values"`` (one error per output), ``"uniform_average"`` or an
    array of n_outputs weights.

    >>> mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.375
    """
    t = as_float_array(y_true, "y_true", ndim=None)
    p = as_float_array(y_pred, "y_pred", ndim=None)
    for name, a in (("y_true", t), ("y_pred", p)):
        if a.ndim not in (1, 2):
            raise ValueError(f"{name} must be 1-d or 2-d, got shape {a.shape}")
    check_consistent_length(y_true=t, y_pred=p)
    t, p = _as_2d(t), _as_2d(p)
    if t.shape[1] != p.shape[1]:
        raise ValueError(
            f"y_true and y_pred have different numbers of outputs ({t.shape[1]} != {p.shape[1]})"
        )
    if t.shape[0] == 0:
        raise ValueError("y_true is empty; mean_squared_error needs at least one sample")
    dtype = common_float_dtype(t, p)
    t, p = t.astype(dtype, copy=False), p.astype(dtype, copy=False)
    weight = check_sample_weight(sample_weight, t.shape[0], dtype=dtype)

    if isinstance(multioutput, str):
        if multioutput not in _MULTIOUTPUT:
            raise ValueError(
                f"multioutput must be one of {_MULTIOUTPUT} or an array, got {multioutput!r}"
            )
        output_weights = None
    else:
        output_weights = as_float_array(multioutput, "multioutput")
        if output_weights.shape[0] != t.shape[1]:
            raise ValueError(
                f"multioutput has {output_weights.shape[0]} weights for {t.shape[1]} outputs"
            )

    sums, weight_sum = _core.metrics.squared_error_sums(t, p, weight, effective_n_jobs(n_jobs))
    errors = sums / weight_sum if weight_sum != 0 else np.array([weighted_mean(0.0, 0.0)])
    if multioutput == "raw_values":
        return errors
    if output_weights is not None:
        return float(np.average(errors, weights=output_weights))
    return float(np.mean(errors))
