"""Where and how predictions run: on the event loop or a worker thread, alone or merged.

A prediction estimated (from the model's warm-up timing) to take at most
``inline_limit_ms`` runs on the event loop: handing it to a thread and waking
the loop again costs more (0.15-0.25 ms on a busy 2-core machine, against
~15 us for a row through 100 trees). Longer ones run on the worker threads,
where the native code releases the GIL while the loop parses the next requests.

A request alone in the server runs at once. When other requests are in the
server too ("crowded"), requests queue per model and leave merged, up to
``max_batch_size`` rows per native call: the Python cost of a call (input
checks, the link function, splitting the outputs) is paid once per batch, not
per request, which is what lets a server answering many single-row clients
keep up. Merging is adaptive: a batch leaves as soon as a pass through the
event loop brings no new request (or it is full, or its oldest request has
waited ``max_latency_ms``), so nothing ever waits on a timer; while every
worker thread is busy, requests pile up and the next free one takes them
together. A merged call that fails (one request's rows rejected by the model)
is rerun request by request, so one bad request never fails another.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np

from mlarsenal.serving._errors import RequestError, invalid, timed_out
from mlarsenal.serving._models import ServedModel

logger = logging.getLogger("mlarsenal.serving")


class _Pending:
    __slots__ = ("X", "alone", "enqueued", "future", "timer", "wanted")

    def __init__(self, X, wanted, future, enqueued):
        self.X = X
        self.wanted = wanted
        self.future = future
        self.enqueued = enqueued
        self.timer = None
        self.alone = False  # rerun by itself after a merged call failed


class Batcher:
    """Runs one model's predictions; `on_batch(rows)` observes each native call's size."""

    def __init__(
        self,
        model: ServedModel,
        executor: Executor,
        *,
        max_batch_size: int,
        max_latency_s: float,
        inline_limit_s: float,
        max_concurrency: int,
        on_batch: Callable[[int], None],
    ):
        self.model = model
        self._executor = executor
        self._max_rows = max_batch_size
        self._max_latency_s = max_latency_s
        self._inline_limit_s = inline_limit_s
        self._max_concurrency = max_concurrency
        self._on_batch = on_batch
        self._queue: deque[_Pending] = deque()
        self._queued_rows = 0
        self._running = 0
        self._pass_scheduled = False
        self._length_at_pass = 0

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def predict(
        self, X: np.ndarray, wanted: frozenset | None, timeout_s: float, *, crowded: bool = False
    ) -> dict[str, np.ndarray]:
        """{output: array} for the rows of X (`wanted` outputs, None: all); 422 or 504.

        crowded: other requests are in the server too, so this one waits (a
        loop pass or so) to be merged with them instead of running alone.
        """
        n = len(X)
        if not crowded and not self._queue and self._is_short(n):
            self._on_batch(n)
            return _run(self.model, X, wanted)
        loop = asyncio.get_running_loop()
        item = _Pending(X, wanted, loop.create_future(), loop.time())
        item.timer = loop.call_later(timeout_s, _expire, item, timeout_s)
        self._queue.append(item)
        self._queued_rows += n
        if self._max_latency_s > 0:
            self._schedule_pass(loop)
        else:
            self._dispatch(loop)
        try:
            return await item.future
        finally:
            item.timer.cancel()

    def _is_short(self, rows: int) -> bool:
        return self.model.estimated_seconds(rows) <= self._inline_limit_s

    # ------------------------------------------------------------- gathering
    def _schedule_pass(self, loop) -> None:
        if not self._pass_scheduled:
            self._pass_scheduled = True
            self._length_at_pass = len(self._queue)
            loop.call_soon(self._after_pass, loop)

    def _after_pass(self, loop) -> None:
        self._pass_scheduled = False
        if not self._queue:
            return
        grew = len(self._queue) > self._length_at_pass
        waited = loop.time() - self._queue[0].enqueued
        if grew and self._queued_rows < self._max_rows and waited < self._max_latency_s:
            self._schedule_pass(loop)  # requests are still arriving: one more pass
            return
        self._dispatch(loop)

    # ------------------------------------------------------------ dispatching
    def _dispatch(self, loop) -> None:
        while self._queue:
            batch = self._take()
            if not batch:
                continue
            rows = sum(len(item.X) for item in batch)
            if self._is_short(rows):
                # A short merged batch runs right here: a thread would cost more.
                self._on_batch(rows)
                self._deliver(loop, batch, *_call(self.model, batch))
            elif self._running < self._max_concurrency:
                self._launch(loop, batch)
            else:
                for item in reversed(batch):  # every worker busy: back in line
                    self._queue.appendleft(item)
                    self._queued_rows += len(item.X)
                return

    def _take(self) -> list[_Pending]:
        batch, rows = [], 0
        queue = self._queue
        while queue:
            item = queue[0]
            n = len(item.X)
            if batch and (rows + n > self._max_rows or item.alone or batch[0].alone):
                break
            queue.popleft()
            self._queued_rows -= n
            if item.future.done():  # timed out while queued
                continue
            batch.append(item)
            rows += n
        return batch

    def _launch(self, loop, batch: list[_Pending]) -> None:
        X, wanted = _merged(batch)
        self._running += 1
        self._on_batch(len(X))
        future = loop.run_in_executor(self._executor, _run, self.model, X, wanted)
        future.add_done_callback(lambda done: self._finish(loop, batch, done))

    def _finish(self, loop, batch: list[_Pending], done: asyncio.Future) -> None:
        self._running -= 1
        error = done.exception()
        self._deliver(loop, batch, None if error else done.result(), error)
        self._dispatch(loop)

    def _deliver(self, loop, batch: list[_Pending], results, error) -> None:
        if error is None:
            start = 0
            for item in batch:
                stop = start + len(item.X)
                if not item.future.done():
                    item.future.set_result({k: v[start:stop] for k, v in results.items()})
                start = stop
        elif len(batch) > 1 and isinstance(error, RequestError):
            # One request's rows failed the merged call: rerun each alone, first in line.
            for item in reversed(batch):
                item.alone = True
                self._queue.appendleft(item)
                self._queued_rows += len(item.X)
            loop.call_soon(self._dispatch, loop)
        else:
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(error)


def _merged(batch: list[_Pending]):
    """The batch's rows in one matrix, and the union of the outputs asked for."""
    if len(batch) == 1:
        return batch[0].X, batch[0].wanted
    X = np.concatenate([item.X for item in batch])
    if any(item.wanted is None for item in batch):
        return X, None
    return X, frozenset().union(*(item.wanted for item in batch))


def _call(model: ServedModel, batch: list[_Pending]):
    """(results, None) or (None, the error) of running `batch` here."""
    try:
        return _run(model, *_merged(batch)), None
    except Exception as exc:
        return None, exc


def _run(model: ServedModel, X: np.ndarray, wanted) -> dict[str, np.ndarray]:
    """The model's outputs; what the model rejects about the rows becomes a 422."""
    try:
        return model.predict(X, wanted)
    except (ValueError, TypeError) as exc:
        # The model's own input checks (infinity where it takes none, a category
        # code out of range...): messages about values, not about the server.
        raise invalid(f"model {model.name!r} rejected the inputs: {exc}") from None


def _expire(item: _Pending, timeout_s: float) -> None:
    if not item.future.done():
        item.future.set_exception(timed_out(timeout_s))
