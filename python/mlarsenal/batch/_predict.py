"""``predict_file``: a model over a CSV/Parquet file, chunk by chunk, into another file."""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence

from mlarsenal._optional import import_optional
from mlarsenal.batch._features import (
    empty_output_columns,
    feature_columns_for,
    model_input,
    output_columns,
    predict_method,
)
from mlarsenal.batch._formats import table_format
from mlarsenal.batch._model_source import resolve_model
from mlarsenal.batch._progress import progress_bar
from mlarsenal.batch._read import column_names, open_chunks
from mlarsenal.batch._write import AtomicTableWriter

DEFAULT_CHUNK_ROWS = 65_536


def predict_file(
    model,
    src,
    dst,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    method: str = "predict",
    keep_columns: Sequence[str] = (),
    feature_columns: Sequence[str] | None = None,
    src_format: str | None = None,
    dst_format: str | None = None,
    progress: bool = False,
    registry=None,
) -> int:
    """Predict every row of the file `src` and write the results to `dst`; return the row count.

    `model` is a fitted model, a model file or a ``models:/name@alias``
    reference (resolved against `registry`). Files are CSV or Parquet, told
    apart by their ending (``.csv``, ``.parquet``, ``.pq``) unless
    `src_format`/`dst_format` say. Rows are read, predicted and written
    `chunk_rows` at a time, so memory stays bounded however large `src` is,
    and `dst` keeps the order of `src`. `dst` holds the `keep_columns` of
    `src` (an id, say) followed by the output: ``prediction`` for
    ``method="predict"``, one ``proba_<class>`` column per class for
    ``"predict_proba"``, ``score`` (or ``score_<class>``) for
    ``"decision_function"``. The model reads the columns named by its feature
    names, else `feature_columns`, else all columns not kept.
    `dst` is written atomically: it appears complete, or not at all.
    `progress` shows a bar on stderr when tqdm is installed.
    """
    if not isinstance(chunk_rows, numbers.Integral) or isinstance(chunk_rows, bool):
        raise TypeError(f"chunk_rows must be an integer, got {type(chunk_rows).__name__}")
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1, got {chunk_rows}")
    keep_columns = _column_list(keep_columns, "keep_columns")
    if feature_columns is not None:
        feature_columns = _column_list(feature_columns, "feature_columns")
    model = resolve_model(model, registry=registry)
    predict = predict_method(model, method)
    src_fmt = table_format(src, src_format, argument="src")
    dst_fmt = table_format(dst, dst_format, argument="dst", writing=True)
    if not os.path.isfile(src):
        raise FileNotFoundError(f"src: no such file {os.fspath(src)!r}")
    if os.path.abspath(os.fspath(src)) == os.path.abspath(os.fspath(dst)):
        raise ValueError("dst must be another file than src")

    available = column_names(src, src_fmt)
    features = feature_columns_for(model, available, keep_columns, feature_columns)
    wanted = list(dict.fromkeys([*keep_columns, *features]))
    pa = import_optional("pyarrow", purpose="reading and writing CSV/Parquet files")
    rows = 0
    with open_chunks(
        src, src_fmt, chunk_rows=chunk_rows, columns=wanted, float_columns=features
    ) as chunks:
        bar = progress_bar(progress, chunks.total_rows, "predict")
        try:
            with AtomicTableWriter(dst, dst_fmt) as writer:
                for table in chunks.tables:
                    result = predict(model_input(table, model, features))
                    outputs = output_columns(model, method, result)
                    writer.write(_output_table(pa, table, keep_columns, outputs))
                    rows += table.num_rows
                    bar.update(table.num_rows)
                if rows == 0:
                    outputs = empty_output_columns(model, method, chunks.schema, features)
                    writer.write(
                        _output_table(pa, chunks.schema.empty_table(), keep_columns, outputs)
                    )
        finally:
            bar.close()
    return rows


def _column_list(columns, argument: str) -> list[str]:
    if isinstance(columns, str):
        raise TypeError(f"{argument} must be a list of column names, not a single str")
    columns = list(columns)
    bad = [c for c in columns if not isinstance(c, str)]
    if bad:
        raise TypeError(f"{argument} must hold column names (str), got {bad[0]!r}")
    return columns


def _output_table(pa, table, keep_columns, outputs: dict):
    clash = sorted(set(keep_columns) & set(outputs))
    if clash:
        raise ValueError(
            f"keep_columns {clash} have the name of an output column; rename them in the input"
        )
    columns = {name: table.column(name) for name in keep_columns}
    columns.update({name: pa.array(values) for name, values in outputs.items()})
    return pa.table(columns)
