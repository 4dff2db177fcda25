"""create_app: the ASGI app serving models over the Open Inference Protocol v2."""

from __future__ import annotations

import contextlib

from mlarsenal._optional import import_optional
from mlarsenal._version import __version__
from mlarsenal.serving._settings import app_settings
from mlarsenal.serving._sources import resolve_sources

DESCRIPTION = (
    "Open Inference Protocol v2 (REST) for mlarsenal models, with the binary tensor "
    "extension. One 2-D input [rows, n_features], or one input per feature name."
)


def create_app(models, *, registry=None, **options):
    """A FastAPI app serving `models` over the Open Inference Protocol v2.

    Parameters
    ----------
    models : path, ``models:/`` reference, list of them, or dict {served name: source}
        Model files in mlarsenal's format (what ``mlarsenal.load`` reads, never
        pickle) or registry references such as ``"models:/churn@champion"``.
        A file is served under its name without extension, a reference under
        its registry name.
    registry : mlarsenal.registry.Registry or path, optional
        The registry that references resolve in (default: ``$MLARSENAL_HOME``,
        else ``./mlarsenal-store``).
    **options
        Any field of :class:`mlarsenal.serving.AppSettings` (``max_batch_size``,
        ``max_body_bytes``, ``request_timeout_s``, ``enable_management``...).

    The models load and warm up in the background when the app starts (its
    lifespan); ``/v2/health/ready`` answers 200 once every one is ready.
    Mounted inside another app, run its lifespan from the host's:
    ``async with app.router.lifespan_context(app): ...``.

    Examples
    --------
    >>> from mlarsenal.serving import create_app
    >>> app = create_app("churn.mlarsenal", max_batch_size=64)  # doctest: +SKIP
    >>> import uvicorn; uvicorn.run(app, port=8000)  # doctest: +SKIP
    """
    fastapi = import_optional("fastapi", purpose="mlarsenal.serving")
    import_optional("orjson", purpose="mlarsenal.serving")
    import_optional("prometheus_client", purpose="mlarsenal.serving")
    settings = app_settings(options)
    sources = resolve_sources(models)

    from mlarsenal.serving._fastpath import FastPath
    from mlarsenal.serving._routes import build_router
    from mlarsenal.serving._schema import add_request_schema
    from mlarsenal.serving._service import ServingService

    service = ServingService(sources, settings=settings, registry=registry)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await service.startup()
        try:
            yield
        finally:
            await service.shutdown()

    app = fastapi.FastAPI(
        title="mlarsenal model server",
        description=DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.serving = service
    app.include_router(build_router(service))
    if settings.enable_management:
        from mlarsenal.serving._management import build_management_router, install_auth_handler

        app.include_router(build_management_router(service))
        install_auth_handler(app)
    app.add_middleware(FastPath, service=service)

    default_openapi = app.openapi

    def openapi():
        if app.openapi_schema is None:
            app.openapi_schema = add_request_schema(default_openapi())
        return app.openapi_schema

    app.openapi = openapi
    return app
