"""Encoding (kind, meta, arrays) into the bytes of a model file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import numpy as np

from mlarsenal._serialization.layout import (
    ALIGNMENT,
    CHECKSUM_SIZE,
    DTYPES,
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER_BYTES,
    MAX_NDIM,
    PREAMBLE,
    aligned,
    dtype_name,
)


def dumps(kind: str, meta: Mapping, arrays: Mapping[str, np.ndarray]) -> bytes:
    """The bytes of a model file holding `meta` (JSON) and `arrays` (numeric numpy arrays).

    Arrays may have any shape, order and byte order; they are written
    little-endian in C order. Raises TypeError for a dtype the format does not
    carry (object, strings, structured, float16, complex) and ValueError for
    meta that is not plain JSON (NaN and infinity included).

    >>> import numpy as np
    >>> from mlarsenal._serialization import dumps, loads
    >>> data = dumps("example", {"alpha": 0.5}, {"w": np.arange(3.0)})
    >>> loads(data)
    ('example', {'alpha': 0.5}, {'w': array([0., 1., 2.])})
    """
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"kind must be a non-empty str, got {kind!r}")
    if not isinstance(meta, Mapping):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a dict of numpy arrays, got {type(arrays).__name__}")

    entries, blobs, offset = [], [], 0
    for name, value in arrays.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"array names must be non-empty str, got {name!r}")
        array = np.asarray(value)
        dtype = dtype_name(array.dtype)
        if dtype is None:
            raise TypeError(
                f"array {name!r} has dtype {array.dtype}; a model file holds only "
                f"{', '.join(DTYPES)}"
            )
        if array.ndim > MAX_NDIM:
            raise ValueError(f"array {name!r} has {array.ndim} dimensions, at most {MAX_NDIM}")
        blob = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
        offset = aligned(offset)
        entries.append(
            {
                "name": name,
                "dtype": dtype,
                "shape": [int(n) for n in array.shape],
                "offset": offset,
                "nbytes": len(blob),
            }
        )
        blobs.append((offset, blob))
        offset += len(blob)

    try:
        header_text = json.dumps(
            {"kind": kind, "meta": dict(meta), "arrays": entries},
            allow_nan=False,
            ensure_ascii=False,
            separators=(",", ":"),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"meta must hold only JSON values (no NaN or infinity): {exc}") from exc
    header = header_text.encode("utf-8")
    # Pad with spaces (valid JSON whitespace) so the payload starts 8-byte aligned.
    header += b" " * (aligned(PREAMBLE.size + len(header)) - PREAMBLE.size - len(header))
    if len(header) > MAX_HEADER_BYTES:
        raise ValueError(f"header of {len(header)} bytes exceeds the {MAX_HEADER_BYTES} limit")

    out = bytearray(PREAMBLE.pack(MAGIC, FORMAT_VERSION, len(header)))
    out += header
    payload_start = len(out)
    assert payload_start % ALIGNMENT == 0
    for start, blob in blobs:
        out += bytes(payload_start + start - len(out))  # zero padding
        out += blob
    out += hashlib.sha256(out).digest()
    assert len(out) == payload_start + offset + CHECKSUM_SIZE
    return bytes(out)
