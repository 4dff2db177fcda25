"""Conversion and checks of feature matrices and numeric vectors."""

from __future__ import annotations

import numbers

import numpy as np

from mlarsenal._validation.arrow import arrow_to_numpy, is_arrow_table

FLOAT_DTYPES = (np.float64, np.float32)


def _pandas_to_numpy(X, accepted, name: str) -> np.ndarray:
    dtypes = list(X.dtypes)
    for column, column_dtype in zip(X.columns, dtypes, strict=True):
        numpy_numeric = isinstance(column_dtype, np.dtype) and column_dtype.kind in "biuf"
        if not (numpy_numeric or str(column_dtype).lower() in _PANDAS_NULLABLE):
            raise TypeError(
                f"{name}: column {column!r} has dtype {column_dtype}, expected a numeric column"
            )
    # Keep a shared accepted dtype (a float32 frame stays float32).
    shared = dtypes[0] if dtypes and all(d == dtypes[0] for d in dtypes) else None
    if accepted and isinstance(shared, np.dtype) and shared in accepted:
        dtype = shared
    else:
        dtype = accepted[0] if accepted else np.float64
    return X.to_numpy(dtype=dtype, na_value=np.nan)


_PANDAS_NULLABLE = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "boolean",
}  # fmt: skip


def is_pandas_dataframe(X) -> bool:
    return type(X).__module__.startswith("pandas") and hasattr(X, "dtypes") and X.ndim == 2


def check_finite(
    array: np.ndarray, name: str, *, allow_nan: bool = False, allow_inf: bool = False
) -> None:
    """Raise ValueError when `array` holds NaN or ±inf (unless allowed)."""
    if array.dtype.kind not in "fc" or array.size == 0 or (allow_nan and allow_inf):
        return
    # One reduction first: its result is finite for the common, clean input.
    with np.errstate(over="ignore", invalid="ignore"):
        total = array.sum(dtype=np.float64)
    if np.isfinite(total):
        return
    has_nan = bool(np.isnan(array).any())
    if has_nan and not allow_nan:
        raise ValueError(f"{name} contains NaN; remove or impute missing values first")
    if not allow_inf and bool(np.isinf(array).any()):
        raise ValueError(f"{name} contains infinity or a value too large for {array.dtype}")


def as_float_array(values, name: str, *, dtype=FLOAT_DTYPES, ndim: int | None = 1) -> np.ndarray:
    """`values` as a float numpy array, keeping float32/float64 as they are."""
    array = check_array(
        values,
        name=name,
        dtype=dtype,
        ensure_2d=False,
        allow_nd=ndim is None,
        allow_nan=False,
        ensure_min_samples=0,
    )
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-d, got an array of shape {array.shape}")
    return array


def check_array(
    X,
    *,
    name: str = "X",
    dtype=FLOAT_DTYPES,
    order: str | None = None,
    ensure_2d: bool = True,
    allow_nd: bool = False,
    allow_nan: bool = False,
    allow_inf: bool = False,
    ensure_min_samples: int = 1,
    ensure_min_features: int = 1,
    copy: bool = False,
) -> np.ndarray:
    """Validate and convert an array-like for a native kernel.

    dtype: a numpy dtype, a tuple of accepted dtypes (the input's dtype is kept
    when it is one of them, otherwise the first is used), or None to keep any
    numeric dtype. Inputs may be numpy arrays (any order, strided, read-only),
    lists, pandas DataFrames/Series, or Arrow-stream tables (polars, pyarrow).
    NaN is rejected unless allow_nan, ±inf unless allow_inf (tree models route
    infinity like any other value).
    """
    if isinstance(dtype, tuple):
        accepted = tuple(np.dtype(d) for d in dtype)
    elif dtype is None:
        accepted = None
    else:
        accepted = (np.dtype(dtype),)

    if X is None:
        raise TypeError(f"{name} must be an array-like, got None")
    if isinstance(X, (str, bytes, numbers.Number)):
        raise TypeError(f"{name} must be an array-like, got a scalar {type(X).__name__}: {X!r}")
    if hasattr(X, "toarray") and hasattr(X, "tocsr"):
        raise TypeError(f"{name}: sparse input is not supported here; pass a dense array")

    target = accepted[0] if accepted else None
    if is_arrow_table(X) and not is_pandas_dataframe(X):
        array = arrow_to_numpy(X, target or np.float64, name)
    elif is_pandas_dataframe(X):
        array = _pandas_to_numpy(X, accepted, name)
    else:
        array = _to_numpy(X, name)

    if array.dtype.kind == "c":
        raise ValueError(f"{name}: Complex data not supported")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} has dtype {array.dtype}; expected numeric values")
    if accepted is not None and array.dtype not in accepted:
        array = array.astype(target)
    if order is not None:
        array = np.asarray(array, order=order)
    if copy:
        array = array.copy(order=order or "K")

    if ensure_2d:
        if array.ndim == 0:
            raise ValueError(f"{name} must be a 2-d array, got a scalar")
        if array.ndim == 1:
            raise ValueError(
                f"{name} must be a 2-d array, got a 1-d array of shape {array.shape}. "
                "Reshape your data with X.reshape(-1, 1) for a single feature "
                "or X.reshape(1, -1) for a single sample."
            )
        if array.ndim > 2 and not allow_nd:
            raise ValueError(f"{name} must be a 2-d array, got {array.ndim}-d shape {array.shape}")
    elif array.ndim > 2 and not allow_nd:
        raise ValueError(f"{name} must be at most 2-d, got shape {array.shape}")

    n_samples = array.shape[0] if array.ndim else 1
    if n_samples < ensure_min_samples:
        raise ValueError(
            f"{name}: found array with {n_samples} sample(s) (shape={array.shape}) "
            f"while a minimum of {ensure_min_samples} is required."
        )
    if array.ndim == 2 and array.shape[1] < ensure_min_features:
        raise ValueError(
            f"{name}: found array with {array.shape[1]} feature(s) (shape={array.shape}) "
            f"while a minimum of {ensure_min_features} is required."
        )
    check_finite(array, name, allow_nan=allow_nan, allow_inf=allow_inf)
    return array


def _to_numpy(X, name: str) -> np.ndarray:
    if isinstance(X, np.ndarray):
        array = X
    elif hasattr(X, "to_numpy"):  # pandas Series / polars Series
        array = np.asarray(X.to_numpy())
    else:
        try:
            array = np.asarray(X)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: cannot convert to an array: {exc}") from exc
    if array.dtype == object:
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{name}: {exc}") from exc
    return array
