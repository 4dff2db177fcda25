"""The app's outer ASGI layer: infer requests answered directly, limits and metrics for all.

Infer requests (``POST /v2/models/{name}[/versions/{v}]/infer``) are the hot
path: this layer reads the body, asks the service, and sends the bytes,
skipping the framework's routing, dependency solving and response classes
(tens of microseconds per request, as much as the prediction itself). Every
other request goes on to FastAPI, after the body-size limit and with its
status and duration recorded.

Admission happens here too: a request is refused with 503 when more than
``max_queue`` requests are held. The count comes from the server's protocol
(``scope["mlarsenal.held"]``, the requests received and not yet answered,
including those still waiting for the event loop) when mlarsenal's runner
serves the app, else from the infer requests inside the app.
"""

from __future__ import annotations

import logging
import time

from mlarsenal.serving._errors import too_large
from mlarsenal.serving._service import INTERNAL_ERROR, Answer, ServingService, error_answer

logger = logging.getLogger("mlarsenal.serving")
access_logger = logging.getLogger("mlarsenal.serving.access")

HELD_KEY = "mlarsenal.held"
_CLOSE = (b"connection", b"close")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def route_path(scope) -> str:
    """The path inside the app (without the prefix it is mounted under)."""
    path, root = scope["path"], scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def infer_route(path: str) -> tuple[str, str | None] | None:
    """(model, version) of an infer path, else None."""
    parts = path.split("/")
    if len(parts) == 5 and parts[4] == "infer" and parts[1] == "v2" and parts[2] == "models":
        return parts[3], None
    if (
        len(parts) == 7
        and parts[6] == "infer"
        and parts[4] == "versions"
        and parts[1] == "v2"
        and parts[2] == "models"
    ):
        return parts[3], parts[5]
    return None


def endpoint_of(path: str) -> tuple[str, str]:
    """(endpoint, model) labels of a non-infer path; bounded sets, whatever the client sends."""
    parts = path.split("/")
    if path == "/metrics":
        return "metrics", ""
    if len(parts) >= 3 and parts[1] == "v2":
        if parts[2] == "health":
            return ("live" if parts[-1] == "live" else "ready"), ""
        if parts[2] == "models" and len(parts) >= 4:
            return ("model_ready" if parts[-1] == "ready" else "metadata"), parts[3]
        if parts[2] == "repository":
            return "management", ""
    if path in ("/v2", "/v2/"):
        return "server_metadata", ""
    return "other", ""


class FastPath:
    def __init__(self, app, service: ServingService):
        self.app = app
        self.service = service
        self._limit = service.settings.max_body_bytes
        self._access_log = service.settings.access_log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path = route_path(scope)
        route = infer_route(path) if scope["method"] == "POST" else None
        if route is None:
            await self._forward(scope, receive, send, path, start)
            return
        service = self.service
        service.held += 1
        service.metrics.queue_depth_changed(service.held)
        admitted = False
        try:
            held = scope.get(HELD_KEY, service.held)
            refused = service.overloaded(held)
            if refused is None:
                admitted = True
                service.admitted += 1
                answer = await self._infer(scope, receive, route, held)
            else:
                answer = refused
        except Exception:
            logger.exception("infer request failed", extra={"model": route[0]})
            answer = INTERNAL_ERROR
        finally:
            service.held -= 1
            service.metrics.queue_depth_changed(service.held)
        if answer is not None:
            await _send(send, answer)
            service.answered += admitted
            self._record(scope, "infer", route[0], answer.status, start)

    async def _infer(self, scope, receive, route, held: int) -> Answer | None:
        header_length = None
        for key, value in scope["headers"]:
            if key == b"inference-header-content-length":
                header_length = value
        body = await self._read_body(scope, receive)
        if type(body) is not bytes:
            return body  # a 413, or None when the client went away
        return await self.service.infer(route[0], route[1], body, header_length, held)

    async def _read_body(self, scope, receive) -> bytes | Answer | None:
        limit = self._limit
        for key, value in scope["headers"]:
            if key == b"content-length":
                if value.isdigit() and int(value) > limit:
                    return _too_large(limit)
                break
        chunks, total = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                return _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _forward(self, scope, receive, send, path: str, start: float) -> None:
        endpoint, model = endpoint_of(path)
        if scope["method"] in _BODY_METHODS:
            body = await self._read_body(scope, receive)
            if type(body) is not bytes:
                if body is not None:
                    await _send(send, body)
                    self._record(scope, endpoint, "", body.status, start)
                return
            receive = _replay(body, receive)
        status = 500

        async def send_and_watch(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            # Only names the server knows become label values.
            known = model if self.service.store.serves(model) else ""
            self._record(scope, endpoint, known, status, start)

    def _record(self, scope, endpoint: str, model: str, status: int, start: float) -> None:
        seconds = time.perf_counter() - start
        if model and endpoint == "infer" and not self.service.store.serves(model):
            model = ""
        self.service.metrics.observe_request(endpoint, model, status, seconds)
        if self._access_log:
            client = scope.get("client")
            access_logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "client": f"{client[0]}:{client[1]}" if client else None,
                },
            )


def _too_large(limit: int) -> Answer:
    answer = error_answer(too_large(limit))
    # The rest of a too-large body is not worth reading: close the connection.
    return answer._replace(headers=(*answer.headers, _CLOSE))


async def _send(send, answer: Answer) -> None:
    headers = [
        (b"content-type", answer.content_type),
        (b"content-length", str(len(answer.body)).encode()),
        *answer.headers,
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


def _replay(body: bytes, receive):
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
