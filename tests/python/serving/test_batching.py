"""Batcher: inline vs worker threads, merging, failure isolation, timeouts."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mlarsenal.serving._batching import Batcher
from mlarsenal.serving._errors import RequestError


class FakeModel:
    """Doubles each row's sum; rejects rows whose first value is negative; records calls."""

    name = "fake"

    def __init__(self, seconds_per_row=1.0, gate=None):
        self.seconds_per_row = seconds_per_row
        self.gate = gate
        self.calls = []  # (rows, thread id)

    def estimated_seconds(self, n):
        return n * self.seconds_per_row

    def predict(self, X, wanted):
        self.calls.append((len(X), threading.get_ident()))
        if self.gate is not None:
            self.gate.wait(10)
        if (X[:, 0] < 0).any():
            raise ValueError("X has a negative first column")
        return {"predict": X.sum(axis=1) * 2}


def make_batcher(model, executor, **options):
    settings = dict(max_batch_size=64, max_latency_s=0.01, inline_limit_s=0.0, max_concurrency=1)
    settings.update(options)
    sizes = []
    return Batcher(model, executor, on_batch=sizes.append, **settings), sizes


@pytest.fixture
def executor():
    with ThreadPoolExecutor(2) as pool:
        yield pool


def rows(n, start=0.0):
    return np.arange(start, start + 2 * n, dtype=np.float64).reshape(n, 2)


def test_short_predictions_run_inline_on_the_loop(executor):
    model = FakeModel(seconds_per_row=1e-9)
    batcher, sizes = make_batcher(model, executor, inline_limit_s=1e-3)

    async def main():
        return await batcher.predict(rows(3), None, 1.0), threading.get_ident()

    result, loop_thread = asyncio.run(main())
    np.testing.assert_array_equal(result["predict"], rows(3).sum(axis=1) * 2)
    assert model.calls == [(3, loop_thread)] and sizes == [3]


def test_crowded_short_requests_merge_on_the_loop(executor):
    model = FakeModel(seconds_per_row=1e-9)
    batcher, sizes = make_batcher(model, executor, inline_limit_s=1e-3)
    inputs = [rows(1, start=10 * i) for i in range(5)]

    async def main():
        calls = (batcher.predict(X, None, 5.0, crowded=True) for X in inputs)
        return await asyncio.gather(*calls), threading.get_ident()

    results, loop_thread = asyncio.run(main())
    for X, result in zip(inputs, results, strict=True):
        np.testing.assert_array_equal(result["predict"], X.sum(axis=1) * 2)
    assert sizes == [5] and model.calls == [(5, loop_thread)]


def test_concurrent_requests_merge_into_one_call(executor):
    model = FakeModel()
    batcher, sizes = make_batcher(model, executor)
    inputs = [rows(i + 1, start=10 * i) for i in range(6)]

    async def main():
        return await asyncio.gather(*(batcher.predict(X, None, 5.0) for X in inputs))

    results = asyncio.run(main())
    for X, result in zip(inputs, results, strict=True):
        np.testing.assert_array_equal(result["predict"], X.sum(axis=1) * 2)
    assert sizes == [21]  # 1 + 2 + ... + 6 rows, one native call
    assert model.calls[0][1] != threading.get_ident()  # on a worker thread


def test_requests_queue_while_the_worker_is_busy(executor):
    gate = threading.Event()
    model = FakeModel(gate=gate)
    batcher, sizes = make_batcher(model, executor, max_batch_size=5, max_latency_s=0.0)

    async def main():
        first = asyncio.ensure_future(batcher.predict(rows(1), None, 5.0))
        await asyncio.sleep(0.05)  # the first call now holds the only worker
        rest = [
            asyncio.ensure_future(batcher.predict(rows(2, start=i), None, 5.0)) for i in range(4)
        ]
        await asyncio.sleep(0.05)
        gate.set()
        return await asyncio.gather(first, *rest)

    results = asyncio.run(main())
    assert [len(r["predict"]) for r in results] == [1, 2, 2, 2, 2]
    assert sizes == [1, 4, 4]  # queued requests merged, at most max_batch_size rows per call


def test_one_bad_request_does_not_fail_the_others(executor):
    model = FakeModel()
    batcher, sizes = make_batcher(model, executor)
    good, bad = rows(2), -rows(1, start=1.0)

    async def main():
        return await asyncio.gather(
            batcher.predict(good, None, 5.0), batcher.predict(bad, None, 5.0), batcher.predict(good, None, 5.0),
            return_exceptions=True,
        )  # fmt: skip

    first, error, third = asyncio.run(main())
    np.testing.assert_array_equal(first["predict"], good.sum(axis=1) * 2)
    np.testing.assert_array_equal(third["predict"], good.sum(axis=1) * 2)
    assert isinstance(error, RequestError) and error.status == 422
    assert "negative first column" in error.message
    assert sizes == [5, 2, 1, 2]  # merged call failed, then each request alone


def test_unanswered_request_times_out_with_504(executor):
    gate = threading.Event()
    batcher, _ = make_batcher(FakeModel(gate=gate), executor)

    async def main():
        try:
            with pytest.raises(RequestError) as caught:
                await batcher.predict(rows(1), None, 0.05)
        finally:
            gate.set()
        return caught.value

    error = asyncio.run(main())
    assert error.status == 504 and "0.05 s" in error.message
