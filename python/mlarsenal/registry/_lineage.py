"""Where a model came from: training data fingerprint, features, library version, git commit."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import dataclass

import numpy as np

from mlarsenal._validation.arrays import is_pandas_dataframe
from mlarsenal._validation.arrow import is_arrow_table


@dataclass(frozen=True)
class Lineage:
    """What a registered version was built from; any field may be None when unknown.

    data_fingerprint: ``"sha256:<hex>"`` of the training data (see :func:`data_fingerprint`).
    feature_names / feature_dtypes: one entry per input column.
    library_version: the mlarsenal that registered it. git_commit: HEAD of the
    repository the registering process ran in, if any. run_id: the tracking run
    that produced it.
    """

    data_fingerprint: str | None = None
    feature_names: tuple[str, ...] | None = None
    feature_dtypes: tuple[str, ...] | None = None
    library_version: str | None = None
    git_commit: str | None = None
    run_id: str | None = None


def data_fingerprint(X, y=None) -> str:
    """``"sha256:<hex>"`` of a data set: its column names, dtypes, shape and every value.

    Equal data gives equal fingerprints whatever its memory layout (C or
    Fortran order, strided, read-only); any changed value, column name or
    dtype gives another. numpy arrays, pandas DataFrames/Series, scipy sparse
    matrices and Arrow-stream tables (pyarrow, polars) are accepted.

    >>> import numpy as np
    >>> a = np.arange(6.0).reshape(3, 2)
    >>> data_fingerprint(a) == data_fingerprint(np.asfortranarray(a))
    True
    >>> data_fingerprint(a) == data_fingerprint(a + 1)
    False
    """
    hasher = hashlib.sha256()
    _hash_data(hasher, "X", X)
    if y is not None:
        _hash_data(hasher, "y", y)
    return "sha256:" + hasher.hexdigest()


def _hash_data(hasher, role: str, data) -> None:
    import scipy.sparse

    if is_pandas_dataframe(data):
        _hash_header(hasher, role, "dataframe", data.shape)
        for name, column in data.items():
            _hash_column(hasher, str(name), column)
    elif hasattr(data, "to_numpy") and hasattr(data, "dtype") and hasattr(data, "name"):
        _hash_header(hasher, role, "series", (len(data),))  # pandas or polars Series
        _hash_column(hasher, str(data.name), data)
    elif is_arrow_table(data):
        import pyarrow as pa

        table = pa.table(data)
        _hash_header(hasher, role, "table", (table.num_rows, table.num_columns))
        for name, column in zip(table.column_names, table.columns, strict=True):
            _hash_values(hasher, name, str(column.type), column.to_numpy(zero_copy_only=False))
    elif scipy.sparse.issparse(data):
        csr = scipy.sparse.csr_array(data)
        csr.sum_duplicates()
        _hash_header(hasher, role, "sparse", csr.shape)
        for part in (csr.indptr, csr.indices, csr.data):
            _hash_values(hasher, "", str(part.dtype), part)
    else:
        array = np.asarray(data)
        _hash_header(hasher, role, "array", array.shape)
        _hash_values(hasher, "", str(array.dtype), array)


def _hash_header(hasher, role: str, form: str, shape) -> None:
    hasher.update(json.dumps([role, form, [int(n) for n in shape]]).encode())


def _hash_column(hasher, name: str, column) -> None:
    dtype = str(column.dtype)
    if dtype == "category":
        categories = column.cat.categories.to_numpy()
        _hash_values(hasher, name + "/categories", str(categories.dtype), categories)
        codes = column.cat.codes.to_numpy()
        _hash_values(hasher, name, dtype, codes)
    else:
        _hash_values(hasher, name, dtype, column.to_numpy())


def _hash_values(hasher, name: str, dtype: str, values) -> None:
    values = np.asarray(values)
    hasher.update(json.dumps([name, dtype, list(values.shape)]).encode())
    if values.dtype.kind in "biufcmM":
        # Native little-endian bytes, C order: the same values always hash the same.
        values = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
        hasher.update(values.view(np.uint8).reshape(-1))
    else:  # strings, objects: their text, each prefixed by its length
        for value in values.reshape(-1):
            text = repr(value).encode("utf-8", "surrogatepass")
            hasher.update(len(text).to_bytes(8, "little"))
            hasher.update(text)


def feature_info(X, model, meta: dict) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(feature names, feature dtypes) from the training data if given, else from the model
    (an estimator's ``feature_names_in_``, a Forest's ``feature_names``, or, for a model given
    as bytes, the same keys in its file's meta)."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        names = getattr(model, "feature_names", None)
    if names is None:
        names = meta.get("feature_names_in", meta.get("feature_names"))
    if not isinstance(names, (list, tuple, np.ndarray)):
        names = None
    dtypes = None
    if X is not None:
        if is_pandas_dataframe(X):
            names = [str(c) for c in X.columns]
            dtypes = [str(t) for t in X.dtypes]
        elif is_arrow_table(X):
            import pyarrow as pa

            table = pa.table(X)
            names = list(table.column_names)
            dtypes = [str(t) for t in table.schema.types]
        else:
            shape = getattr(X, "shape", None)
            dtype = getattr(X, "dtype", None)
            if shape is not None and len(shape) == 2 and dtype is not None:
                dtypes = [str(dtype)] * int(shape[1])
    return (
        None if names is None else tuple(str(n) for n in names),
        None if dtypes is None else tuple(dtypes),
    )


def current_git_commit(directory: str | None = None) -> str | None:
    """HEAD of the git repository containing `directory` (default: the working directory).

    None when there is no repository, no git, or git does not answer within 5 s.
    """
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
            cwd=directory or os.getcwd(),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    if result.returncode != 0 or len(commit) not in (40, 64):
        return None
    return commit
