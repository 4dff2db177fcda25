"""The model repository endpoints (index, load, unload): off unless enabled, bearer-token only.

``POST /v2/repository/index`` lists the served models; ``.../models/{name}/load``
loads (or reloads) a model from a registry reference or from a model file
inside the server's ``model_dir`` (a name there, never a path that leaves it);
``.../models/{name}/unload`` stops serving it. Every call needs
``Authorization: Bearer <token>``, compared in constant time. Errors never
carry a filesystem path.

Imported only by ``create_app`` (after the ``serve`` extra is checked); no
``from __future__ import annotations``, FastAPI reads the annotations.
"""

import hmac
import logging
import os
from pathlib import Path

import orjson
from fastapi import APIRouter, Depends, Request

from mlarsenal.serving._errors import RequestError, bad_request, not_found
from mlarsenal.serving._routes import respond
from mlarsenal.serving._schema import ErrorResponse, LoadRequest, RepositoryModel
from mlarsenal.serving._service import Answer, ServingService, error_answer, json_answer
from mlarsenal.serving._sources import (
    REFERENCE_SCHEME,
    ModelSource,
    SourceError,
    check_model_file,
    check_served_name,
)

logger = logging.getLogger("mlarsenal.serving")

_AUTH_ERRORS = {401: {"model": ErrorResponse, "description": "Missing or wrong bearer token."}}


def build_management_router(service: ServingService) -> APIRouter:
    token = service.settings.management_token.encode()

    async def authorized(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token):
            raise _Unauthorized()

    router = APIRouter(
        prefix="/v2/repository",
        tags=["management"],
        dependencies=[Depends(authorized)],
        responses=_AUTH_ERRORS,
    )

    @router.post("/index", response_model=list[RepositoryModel])
    async def index():
        """The served models, their versions and states."""
        return respond(json_answer(200, _index(service)))

    @router.post(
        "/models/{name}/load",
        response_model=RepositoryModel,
        responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
        openapi_extra={
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": LoadRequest.model_json_schema()}},
            }
        },
    )
    async def load(name: str, request: Request):
        """Load or reload a model; the old version answers until the new one is warm."""
        try:
            source = _source_for(service, name, await request.body())
            entry = await service.store.load(source)
        except RequestError as error:
            return respond(error_answer(error))
        except Exception as exc:
            return respond(_load_failure(name, exc))
        logger.info("model loaded through the management endpoint", extra={"model": name})
        return respond(
            json_answer(200, {"name": name, "version": entry.model.version, "state": "ready"})
        )

    @router.post("/models/{name}/unload", responses={404: {"model": ErrorResponse}})
    async def unload(name: str):
        """Stop serving a model; requests already holding it finish."""
        try:
            service.store.unload(name)
        except RequestError as error:
            return respond(error_answer(error))
        return respond(json_answer(200, {"name": name, "unloaded": True}))

    return router


class _Unauthorized(Exception):
    pass


def install_auth_handler(app) -> None:
    async def handler(request, exc):
        answer = error_answer(
            RequestError(
                401,
                "the management endpoints need 'Authorization: Bearer <token>' with the "
                "server's token",
                headers=((b"www-authenticate", b"Bearer"),),
            )
        )
        return respond(answer)

    app.add_exception_handler(_Unauthorized, handler)


def _index(service: ServingService) -> list[dict]:
    entries = {entry.model.name: entry for entry in service.store.entries()}
    return [
        {
            "name": name,
            "version": entries[name].model.version if name in entries else None,
            "state": state,
        }
        for name, state in sorted(service.store.states().items())
    ]


def _source_for(service: ServingService, name: str, body: bytes) -> ModelSource:
    try:
        check_served_name(name)
    except SourceError as exc:
        raise bad_request(str(exc)) from None
    location = None
    if body.strip():
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise bad_request(f"request body is not valid JSON: {exc}") from None
        parameters = request.get("parameters") if type(request) is dict else None
        location = parameters.get("source") if type(parameters) is dict else None
        if location is not None and type(location) is not str:
            raise bad_request("parameters.source must be a string")
    if location is None:
        current = service.store.source(name)
        if current is None:
            raise not_found(
                f"no model named {name!r} is served; give parameters.source to load one"
            )
        return current
    if location.startswith(REFERENCE_SCHEME):
        return ModelSource(name, "registry", location)
    return ModelSource(name, "file", _file_in_model_dir(service, location))


def _file_in_model_dir(service: ServingService, relative: str) -> str:
    model_dir = service.settings.model_dir
    if model_dir is None:
        raise bad_request(
            "this server loads only registry references (models:/name@alias) through the "
            "management endpoints; start it with a model_dir to allow model files"
        )
    if os.path.isabs(relative) or "\\" in relative:
        raise bad_request("parameters.source must be a file name relative to the model directory")
    path = os.path.realpath(os.path.join(model_dir, relative))
    if os.path.commonpath([path, model_dir]) != model_dir:
        raise bad_request(f"{relative!r} is outside the model directory")
    try:
        check_model_file(Path(path), shown=relative)
    except SourceError as exc:
        raise bad_request(str(exc)) from None
    return path


def _load_failure(name: str, exc: Exception) -> Answer:
    from mlarsenal._serialization import ModelFormatError

    if isinstance(exc, LookupError):  # the registry's NotFoundError
        return error_answer(not_found(f"the registry has nothing for model {name!r}'s reference"))
    if isinstance(exc, ModelFormatError):
        return error_answer(RequestError(422, f"not a valid model file: {_strip_paths(exc)}"))
    return error_answer(RequestError(500, "loading the model failed; see the server log"))


def _strip_paths(exc: Exception) -> str:
    # Model-format messages describe the bytes; keep them, minus anything path-like.
    return " ".join(word for word in str(exc).split() if os.sep not in word)
