"""Feature matrices for the row-wise linear solvers (LinearSVC, SGD): dense or CSR.

The native solvers read one row at a time, so a dense matrix must have
contiguous rows and a sparse one is taken as CSR (other scipy formats are
converted to CSR, never densified). CSR index arrays are passed as int64.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mlarsenal._validation.sparse import validate_matrix


def validate_rows(estimator, X, *, reset: bool):
    """`X` checked (finite, non-empty, feature count) as a float ndarray with
    contiguous rows or a CSR matrix."""
    X = validate_matrix(estimator, X, reset=reset, sparse_format="csr")
    if not sp.issparse(X) and (X.strides[1] != X.itemsize or X.strides[0] < 0):
        X = np.ascontiguousarray(X)
    return X


def native_rows(X):
    """What the native solvers take: the ndarray itself, or (data, indices, indptr, n_cols)."""
    if not sp.issparse(X):
        return X
    if not X.has_canonical_format:
        # Duplicate entries would count twice in squared norms and l1 steps;
        # summing them on a copy leaves the caller's matrix alone.
        X = X.copy()
        X.sum_duplicates()
    return (
        np.ascontiguousarray(X.data),
        np.ascontiguousarray(X.indices, dtype=np.int64),
        np.ascontiguousarray(X.indptr, dtype=np.int64),
        int(X.shape[1]),
    )


def linear_scores(X, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """X @ coef.T + intercept for dense or sparse X, in X's float dtype (2-d)."""
    scores = X @ coef.T.astype(X.dtype, copy=False)
    return np.asarray(scores) + intercept.astype(X.dtype, copy=False)
