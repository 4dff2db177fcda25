"""The protocol's endpoints as FastAPI routes: health, metadata, readiness, infer, metrics.

The answers come from ServingService; these routes give them URLs and an
OpenAPI description. Infer requests normally never reach their route (the
fast path in ``_fastpath`` answers them first, with the same service call);
the route answers only when the app's router is called directly.

Imported only by ``create_app``, after it has checked that the ``serve``
extra is installed. No ``from __future__ import annotations`` here: FastAPI
reads the handlers' annotations (``Request``) as objects.
"""

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from mlarsenal.serving._schema import (
    ErrorResponse,
    InferenceResponse,
    Liveness,
    ModelMetadata,
    ModelReadiness,
    Readiness,
    ServerMetadata,
)
from mlarsenal.serving._service import Answer, ServingService

_ERRORS = {
    404: {"model": ErrorResponse, "description": "No such model or version."},
    503: {"model": ErrorResponse, "description": "Not loaded yet, or overloaded."},
}
_INFER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/InferenceRequest"}},
            "application/octet-stream": {
                "schema": {"type": "string", "format": "binary"},
                "description": "Binary tensor extension: the JSON header "
                "(Inference-Header-Content-Length bytes), then the inputs' raw bytes.",
            },
        },
    }
}
_INFER_RESPONSES = {
    200: {"model": InferenceResponse, "description": "Predictions (and probabilities)."},
    400: {"model": ErrorResponse, "description": "The body is not JSON, or badly framed."},
    413: {"model": ErrorResponse, "description": "The body is over max_body_bytes."},
    422: {"model": ErrorResponse, "description": "Shape, datatype or feature names do not fit."},
    504: {"model": ErrorResponse, "description": "Not answered within request_timeout_s."},
    **_ERRORS,
}


def respond(answer: Answer) -> Response:
    return Response(
        content=answer.body,
        status_code=answer.status,
        media_type=answer.content_type.decode(),
        headers={key.decode(): value.decode() for key, value in answer.headers},
    )


def build_router(service: ServingService) -> APIRouter:
    router = APIRouter()

    @router.get("/v2", tags=["server"], response_model=ServerMetadata)
    async def server_metadata():
        return respond(service.server_metadata())

    @router.get("/v2/health/live", tags=["health"], response_model=Liveness)
    async def live():
        """200 while the process runs."""
        return respond(service.live())

    @router.get(
        "/v2/health/ready",
        tags=["health"],
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Loading, failed, or draining."}},
    )
    async def ready():
        """200 once every model is loaded and warmed; 503 before, and while shutting down."""
        return respond(service.readiness())

    for prefix in ("/v2/models/{name}", "/v2/models/{name}/versions/{version}"):
        _model_routes(router, service, prefix)

    @router.get("/metrics", tags=["server"], response_class=PlainTextResponse)
    async def metrics():
        """Prometheus text format."""
        return respond(service.metrics_answer())

    return router


def _model_routes(router: APIRouter, service: ServingService, prefix: str) -> None:
    # Separate signatures: an optional `version` argument would become a query parameter.
    if "{version}" in prefix:

        async def metadata(name: str, version: str):
            return respond(service.model_metadata(name, version))

        async def model_ready(name: str, version: str):
            return respond(service.model_ready(name, version))

        async def infer(name: str, version: str, request: Request):
            return respond(await _infer(service, name, version, request))

        suffix = "_version"
    else:

        async def metadata(name: str):
            return respond(service.model_metadata(name, None))

        async def model_ready(name: str):
            return respond(service.model_ready(name, None))

        async def infer(name: str, request: Request):
            return respond(await _infer(service, name, None, request))

        suffix = ""

    router.add_api_route(
        prefix,
        metadata,
        methods=["GET"],
        tags=["models"],
        name="model_metadata" + suffix,
        response_model=ModelMetadata,
        responses=_ERRORS,
    )
    router.add_api_route(
        prefix + "/ready",
        model_ready,
        methods=["GET"],
        tags=["models"],
        name="model_ready" + suffix,
        response_model=ModelReadiness,
        responses=_ERRORS,
    )
    router.add_api_route(
        prefix + "/infer",
        infer,
        methods=["POST"],
        tags=["models"],
        name="infer" + suffix,
        response_model=InferenceResponse,
        responses=_INFER_RESPONSES,
        openapi_extra=_INFER_BODY,
    )


async def _infer(service: ServingService, name: str, version, request: Request) -> Answer:
    body = await request.body()
    header_length = request.headers.get("inference-header-content-length")
    encoded = None if header_length is None else header_length.encode("latin-1")
    return await service.infer(name, version, body, encoded)
