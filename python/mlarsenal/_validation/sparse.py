"""Validation of X that may be a scipy sparse matrix."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mlarsenal._validation.arrays import FLOAT_DTYPES, check_finite
from mlarsenal._validation.features import check_feature_names, check_n_features, validate_features


def validate_matrix(estimator, X, *, reset: bool, dtype=FLOAT_DTYPES, sparse_format=None):
    """X for a model that reads dense arrays and, when `sparse_format` is "csr" or
    "csc", scipy sparse matrices.

    Dense input goes through :func:`validate_features`. Sparse input of any
    format becomes `sparse_format` with sorted indices and a float dtype from
    `dtype` (kept when it is one of them), its stored values checked finite;
    it is never densified. With ``sparse_format=None`` sparse input is a
    TypeError naming X.
    """
    if not sp.issparse(X) or sparse_format is None:
        return validate_features(estimator, X, reset=reset, dtype=dtype)
    check_feature_names(estimator, X, reset=reset)
    accepted = tuple(np.dtype(d) for d in (dtype if isinstance(dtype, tuple) else (dtype,)))
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d matrix, got shape {X.shape}")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X has dtype {X.dtype}; expected numeric values")
    target = X.dtype if X.dtype in accepted else accepted[0]
    X = X.asformat(sparse_format).astype(target, copy=False)
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X: found an empty matrix of shape {X.shape}; need at least one row")
    if not X.has_sorted_indices:
        X = X.sorted_indices()
    check_finite(X.data, "X")
    if reset:
        estimator.n_features_in_ = X.shape[1]
    else:
        check_n_features(estimator, X.shape[1])
    return X
