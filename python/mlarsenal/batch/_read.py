"""Reading a CSV or Parquet file in chunks of at most `chunk_rows` rows.

Memory stays bounded by one chunk plus one read block, whatever the file's
size: CSV is parsed by pyarrow's streaming reader, Parquet one batch at a time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mlarsenal._optional import import_optional

# Bytes parsed per CSV block; types are inferred from the first one.
CSV_BLOCK_BYTES = 1 << 20


@dataclass
class Chunks:
    """The columns being read (`schema`), the row count when the format records
    it (Parquet) and the chunks themselves, pyarrow Tables in file order."""

    schema: object
    total_rows: int | None
    tables: Iterator


def _pyarrow():
    return import_optional("pyarrow", purpose="reading and writing CSV/Parquet files")


def _check_columns(available: Sequence[str], wanted: Sequence[str] | None, path) -> None:
    if wanted is None:
        return
    missing = [c for c in wanted if c not in available]
    if missing:
        raise ValueError(
            f"{os.fspath(path)!r} has no column(s) {missing}; its columns are {list(available)}"
        )


@contextlib.contextmanager
def open_chunks(
    path,
    fmt: str,
    *,
    chunk_rows: int,
    columns: Sequence[str] | None = None,
    float_columns: Sequence[str] = (),
):
    """A context manager yielding :class:`Chunks` for `columns` (all when None) of `path`.

    Integer or all-empty CSV columns among `float_columns` are read as float64,
    so a later block holding a decimal or a blank (a missing value) still parses.
    """
    pa = _pyarrow()
    if fmt == "parquet":
        parquet = import_optional("pyarrow.parquet", purpose="reading Parquet files")
        with parquet.ParquetFile(os.fspath(path)) as file:
            schema = file.schema_arrow
            _check_columns(schema.names, columns, path)
            if columns is not None:
                schema = pa.schema([schema.field(c) for c in columns])
            batches = file.iter_batches(batch_size=chunk_rows, columns=columns)
            yield Chunks(schema, file.metadata.num_rows, _rechunk(pa, batches, chunk_rows))
        return
    csv = import_optional("pyarrow.csv", purpose="reading CSV files")
    read_options = csv.ReadOptions(block_size=CSV_BLOCK_BYTES)
    probe = csv.open_csv(os.fspath(path), read_options=read_options)
    inferred = probe.schema
    probe.close()
    _check_columns(inferred.names, columns, path)
    types = {}
    for field in inferred:
        if columns is not None and field.name not in columns:
            continue
        if field.name in float_columns and (
            pa.types.is_integer(field.type) or pa.types.is_null(field.type)
        ):
            types[field.name] = pa.float64()
        elif pa.types.is_null(field.type):
            types[field.name] = pa.string()
    convert = csv.ConvertOptions(column_types=types, include_columns=columns)
    reader = csv.open_csv(os.fspath(path), read_options=read_options, convert_options=convert)
    try:
        yield Chunks(reader.schema, None, _rechunk(pa, reader, chunk_rows))
    finally:
        reader.close()


def _rechunk(pa, batches, chunk_rows: int) -> Iterator:
    """Tables of exactly `chunk_rows` rows (the last one may be shorter), in order."""
    pending, held = [], 0
    for batch in batches:
        while batch.num_rows:
            take = min(chunk_rows - held, batch.num_rows)
            pending.append(batch.slice(0, take))
            held += take
            batch = batch.slice(take)
            if held == chunk_rows:
                yield pa.Table.from_batches(pending)
                pending, held = [], 0
    if held:
        yield pa.Table.from_batches(pending)


def column_names(path, fmt: str) -> list[str]:
    """The column names of a CSV (its header) or Parquet file, read without the rows."""
    _pyarrow()
    if fmt == "parquet":
        parquet = import_optional("pyarrow.parquet", purpose="reading Parquet files")
        return list(parquet.read_schema(os.fspath(path)).names)
    csv = import_optional("pyarrow.csv", purpose="reading CSV files")
    probe = csv.open_csv(os.fspath(path), read_options=csv.ReadOptions(block_size=CSV_BLOCK_BYTES))
    try:
        return list(probe.schema.names)
    finally:
        probe.close()
