"""Which table format a file holds: from an explicit name, else from its suffix."""

from __future__ import annotations

import os

FORMATS = ("csv", "parquet")
# Compressed CSV is decompressed on the fly by pyarrow when reading.
_SUFFIXES = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".csv.bz2": "csv",
    ".csv.zst": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_WRITABLE_SUFFIXES = (".csv", ".parquet", ".pq")


def table_format(path, given: str | None, *, argument: str, writing: bool = False) -> str:
    """'csv' or 'parquet' for `path`; ValueError naming `argument` when it cannot tell."""
    if given is not None:
        if given not in FORMATS:
            raise ValueError(f"{argument}_format must be one of {FORMATS}, got {given!r}")
        return given
    name = os.fspath(path).lower()
    suffixes = _WRITABLE_SUFFIXES if writing else tuple(_SUFFIXES)
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.endswith(suffix):
            return _SUFFIXES[suffix]
    raise ValueError(
        f"{argument}: cannot tell the format of {os.fspath(path)!r} from its name "
        f"(known endings: {', '.join(suffixes)}); pass {argument}_format='csv' or 'parquet'"
    )
