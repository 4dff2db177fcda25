"""Training and evaluation data: a whole CSV/Parquet file as a pandas DataFrame."""

from __future__ import annotations

import os

import numpy as np

from mlarsenal._optional import import_optional
from mlarsenal.batch._formats import table_format


def read_table(path, fmt: str | None = None):
    """The file at `path` as a pandas DataFrame (CSV or Parquet, told by its ending)."""
    fmt = table_format(path, fmt, argument="data")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"data: no such file {os.fspath(path)!r}")
    import_optional("pyarrow", purpose="reading CSV/Parquet files")
    import_optional("pandas", purpose="training from CSV/Parquet files")
    if fmt == "parquet":
        from pyarrow import parquet

        table = parquet.read_table(os.fspath(path))
    else:
        from pyarrow import csv

        table = csv.read_csv(os.fspath(path))
    if table.num_rows == 0:
        raise ValueError(f"data: {os.fspath(path)!r} has no rows")
    return table.to_pandas()


def split_target(frame, target: str):
    """(X, y): the features, text columns made categorical, and the `target` column.

    Categorical dtype is how gradient boosting recognises categorical
    features (``categorical_features="from_dtype"``).
    """
    import pandas as pd

    if target not in frame.columns:
        raise ValueError(
            f"--target: the data has no column {target!r}; its columns are {list(frame.columns)}"
        )
    y = frame[target]
    if y.isna().any():
        raise ValueError(
            f"--target: column {target!r} has {int(y.isna().sum())} missing values; "
            "drop those rows first"
        )
    X = frame.drop(columns=[target])
    if X.shape[1] == 0:
        raise ValueError(f"--target: the data has no column besides {target!r}")
    for name in X.columns:
        column = X[name]
        if pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column):
            X[name] = column.astype("category")
    values = y.to_numpy()
    if not np.issubdtype(values.dtype, np.number) and values.dtype != bool:
        values = values.astype(object)
    return X, values
