"""Writing a CSV or Parquet file atomically: readers see the old file or the whole new one.

Chunks go to a temporary file beside the destination; on success it is
flushed, fsync-ed and renamed over the destination (the same steps as model
files, see mlarsenal._serialization.files), on failure it is removed.
"""

from __future__ import annotations

import contextlib
import os
import secrets

from mlarsenal._optional import import_optional
from mlarsenal._serialization.files import _fsync_directory


class AtomicTableWriter:
    """Append pyarrow Tables with :meth:`write`; the file appears at `path` on :meth:`commit`."""

    def __init__(self, path, fmt: str):
        self._pa = import_optional("pyarrow", purpose="writing CSV/Parquet files")
        self._format = fmt
        self.path = os.path.abspath(os.fspath(path))
        directory, name = os.path.split(self.path)
        if not os.path.isdir(directory):
            raise ValueError(f"dst: the folder {directory!r} does not exist")
        self._temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        # O_EXCL: never follow or reuse an existing file; mode 0o666 lets the umask decide.
        fd = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        self._file = os.fdopen(fd, "wb")
        self._writer = None

    def write(self, table) -> None:
        if self._writer is None:
            self._writer = self._open_writer(table.schema)
        self._writer.write_table(table)

    def _open_writer(self, schema):
        if self._format == "parquet":
            parquet = import_optional("pyarrow.parquet", purpose="writing Parquet files")
            return parquet.ParquetWriter(self._file, schema)
        csv = import_optional("pyarrow.csv", purpose="writing CSV files")
        return csv.CSVWriter(self._file, schema)

    def commit(self) -> None:
        if self._writer is None:
            raise ValueError("nothing was written: write at least one (possibly empty) table")
        try:
            self._writer.close()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._temporary, self.path)
        except BaseException:
            self.abort()
            raise
        _fsync_directory(os.path.dirname(self.path))

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            if self._writer is not None:
                self._writer.close()
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temporary)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
