"""The model file container: layout, round trips, and hostile input."""

import hashlib
import json
import os
import struct

import numpy as np
import pytest

import mlarsenal
from mlarsenal import ModelFormatError
from mlarsenal._serialization import FORMAT_VERSION, dumps, loads, register_kind, save
from mlarsenal._serialization import registry as kind_registry
from mlarsenal._serialization.layout import DTYPES, MAGIC, MAX_HEADER_BYTES, PREAMBLE

ALL_DTYPES = list(DTYPES)


def example_arrays():
    return {
        "weights": np.arange(6, dtype=np.float64).reshape(2, 3),
        "flags": np.array([True, False, True]),
        "codes": np.array([-1, 7, 300], dtype=np.int16),
        "scalar": np.array(2.5, dtype=np.float32),
        "empty": np.zeros((0, 4), dtype=np.uint64),
    }


def small_file() -> bytes:
    return dumps("example", {"alpha": 0.5}, {"w": np.array([1.0, -2.0]), "i": np.array([3])})


def assemble(header, payload: bytes, *, version=FORMAT_VERSION, magic=MAGIC) -> bytes:
    """A file with any header (dict or raw bytes) and a correct checksum."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    body = struct.pack("<8sIQ", magic, version, len(raw)) + raw + payload
    return body + hashlib.sha256(body).digest()


def entry(name="a", dtype="float64", shape=(1,), offset=0, nbytes=8):
    return {"name": name, "dtype": dtype, "shape": list(shape), "offset": offset, "nbytes": nbytes}


def header_with(*entries, kind="example", meta=None):
    return {"kind": kind, "meta": meta or {}, "arrays": list(entries)}


# ----------------------------------------------------------------- round trips
def test_round_trip_keeps_kind_meta_values_dtypes_and_shapes():
    arrays = example_arrays()
    meta = {"name": "é", "nested": {"list": [1, 2.5, None, True]}}
    kind, meta_back, back = loads(dumps("example", meta, arrays))
    assert kind == "example"
    assert meta_back == meta
    assert list(back) == list(arrays)
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype
        assert back[name].shape == array.shape
        np.testing.assert_array_equal(back[name], array)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_every_allowed_dtype_round_trips_exactly(dtype, rng):
    values = (rng.standard_normal(13) * 100).astype(dtype)
    _, _, back = loads(dumps("k", {}, {"x": values}))
    assert back["x"].dtype == np.dtype(dtype)
    assert back["x"].tobytes() == values.tobytes()


def test_any_layout_and_byte_order_is_written_little_endian_c_order():
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    inputs = {
        "fortran": np.asfortranarray(base),
        "strided": base[::2, ::-3],
        "big_endian": base.astype(">i4"),
    }
    _, _, back = loads(dumps("k", {}, inputs))
    for name, array in inputs.items():
        np.testing.assert_array_equal(back[name], array)
        assert back[name].dtype.isnative and back[name].flags.c_contiguous


def test_loaded_arrays_are_owned_writeable_copies():
    data = bytearray(dumps("k", {}, {"x": np.arange(4.0)}))
    _, _, back = loads(data)
    assert back["x"].flags.owndata and back["x"].flags.writeable
    data[:] = bytes(len(data))  # the source buffer may change: the arrays do not
    np.testing.assert_array_equal(back["x"], np.arange(4.0))


def test_layout_payload_and_arrays_are_8_byte_aligned():
    data = dumps("k", {}, {"a": np.ones(3, np.uint8), "b": np.ones(5, np.float64)})
    magic, version, header_length = PREAMBLE.unpack_from(data)
    assert (magic, version) == (MAGIC, FORMAT_VERSION)
    assert (PREAMBLE.size + header_length) % 8 == 0
    header = json.loads(data[PREAMBLE.size : PREAMBLE.size + header_length])
    assert [e["offset"] % 8 for e in header["arrays"]] == [0, 0]
    assert data[-32:] == hashlib.sha256(data[:-32]).digest()


def test_dumps_is_deterministic():
    assert dumps("k", {"a": 1}, example_arrays()) == dumps("k", {"a": 1}, example_arrays())


@pytest.mark.parametrize("view", [bytes, bytearray, memoryview])
def test_loads_accepts_bytes_like(view):
    assert loads(view(small_file()))[0] == "example"


def test_loads_rejects_other_types():
    with pytest.raises(TypeError, match="bytes"):
        loads("a string")


# -------------------------------------------------------------- writer errors
@pytest.mark.parametrize(
    "bad", [np.array(["a"]), np.array([object()]), np.ones(2, np.float16), np.ones(2, complex)]
)
def test_dumps_refuses_dtypes_outside_the_whitelist(bad):
    with pytest.raises(TypeError, match="model file holds only"):
        dumps("k", {}, {"x": bad})


@pytest.mark.parametrize("meta", [{"x": float("nan")}, {"x": float("inf")}, {"x": object()}])
def test_dumps_refuses_meta_that_is_not_plain_json(meta):
    with pytest.raises(ValueError, match="JSON"):
        dumps("k", meta, {})


def test_dumps_checks_kind_and_names():
    with pytest.raises(TypeError, match="kind"):
        dumps("", {}, {})
    with pytest.raises(TypeError, match="names"):
        dumps("k", {}, {"": np.ones(1)})


# -------------------------------------------------------------- reader errors
@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 a zip file" * 4, b"\x89PNG\r\n\x1a\n" * 8])
def test_other_files_are_not_model_files(data):
    with pytest.raises(ModelFormatError, match="not an mlarsenal model file"):
        loads(data)


def test_newer_version_names_both_versions():
    data = assemble(header_with(), b"", version=FORMAT_VERSION + 1)
    with pytest.raises(
        ModelFormatError, match=f"version {FORMAT_VERSION + 1}.*version {FORMAT_VERSION}"
    ):
        loads(data)


def test_version_zero_is_rejected():
    with pytest.raises(ModelFormatError, match="version 0"):
        loads(assemble(header_with(), b"", version=0))


def test_huge_header_length_is_rejected_before_reading():
    data = struct.pack("<8sIQ", MAGIC, FORMAT_VERSION, 2**64 - 1) + bytes(64)
    with pytest.raises(ModelFormatError, match="limit"):
        loads(data)
    data = struct.pack("<8sIQ", MAGIC, FORMAT_VERSION, MAX_HEADER_BYTES) + bytes(64)
    with pytest.raises(ModelFormatError, match="truncated"):
        loads(data)


def test_every_truncation_is_rejected():
    data = small_file()
    for length in range(len(data)):
        with pytest.raises(ModelFormatError):
            loads(data[:length])


def test_every_single_bit_flip_is_rejected():
    data = small_file()
    flipped = bytearray(data)
    for i in range(len(data)):
        for bit in range(8):
            flipped[i] ^= 1 << bit
            with pytest.raises(ModelFormatError):
                loads(flipped)
            flipped[i] ^= 1 << bit


def test_checksum_mismatch_message():
    data = bytearray(small_file())
    data[-40] ^= 1
    with pytest.raises(ModelFormatError, match="checksum mismatch: file corrupted or truncated"):
        loads(data)


def test_appended_bytes_are_rejected():
    with pytest.raises(ModelFormatError, match="checksum"):
        loads(small_file() + b"\x00")


@pytest.mark.parametrize(
    "header, match",
    [
        (b"{not json", "invalid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"kind": "k", "meta": {"x": NaN}, "arrays": []}', "NaN is not a JSON value"),
        (b'{"kind": "k", "kind": "j", "meta": {}, "arrays": []}', "appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON"),
        (b"[]", "exactly the keys"),
        (b'{"kind": "k", "meta": {}}', "exactly the keys"),
        (b'{"kind": "k", "meta": {}, "arrays": [], "extra": 1}', "exactly the keys"),
        (b'{"kind": "", "meta": {}, "arrays": []}', "kind"),
        (b'{"kind": 3, "meta": {}, "arrays": []}', "kind"),
        (b'{"kind": "k", "meta": [], "arrays": []}', "meta"),
        (b'{"kind": "k", "meta": {}, "arrays": {}}', "arrays"),
    ],
)
def test_malformed_headers_are_rejected(header, match):
    with pytest.raises(ModelFormatError, match=match):
        loads(assemble(header, b""))


@pytest.mark.parametrize(
    "entries, payload, match",
    [
        ([entry(dtype="object")], bytes(8), "not allowed"),
        ([entry(dtype="<U2")], bytes(8), "not allowed"),
        ([entry(dtype="float16", nbytes=2)], bytes(8), "not allowed"),
        ([entry(dtype=["f8"])], bytes(8), "not allowed"),
        ([entry(shape=(2,), nbytes=8)], bytes(16), "needs 16 bytes"),
        ([entry(shape=(2**40,), nbytes=2**43)], bytes(8), "outside"),
        ([entry(shape=(2**62, 2**62), nbytes=2**127)], bytes(8), "outside"),
        ([entry(shape=(1,) * 40)], bytes(8), "shape"),
        ([entry(shape=(-1,), nbytes=-8)], bytes(8), "shape"),
        ([entry(shape=(True,))], bytes(8), "shape"),
        ([entry(shape="1")], bytes(8), "shape"),
        ([entry(offset=8)], bytes(8), "outside"),
        ([entry(offset=4, shape=(0,), nbytes=0)], bytes(8), "multiple of 8"),
        ([entry(offset=-8)], bytes(8), "non-negative"),
        ([entry(offset=1.5)], bytes(8), "non-negative"),
        ([entry(), entry()], bytes(8), "appears twice"),
        ([entry(), entry(name="b", shape=(2,), nbytes=16)], bytes(16), "overlap"),
        ([entry(name="")], bytes(8), "name"),
        ([{"name": "a"}], bytes(8), "exactly the keys"),
        ([{**entry(), "extra": 1}], bytes(8), "exactly the keys"),
        (["a"], bytes(8), "exactly the keys"),
        ([entry(dtype="bool", nbytes=1)], b"\x02" + bytes(7), "0 or 1"),
    ],
)
def test_crafted_array_entries_with_valid_checksums_are_rejected(entries, payload, match):
    with pytest.raises(ModelFormatError, match=match):
        loads(assemble(header_with(*entries), payload))


def test_zero_sized_arrays_with_odd_shapes_load():
    data = assemble(header_with(entry(shape=(0, 3, 0), nbytes=0)), b"")
    assert loads(data)[2]["a"].shape == (0, 3, 0)


def test_huge_zero_sized_shape_is_an_error_not_a_crash():
    data = assemble(header_with(entry(shape=(0, 2**70), nbytes=0)), b"")
    with pytest.raises(ModelFormatError):
        loads(data)


def test_expected_kind():
    with pytest.raises(ModelFormatError, match="holds a 'example' model, expected 'forest'"):
        loads(small_file(), expected_kind="forest")


def test_model_format_error_is_a_value_error():
    assert issubclass(ModelFormatError, ValueError)
    assert mlarsenal.ModelFormatError is ModelFormatError


# ------------------------------------------------------------ registry & files
class Box:
    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.float64)

    def to_bytes(self):
        return dumps("test-box", {"n": len(self.values)}, {"values": self.values})

    @classmethod
    def from_parts(cls, meta, arrays):
        if meta["n"] != len(arrays["values"]):
            raise ValueError("n does not match the values")
        return cls(arrays["values"])


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(kind_registry, "_KINDS", dict(kind_registry._KINDS))
    monkeypatch.setattr(kind_registry, "_RESOLVED", dict(kind_registry._RESOLVED))
    return kind_registry


def test_registered_kind_loads_from_path_and_bytes(registry, tmp_path):
    register_kind("test-box", Box.from_parts)
    register_kind("test-box", Box.from_parts)  # again: a no-op
    box = Box([1.0, 2.0])
    save(box, tmp_path / "box.mla")
    for source in (tmp_path / "box.mla", str(tmp_path / "box.mla"), box.to_bytes()):
        loaded = mlarsenal.load(source)
        assert isinstance(loaded, Box)
        np.testing.assert_array_equal(loaded.values, [1.0, 2.0])
    assert "test-box" in registry.registered_kinds()


def test_kind_registered_by_module_path_is_imported_on_first_use(registry):
    register_kind("test-box-lazy", f"{__name__}:Box.from_parts")
    data = dumps("test-box-lazy", {"n": 1}, {"values": np.ones(1)})
    assert isinstance(mlarsenal.load(data), Box)


def test_registration_conflicts_and_bad_arguments(registry):
    register_kind("test-box", Box.from_parts)
    with pytest.raises(ValueError, match="already registered"):
        register_kind("test-box", Box)
    with pytest.raises(TypeError):
        register_kind("x", 3)
    with pytest.raises(ValueError, match="module:attribute"):
        register_kind("x", "no_colon")
    with pytest.raises(TypeError):
        register_kind("", Box)


def test_unknown_kind_and_rejected_content(registry):
    with pytest.raises(ModelFormatError, match=r"unknown model kind 'nope'.*forest"):
        mlarsenal.load(dumps("nope", {}, {}))
    register_kind("test-box", Box.from_parts)
    with pytest.raises(ModelFormatError, match="invalid 'test-box' model: n does not match"):
        mlarsenal.load(dumps("test-box", {"n": 5}, {"values": np.ones(1)}))
    with pytest.raises(ModelFormatError, match="invalid 'test-box' model"):
        mlarsenal.load(dumps("test-box", {}, {"values": np.ones(1)}))


def test_load_of_another_file_reads_only_its_first_bytes(tmp_path):
    (tmp_path / "big.bin").write_bytes(b"\x00" * 100_000)
    (tmp_path / "short").write_bytes(MAGIC[:3])
    with pytest.raises(ModelFormatError, match="not an mlarsenal model file"):
        mlarsenal.load(tmp_path / "big.bin")
    with pytest.raises(ModelFormatError, match="truncated"):
        mlarsenal.load(tmp_path / "short")


@pytest.mark.parametrize("source", [None, 3, ["a"], object()])
def test_load_rejects_sources_that_are_neither_paths_nor_bytes(source):
    with pytest.raises(TypeError, match="path"):
        mlarsenal.load(source)


def test_save_replaces_atomically_and_leaves_no_temporary(registry, tmp_path):
    register_kind("test-box", Box.from_parts)
    path = tmp_path / "m.mla"
    save(Box([1.0]), path)
    save(Box([2.0, 3.0]), path)
    assert os.listdir(tmp_path) == ["m.mla"]
    np.testing.assert_array_equal(mlarsenal.load(path).values, [2.0, 3.0])


def test_failed_save_keeps_the_old_file(registry, tmp_path, monkeypatch):
    register_kind("test-box", Box.from_parts)
    path = tmp_path / "m.mla"
    save(Box([1.0]), path)

    def broken_replace(src, dst):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError, match="disk full"):
            save(Box([2.0]), path)
    assert os.listdir(tmp_path) == ["m.mla"]
    np.testing.assert_array_equal(mlarsenal.load(path).values, [1.0])


def test_save_needs_to_bytes(tmp_path):
    with pytest.raises(TypeError, match="to_bytes"):
        save(object(), tmp_path / "x")
    with pytest.raises(TypeError, match="path"):
        save(Box([1.0]), 42)
