"""Decoding the bytes of a model file, safely: the input may be hostile.

Every size the file declares is checked against the bytes actually present
before anything is allocated, so a header claiming a huge array costs
nothing. Every failure raises ModelFormatError naming the problem.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json

import numpy as np

from mlarsenal._serialization.errors import ModelFormatError
from mlarsenal._serialization.layout import (
    ALIGNMENT,
    CHECKSUM_SIZE,
    DTYPES,
    FORMAT_VERSION,
    MAGIC,
    MAX_HEADER_BYTES,
    MAX_NDIM,
    PREAMBLE,
)

_ENTRY_KEYS = {"name", "dtype", "shape", "offset", "nbytes"}


def loads(data, *, expected_kind: str | None = None) -> tuple[str, dict, dict[str, np.ndarray]]:
    """(kind, meta, arrays) from the bytes of a model file.

    `data` is bytes, bytearray or a contiguous memoryview. The arrays returned
    are owned, writeable, C-contiguous copies in native byte order: they do
    not keep `data` alive and may be modified freely. With `expected_kind`,
    a file holding another kind of model is rejected.
    """
    view = _byte_view(data)
    size = len(view)
    _check_preamble(view)
    _, version, header_length = PREAMBLE.unpack_from(view)
    if version > FORMAT_VERSION:
        raise ModelFormatError(
            f"the model file has format version {version}, newer than version "
            f"{FORMAT_VERSION} that this mlarsenal reads; upgrade mlarsenal to load it"
        )
    if version < 1:
        raise ModelFormatError(f"unknown model format version {version}")
    if header_length > MAX_HEADER_BYTES:
        raise ModelFormatError(
            f"the header declares {header_length} bytes, more than the {MAX_HEADER_BYTES} limit"
        )
    payload_start = PREAMBLE.size + header_length
    if payload_start + CHECKSUM_SIZE > size:
        raise ModelFormatError(
            f"the header declares {header_length} bytes but the file has only {size} bytes "
            "in all: file truncated"
        )
    payload_end = size - CHECKSUM_SIZE
    digest = hashlib.sha256(view[:payload_end]).digest()
    if not hmac.compare_digest(digest, bytes(view[payload_end:])):
        raise ModelFormatError("checksum mismatch: file corrupted or truncated")

    header = _parse_header(view[PREAMBLE.size : payload_start])
    kind, meta = header["kind"], header["meta"]
    if expected_kind is not None and kind != expected_kind:
        raise ModelFormatError(f"the file holds a {kind!r} model, expected {expected_kind!r}")
    entries = _check_entries(header["arrays"], payload_end - payload_start)
    arrays = {}
    for entry in entries:
        arrays[entry["name"]] = _read_array(view, payload_start, entry)
    return kind, meta, arrays


def _byte_view(data) -> memoryview:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected bytes, bytearray or memoryview, got {type(data).__name__}")
    view = memoryview(data)
    if not view.c_contiguous:
        raise TypeError("a memoryview of a model file must be contiguous")
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _check_preamble(view: memoryview) -> None:
    size = len(view)
    if size == 0:
        raise ModelFormatError("not an mlarsenal model file: no bytes at all")
    if bytes(view[: len(MAGIC)]) != MAGIC[:size]:
        raise ModelFormatError("not an mlarsenal model file (wrong magic bytes)")
    if size < PREAMBLE.size + CHECKSUM_SIZE:
        raise ModelFormatError(f"file truncated: only {size} bytes")


def _reject_constant(name: str):
    raise ModelFormatError(f"invalid JSON in the header: {name} is not a JSON value")


def _unique_keys(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ModelFormatError(f"invalid JSON in the header: key {key!r} appears twice")
        result[key] = value
    return result


def _parse_header(raw: memoryview) -> dict:
    try:
        text = bytes(raw).decode("utf-8")
        header = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as exc:
        raise ModelFormatError(f"the header is not UTF-8: {exc}") from exc
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, ModelFormatError):
            raise
        raise ModelFormatError(f"invalid JSON in the header: {exc}") from exc
    if not isinstance(header, dict) or set(header) != {"kind", "meta", "arrays"}:
        raise ModelFormatError(
            "the header must be a JSON object with exactly the keys 'kind', 'meta', 'arrays'"
        )
    if not isinstance(header["kind"], str) or not header["kind"]:
        raise ModelFormatError("the header's 'kind' must be a non-empty string")
    if not isinstance(header["meta"], dict):
        raise ModelFormatError("the header's 'meta' must be a JSON object")
    if not isinstance(header["arrays"], list):
        raise ModelFormatError("the header's 'arrays' must be a JSON list")
    return header


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_entries(entries: list, payload_size: int) -> list[dict]:
    names = set()
    spans = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != _ENTRY_KEYS:
            raise ModelFormatError(
                f"array entry {i} must be an object with exactly the keys "
                "'name', 'dtype', 'shape', 'offset', 'nbytes'"
            )
        name = entry["name"]
        if not isinstance(name, str) or not name:
            raise ModelFormatError(f"array entry {i}: name must be a non-empty string")
        if name in names:
            raise ModelFormatError(f"array {name!r} appears twice")
        names.add(name)
        if not isinstance(entry["dtype"], str) or entry["dtype"] not in DTYPES:
            raise ModelFormatError(
                f"array {name!r}: dtype {entry['dtype']!r} is not allowed "
                f"(allowed: {', '.join(DTYPES)})"
            )
        shape, offset, nbytes = entry["shape"], entry["offset"], entry["nbytes"]
        if (
            not isinstance(shape, list)
            or len(shape) > MAX_NDIM
            or not all(_is_count(n) for n in shape)
        ):
            raise ModelFormatError(
                f"array {name!r}: shape must be a list of at most {MAX_NDIM} non-negative integers"
            )
        if not _is_count(offset) or not _is_count(nbytes):
            raise ModelFormatError(
                f"array {name!r}: offset and nbytes must be non-negative integers"
            )
        # Python integers do not overflow: the product is exact however large.
        elements = 1
        for n in shape:
            elements *= n
        if elements * DTYPES[entry["dtype"]].itemsize != nbytes:
            raise ModelFormatError(
                f"array {name!r}: shape {shape} of {entry['dtype']} needs "
                f"{elements * DTYPES[entry['dtype']].itemsize} bytes, the header says {nbytes}"
            )
        if offset % ALIGNMENT:
            raise ModelFormatError(f"array {name!r}: offset {offset} is not a multiple of 8")
        if offset + nbytes > payload_size:
            raise ModelFormatError(
                f"array {name!r}: bytes [{offset}, {offset + nbytes}) lie outside the "
                f"{payload_size}-byte payload"
            )
        if nbytes:
            spans.append((offset, offset + nbytes, name))
    spans.sort()
    for (_, end, first), (start, _, second) in itertools.pairwise(spans):
        if start < end:
            raise ModelFormatError(f"arrays {first!r} and {second!r} overlap")
    return entries


def _read_array(view: memoryview, payload_start: int, entry: dict) -> np.ndarray:
    dtype = DTYPES[entry["dtype"]]
    start = payload_start + entry["offset"]
    raw = np.frombuffer(view[start : start + entry["nbytes"]], dtype=dtype)
    if dtype.kind == "b" and raw.size and raw.view(np.uint8).max() > 1:
        raise ModelFormatError(f"array {entry['name']!r}: bool values must be 0 or 1")
    try:
        shaped = raw.reshape(entry["shape"])
    except ValueError as exc:
        raise ModelFormatError(f"array {entry['name']!r}: {exc}") from exc
    return shaped.astype(dtype.newbyteorder("="), order="C", copy=True)
