"""The Open Inference Protocol v2 messages as pydantic models, for the OpenAPI schema.

The server decodes and encodes requests with its own codec (``_codec``),
which is several times faster than validating through these models; they
document the wire format in ``/openapi.json`` and let tests check the
server's answers against it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Datatype = Literal[
    "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64",
    "FP16", "FP32", "FP64", "BYTES",
]  # fmt: skip


class _Message(BaseModel):
    # "model_name" is a protocol field, not pydantic's namespace.
    model_config = ConfigDict(protected_namespaces=(), extra="allow")


class RequestInput(_Message):
    name: str = Field(description="Any name for one 2-D input; a feature name for named inputs.")
    shape: list[int] = Field(
        description="[rows, n_features] for one 2-D input, [rows] per feature."
    )
    datatype: Datatype
    parameters: dict[str, Any] | None = Field(
        None, description='{"binary_data_size": n}: the data is n raw bytes after the JSON header.'
    )
    data: list[Any] | None = Field(
        None, description="Row-major values, flat or nested like shape; null is a missing value."
    )


class RequestOutput(_Message):
    name: Literal["predict", "predict_proba"] | str
    parameters: dict[str, Any] | None = Field(
        None, description='{"binary_data": true}: return this output as raw bytes.'
    )


class InferenceRequest(_Message):
    id: str | None = None
    parameters: dict[str, Any] | None = Field(
        None, description='{"binary_data_output": true}: every output as raw bytes.'
    )
    inputs: list[RequestInput]
    outputs: list[RequestOutput] | None = Field(None, description="Default: every output.")


class ResponseOutput(_Message):
    name: str
    shape: list[int]
    datatype: Datatype
    parameters: dict[str, Any] | None = None
    data: list[Any] | None = None


class InferenceResponse(_Message):
    model_name: str
    model_version: str | None = None
    id: str | None = None
    outputs: list[ResponseOutput]


class TensorMetadata(_Message):
    name: str
    datatype: Datatype
    shape: list[int]


class ModelMetadata(_Message):
    name: str
    versions: list[str] | None = None
    platform: str
    inputs: list[TensorMetadata]
    outputs: list[TensorMetadata]
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="kind, source, feature_names, classes."
    )


class ServerMetadata(_Message):
    name: str
    version: str
    extensions: list[str]


class Liveness(_Message):
    live: bool


class Readiness(_Message):
    ready: bool
    reason: str | None = None


class ModelReadiness(_Message):
    name: str
    ready: bool


class ErrorResponse(_Message):
    error: str


class RepositoryModel(_Message):
    name: str
    version: str | None = None
    state: Literal["loading", "ready", "failed"]


class LoadRequest(_Message):
    parameters: dict[str, Any] | None = Field(
        None,
        description='{"source": "models:/name@alias" or a file name inside the server\'s '
        "model_dir}; default: reload the model's current source.",
    )


def add_request_schema(openapi: dict) -> dict:
    """Put InferenceRequest (and the models it uses) into the schema's components."""
    schema = InferenceRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components.update(schema.pop("$defs", {}))
    components["InferenceRequest"] = schema
    return openapi
