"""Open Inference Protocol v2 infer requests and responses: JSON, and the binary tensor extension.

A request holds either one 2-D input ``[rows, n_features]`` (any name) or one
input per feature, named as the model's features (shape ``[rows]`` or
``[rows, 1]``). Tensor data is a flat or nested JSON list matching ``shape``,
or raw little-endian bytes after the JSON header: the body's first
``Inference-Header-Content-Length`` bytes are the JSON, and each input with
``parameters.binary_data_size`` takes its bytes from what follows, in order
(as Triton and KServe define it). Outputs come back the same way when
``binary_data_output`` (request parameters) or ``binary_data`` (one output's
parameters) is true.

Every check raises RequestError with the field it is about: 400 when the body
cannot be read (not JSON, bad framing), 422 when it can but does not fit the
model (shape, datatype, names, missing values).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

import numpy as np
import orjson

from mlarsenal.serving._errors import bad_request, invalid
from mlarsenal.serving._models import ServedModel, datatype_of

# Protocol datatype -> little-endian numpy dtype of its binary form.
BINARY_DTYPES = {
    "BOOL": np.dtype("?"),
    "UINT8": np.dtype("<u1"),
    "UINT16": np.dtype("<u2"),
    "UINT32": np.dtype("<u4"),
    "UINT64": np.dtype("<u8"),
    "INT8": np.dtype("<i1"),
    "INT16": np.dtype("<i2"),
    "INT32": np.dtype("<i4"),
    "INT64": np.dtype("<i8"),
    "FP16": np.dtype("<f2"),
    "FP32": np.dtype("<f4"),
    "FP64": np.dtype("<f8"),
}
# numpy kinds a JSON array may come out as, for each family of datatypes.
_JSON_KINDS = {"F": "fiu", "I": "iu", "U": "iu", "B": "b"}
HEADER_LENGTH = b"inference-header-content-length"
_JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
_LENGTH_PREFIX = struct.Struct("<I")


@dataclass
class InferRequest:
    """A decoded request: the feature matrix and what to send back."""

    X: np.ndarray
    outputs: list[tuple[str, bool]]  # (output name, as binary)
    request_id: str | None
    wanted: frozenset | None = None  # the outputs asked for; None: all of them


def parse_header_length(value: bytes | None, body_length: int) -> int | None:
    """The JSON header's length from ``Inference-Header-Content-Length`` (None: all JSON)."""
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        length = -1
    if not 0 <= length <= body_length:
        raise bad_request(
            "Inference-Header-Content-Length must be the byte length of the JSON header "
            f"(0 to {body_length}, the body's length), got {value[:40].decode('latin-1')!r}"
        )
    return length


def decode_request(
    body: bytes, header_length: int | None, model: ServedModel, *, allow_missing: bool
) -> InferRequest:
    """The InferRequest in `body`, checked against `model` (RequestError otherwise)."""
    view = memoryview(body)
    head = view if header_length is None else view[:header_length]
    try:
        request = orjson.loads(head)
    except orjson.JSONDecodeError as exc:
        raise bad_request(_json_error(exc, head)) from None
    if type(request) is not dict:
        raise invalid("the request must be a JSON object with an 'inputs' list")
    inputs = request.get("inputs")
    if type(inputs) is not list or not inputs:
        raise invalid("'inputs' must be a non-empty list of tensors")
    binary = view[header_length:] if header_length is not None else view[:0]
    tensors, used = [], 0
    for i, spec in enumerate(inputs):
        tensor, used = _tensor(i, spec, binary, used)
        tensors.append(tensor)
    if used != len(binary):
        raise bad_request(
            f"the body has {len(binary)} bytes after the JSON header, but the inputs' "
            f"binary_data_size add up to {used}"
        )
    X = _feature_matrix(tensors, model)
    if not allow_missing and X.dtype.kind == "f" and np.isnan(X).any():
        row = int(np.isnan(X).any(axis=1).argmax())
        raise invalid(
            f"the inputs hold a missing value (null or NaN) in row {row}, and this server "
            "rejects missing values (allow_missing=False)"
        )
    request_id = request.get("id")
    if request_id is not None and type(request_id) is not str:
        raise invalid("'id' must be a string")
    outputs, wanted = _requested_outputs(request, model)
    return InferRequest(X, outputs, request_id, wanted)


def _json_error(exc: Exception, head) -> str:
    message = f"request body is not valid JSON: {exc}"
    text = bytes(head[:1_000_000])
    if b"NaN" in text or b"Infinity" in text:
        message += "; NaN and Infinity are not JSON numbers: send null for a missing value"
    return message


@dataclass
class _Tensor:
    name: str
    array: np.ndarray
    where: str


def _tensor(i: int, spec, binary: memoryview, used: int) -> tuple[_Tensor, int]:
    where = f"inputs[{i}]"
    if type(spec) is not dict:
        raise invalid(f"{where} must be an object with name, shape, datatype and data")
    name = spec.get("name")
    if type(name) is not str:
        raise invalid(f"{where}.name must be a string")
    where = f"input {name!r}"
    shape = spec.get("shape")
    if (
        type(shape) is not list
        or not 1 <= len(shape) <= 2
        or any(type(n) is not int or n < 0 for n in shape)
    ):
        raise invalid(
            f"{where}: 'shape' must be [rows, columns] or [rows] with non-negative integers, "
            f"got {_short(shape)}"
        )
    datatype = spec.get("datatype")
    if datatype not in BINARY_DTYPES:
        if datatype == "BYTES":
            raise invalid(f"{where}: datatype BYTES is not accepted; the model takes numbers")
        raise invalid(
            f"{where}: 'datatype' must be one of {', '.join(BINARY_DTYPES)}, got {_short(datatype)}"
        )
    parameters = spec.get("parameters")
    size = parameters.get("binary_data_size") if type(parameters) is dict else None
    if size is None:
        data = spec.get("data")
        if type(data) is not list:
            raise invalid(
                f"{where}: 'data' must be a list of numbers (flat or nested like 'shape'), "
                "or parameters.binary_data_size must give its byte length after the JSON header"
            )
        return _Tensor(name, _json_array(data, shape, datatype, where), where), used
    if "data" in spec:
        raise invalid(f"{where} has both 'data' and parameters.binary_data_size; send one")
    dtype = BINARY_DTYPES[datatype]
    expected = math.prod(shape) * dtype.itemsize
    if type(size) is not int or size != expected:
        raise invalid(
            f"{where}: binary_data_size must be {expected} ({math.prod(shape)} {datatype} values "
            f"of {dtype.itemsize} bytes for shape {shape}), got {_short(size)}"
        )
    if used + size > len(binary):
        raise bad_request(
            f"{where}: binary_data_size {size} runs past the end of the body "
            f"({len(binary) - used} bytes left after the JSON header and earlier inputs)"
        )
    array = np.frombuffer(binary[used : used + size], dtype=dtype).reshape(shape)
    return _Tensor(name, array, where), used + size


def _json_array(data: list, shape: list, datatype: str, where: str) -> np.ndarray:
    try:
        array = np.array(data)
    except (ValueError, TypeError, RecursionError):
        raise invalid(
            f"{where}: 'data' is not a regular array (rows of different lengths, or values "
            "mixed with lists)"
        ) from None
    kind = array.dtype.kind
    family = datatype[0]
    if kind == "O":
        array = _with_missing(array, data, datatype, where)
    elif kind in "US":
        raise invalid(f"{where}: 'data' holds strings; datatype {datatype} takes numbers")
    elif kind not in _JSON_KINDS[family] and array.size:
        what = {"b": "booleans", "f": "non-integer numbers"}.get(kind, f"{array.dtype} values")
        raise invalid(f"{where}: 'data' holds {what}, which datatype {datatype} does not")
    if array.shape != tuple(shape):
        if array.ndim == 1 and array.size == math.prod(shape):
            return array.reshape(shape)
        raise invalid(
            f"{where}: 'data' has shape {list(array.shape)} ({array.size} values), "
            f"but 'shape' is {shape}; send it flat or nested like 'shape'"
        )
    return array


def _with_missing(array: np.ndarray, data: list, datatype: str, where: str) -> np.ndarray:
    # An object array: numbers mixed with null, or integers too big for int64.
    values = array.ravel()
    if not all(v is None or type(v) is int or type(v) is float for v in values):
        raise invalid(f"{where}: 'data' must hold only numbers and null (a missing value)")
    if datatype[0] != "F" and any(v is None for v in values):
        raise invalid(
            f"{where}: null (a missing value) needs a floating-point datatype, not {datatype}"
        )
    return np.array(data, dtype=np.float64)


def _feature_matrix(tensors: list[_Tensor], model: ServedModel) -> np.ndarray:
    dtype = model.input_dtype
    n_features = model.n_features
    if len(tensors) == 1 and tensors[0].array.ndim == 2:
        tensor = tensors[0]
        X = tensor.array
        if X.shape[1] != n_features:
            raise invalid(
                f"{tensor.where} has {X.shape[1]} columns, but model {model.name!r} takes "
                f"{n_features} features"
            )
    else:
        X = _columns_by_name(tensors, model)
    if X.shape[0] == 0:
        raise invalid("the inputs have no rows")
    X = np.ascontiguousarray(X, dtype=dtype)
    # Binary tensors start wherever the JSON header ends: realign them once.
    return X if X.flags.aligned else X.copy()


def _columns_by_name(tensors: list[_Tensor], model: ServedModel) -> np.ndarray:
    names = model.feature_names
    if names is None:
        raise invalid(
            f"model {model.name!r} has no feature names: send one 2-D input of shape "
            f"[rows, {model.n_features}]"
        )
    given = {}
    for tensor in tensors:
        if tensor.name in given:
            raise invalid(f"two inputs are named {tensor.name!r}")
        given[tensor.name] = tensor
    missing = [n for n in names if n not in given]
    unknown = [n for n in given if n not in model.feature_index]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing features {_listing(missing)}")
        if unknown:
            parts.append(f"unknown inputs {_listing(unknown)}")
        raise invalid(
            f"named inputs must be exactly the features of model {model.name!r} "
            f"({len(names)}): "
            + "; ".join(parts)
            + f" (or send one 2-D input of shape [rows, {model.n_features}])"
        )
    rows = {len(t.array) for t in tensors}
    if len(rows) != 1:
        raise invalid(f"named inputs must have the same number of rows, got {sorted(rows)}")
    X = np.empty((rows.pop(), len(names)), dtype=model.input_dtype)
    for j, name in enumerate(names):
        column = given[name].array
        if column.ndim == 2 and column.shape[1] != 1:
            raise invalid(f"{given[name].where}: a named input has shape [rows] or [rows, 1]")
        X[:, j] = column.reshape(-1)
    return X


def _requested_outputs(request: dict, model: ServedModel):
    """[(output, as binary)] to answer with, and the set asked for (None: all)."""
    parameters = request.get("parameters")
    if parameters is not None and type(parameters) is not dict:
        raise invalid("'parameters' must be an object")
    all_binary = bool(parameters and parameters.get("binary_data_output") is True)
    wanted = request.get("outputs")
    if wanted is None:
        return [(spec.name, all_binary) for spec in model.outputs], None
    if type(wanted) is not list or not wanted:
        raise invalid("'outputs' must be a non-empty list of {\"name\": ...} objects")
    result = []
    for i, spec in enumerate(wanted):
        name = spec.get("name") if type(spec) is dict else None
        if name not in model.output_names:
            known = ", ".join(repr(s.name) for s in model.outputs)
            raise invalid(
                f"outputs[{i}]: model {model.name!r} has outputs {known}, got {_short(name)}"
            )
        params = spec.get("parameters")
        binary = all_binary or (type(params) is dict and params.get("binary_data") is True)
        result.append((name, binary))
    return result, frozenset(name for name, _ in result)


def encode_response(
    model: ServedModel, request: InferRequest, results: dict[str, np.ndarray]
) -> tuple[bytes, int | None]:
    """The response body, and the JSON header's length when binary outputs follow it."""
    outputs, chunks = [], []
    for name, binary in request.outputs:
        array = results[name]
        tensor = {"name": name, "datatype": datatype_of(array.dtype), "shape": list(array.shape)}
        if binary:
            data = _binary(array)
            tensor["parameters"] = {"binary_data_size": len(data)}
            chunks.append(data)
        elif array.dtype.kind in "biuf":
            tensor["data"] = np.ascontiguousarray(array).reshape(-1)
        else:
            tensor["data"] = [str(v) for v in array.reshape(-1).tolist()]
        outputs.append(tensor)
    response = {"model_name": model.name}
    if model.version is not None:
        response["model_version"] = model.version
    if request.request_id is not None:
        response["id"] = request.request_id
    response["outputs"] = outputs
    head = orjson.dumps(response, option=_JSON_OPTIONS)
    if not chunks:
        return head, None
    return b"".join([head, *chunks]), len(head)


def _binary(array: np.ndarray) -> bytes:
    if array.dtype.kind in "biuf":
        return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    # BYTES: each element as a 4-byte little-endian length, then its UTF-8 bytes.
    parts = []
    for value in array.reshape(-1).tolist():
        raw = str(value).encode()
        parts.append(_LENGTH_PREFIX.pack(len(raw)))
        parts.append(raw)
    return b"".join(parts)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _listing(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
