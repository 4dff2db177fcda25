"""Tables that speak the Arrow C stream interface (polars, pyarrow, DuckDB ...).

Such objects expose ``__arrow_c_stream__``. pyarrow, when installed, imports
the stream without copying the Arrow buffers; each column is then written once
into a Fortran-ordered numpy array (so every column write is contiguous).
Nulls become NaN. Without pyarrow, objects that offer ``to_numpy()`` (polars)
use it; anything else gets an error naming the extra to install.
"""

from __future__ import annotations

import numpy as np


def is_arrow_table(obj) -> bool:
    return hasattr(obj, "__arrow_c_stream__") and not isinstance(obj, np.ndarray)


def arrow_column_names(obj) -> list[str] | None:
    names = getattr(obj, "columns", None)  # polars.DataFrame, pyarrow.Table
    if names is None:
        schema = getattr(obj, "schema", None)
        names = getattr(schema, "names", None)
    if names is None:
        return None
    names = list(names)
    return names if all(isinstance(n, str) for n in names) else None


def arrow_to_numpy(obj, dtype, name: str) -> np.ndarray:
    """A (n_rows, n_columns) array of `dtype` from an Arrow-stream table."""
    try:
        import pyarrow as pa
    except ImportError:
        if hasattr(obj, "to_numpy"):
            return np.asarray(obj.to_numpy(), dtype=dtype)
        raise TypeError(
            f"{name}: reading {type(obj).__name__} through the Arrow C stream interface "
            "needs pyarrow (pip install pyarrow), or pass a numpy array"
        ) from None
    table = pa.table(obj)
    out = np.empty((table.num_rows, table.num_columns), dtype=dtype, order="F")
    for j, (column_name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        kind = column.type
        if not (
            pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)
        ):
            raise TypeError(
                f"{name}: column {column_name!r} has Arrow type {kind}, expected a numeric column"
            )
        if column.null_count:
            column = column.cast(pa.float64())
        out[:, j] = column.to_numpy()  # nulls of float columns come out as NaN
    return out
