"""What the endpoints do, independent of the web framework: the server's state and its answers.

:class:`ServingService` owns the model store, the prediction threads, the
metrics and the server's life cycle (loading, ready, draining). Endpoints ask
it for an :class:`Answer` (status, body, content type, extra headers), so the
fast path and the FastAPI routes answer with the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import orjson

from mlarsenal._threads import usable_cpus
from mlarsenal._version import __version__
from mlarsenal.serving._codec import decode_request, encode_response, parse_header_length
from mlarsenal.serving._errors import RequestError, unavailable
from mlarsenal.serving._metrics import ServingMetrics
from mlarsenal.serving._settings import AppSettings
from mlarsenal.serving._sources import ModelSource
from mlarsenal.serving._store import ModelStore

logger = logging.getLogger("mlarsenal.serving")

JSON = b"application/json"
BINARY = b"application/octet-stream"
SERVER_NAME = "mlarsenal"
EXTENSIONS = ("binary_tensor_data",)


class Answer(NamedTuple):
    status: int
    body: bytes
    content_type: bytes = JSON
    headers: tuple = ()


def json_answer(status: int, value) -> Answer:
    return Answer(status, orjson.dumps(value))


def error_answer(error: RequestError) -> Answer:
    return Answer(error.status, orjson.dumps({"error": error.message}), JSON, error.headers)


INTERNAL_ERROR = Answer(500, orjson.dumps({"error": "internal server error; see the server log"}))


class ServingService:
    def __init__(self, sources: list[ModelSource], *, settings: AppSettings, registry=None):
        self.settings = settings
        self.metrics = ServingMetrics()
        threads = settings.predict_threads or usable_cpus()
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="mlarsenal-predict")
        self.store = ModelStore(
            sources,
            settings=settings,
            registry=registry,
            executor=self._executor,
            predict_threads=threads,
            metrics=self.metrics,
        )
        self.held = 0  # infer requests received by the app and not yet answered
        # Infer requests let in (not refused as overloaded), and answers sent for
        # them: equal after a drained shutdown, which the last log line shows.
        self.admitted = 0
        self.answered = 0
        self.draining = False
        self.started = False
        self.on_load_failure: Callable[[list[str]], None] | None = None
        # True: the lifespan start-up waits for the models, so the server
        # accepts connections only once they are ready (workers sharing a
        # socket then leave connections to those that are). False: the models
        # load in the background and liveness answers meanwhile.
        self.load_before_serving = False
        self._tasks: list[asyncio.Task] = []
        self.metrics.track_queue_depth(lambda: self.held)

    # ------------------------------------------------------------ life cycle
    async def startup(self) -> None:
        """Start loading the models in the background; readiness follows when all are warm."""
        if self.started:
            return
        self.started = True
        if self.load_before_serving:
            await self._load_models()
        else:
            self._tasks.append(asyncio.get_running_loop().create_task(self._load_models()))

    async def _load_models(self) -> None:
        failed = await self.store.load_all()
        self._update_ready()
        if failed:
            if self.on_load_failure is not None:
                self.on_load_failure(failed)
            return
        logger.info("server ready", extra={"models": sorted(self.store.states())})
        if self.settings.poll_interval_s > 0:
            self._tasks.append(
                asyncio.get_running_loop().create_task(
                    self.store.watch(self.settings.poll_interval_s)
                )
            )

    async def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        logger.info(
            "stopped serving",
            extra={"admitted_requests": self.admitted, "answered_requests": self.answered},
        )
        self.store.close()
        # Requests were answered before the lifespan ends; nothing is left running.
        self._executor.shutdown(wait=True)

    def begin_drain(self) -> None:
        """Readiness answers 503 from now on; requests are still served."""
        if not self.draining:
            self.draining = True
            self._update_ready()
            logger.info("draining: readiness now reports 503", extra={"held_requests": self.held})

    @property
    def ready(self) -> bool:
        return self.store.ready and not self.draining

    def _update_ready(self) -> None:
        self.metrics.ready.set(1 if self.ready else 0)

    # -------------------------------------------------------------- answers
    async def infer(
        self,
        name: str,
        version: str | None,
        body: bytes,
        header_length: bytes | None,
        held: int = 1,
    ) -> Answer:
        """The answer to an infer request; `held`: requests in the server, this one included."""
        try:
            entry = self.store.get(name, version)
            length = parse_header_length(header_length, len(body))
            request = decode_request(
                body, length, entry.model, allow_missing=self.settings.allow_missing
            )
            results = await entry.batcher.predict(
                request.X, request.wanted, self.settings.request_timeout_s, crowded=held > 1
            )
            payload, json_length = encode_response(entry.model, request, results)
        except RequestError as error:
            return error_answer(error)
        if json_length is None:
            return Answer(200, payload)
        return Answer(
            200, payload, BINARY, ((b"inference-header-content-length", str(json_length).encode()),)
        )

    def overloaded(self, held: int) -> Answer | None:
        """A 503 when `held` requests already exceed max_queue, else None."""
        if held > self.settings.max_queue:
            return error_answer(
                unavailable(
                    f"server overloaded: {held} requests held, the limit is "
                    f"{self.settings.max_queue} (max_queue); retry shortly"
                )
            )
        return None

    def live(self) -> Answer:
        return json_answer(200, {"live": True})

    def readiness(self) -> Answer:
        if self.ready:
            return json_answer(200, {"ready": True})
        if self.draining:
            reason = "shutting down"
        elif not self.store.states():
            reason = "no models are configured"
        else:
            waiting = {n: s for n, s in self.store.states().items() if s != "ready"}
            reason = "models not ready: " + ", ".join(f"{n} ({s})" for n, s in waiting.items())
        return json_answer(503, {"ready": False, "reason": reason})

    def model_ready(self, name: str, version: str | None) -> Answer:
        try:
            entry = self.store.get(name, version)
        except RequestError as error:
            if error.status == 503:
                return json_answer(503, {"name": name, "ready": False})
            return error_answer(error)
        return json_answer(200, {"name": entry.model.name, "ready": True})

    def model_metadata(self, name: str, version: str | None) -> Answer:
        try:
            entry = self.store.get(name, version)
        except RequestError as error:
            return error_answer(error)
        return json_answer(200, entry.model.metadata())

    def server_metadata(self) -> Answer:
        extensions = list(EXTENSIONS)
        if self.settings.enable_management:
            extensions.append("model_repository")
        return json_answer(
            200, {"name": SERVER_NAME, "version": __version__, "extensions": extensions}
        )

    def metrics_answer(self) -> Answer:
        return Answer(200, self.metrics.exposition(), self.metrics.content_type.encode())
