"""The byte layout of a model file (docs/developer/model_format.md describes it).

::

    magic          8 bytes   b"MLARSNL\\x00"
    version        uint32    little-endian, FORMAT_VERSION
    header_length  uint64    little-endian, bytes of the header that follows
    header         UTF-8 JSON {"kind", "meta", "arrays": [{"name", "dtype", "shape",
                   "offset", "nbytes"}]}, padded with spaces so the payload starts
                   at a multiple of 8 bytes from the start of the file
    payload        the arrays, little-endian, C order; offsets relative to the
                   payload start, multiples of 8
    checksum       32 bytes  SHA-256 of every byte before it
"""

from __future__ import annotations

import struct

import numpy as np

MAGIC = b"MLARSNL\x00"
FORMAT_VERSION = 1
PREAMBLE = struct.Struct("<8sIQ")  # magic, version, header length
CHECKSUM_SIZE = 32
ALIGNMENT = 8
MAX_HEADER_BYTES = 64 * 1024 * 1024
MAX_NDIM = 32

# dtype name in the header -> little-endian numpy dtype. Nothing else is ever
# read: no object arrays, no structured dtypes, no byte strings.
DTYPES = {
    name: np.dtype(name).newbyteorder("<")
    for name in (
        "bool", "int8", "int16", "int32", "int64",
        "uint8", "uint16", "uint32", "uint64", "float32", "float64",
    )
}  # fmt: skip


def dtype_name(dtype: np.dtype) -> str | None:
    """The header name of `dtype` (any byte order), or None when it is not allowed."""
    dtype = np.dtype(dtype)
    if dtype.fields is not None or dtype.subdtype is not None:
        return None
    name = dtype.newbyteorder("=").name
    return name if name in DTYPES and np.dtype(name) == dtype.newbyteorder("=") else None


def aligned(n: int) -> int:
    """`n` rounded up to a multiple of ALIGNMENT."""
    return -(-n // ALIGNMENT) * ALIGNMENT
