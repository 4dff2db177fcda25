"""Prometheus metrics of one app: requests, latency, batch sizes, queue depth, model state.

Each app has its own registry, so several apps (or tests) can live in one
process. Under ``--workers N`` every worker writes its numbers to the shared
``PROMETHEUS_MULTIPROC_DIR`` and any worker's ``/metrics`` reports them all
(prometheus_client's multiprocess mode, which the runner turns on).
Labelled children are cached: a request costs a dict look-up and an increment.
"""

from __future__ import annotations

import os

from mlarsenal._optional import import_optional

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Inference answers in well under a millisecond; the buckets resolve that.
LATENCY_BUCKETS = (
    0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384, 65536)
MODEL_STATES = ("loading", "ready", "failed")


class ServingMetrics:
    def __init__(self):
        prometheus = import_optional("prometheus_client", purpose="the server's /metrics")
        self._prometheus = prometheus
        self.registry = prometheus.CollectorRegistry()
        self.content_type = prometheus.CONTENT_TYPE_LATEST
        self._multiprocess = bool(os.environ.get(MULTIPROC_VARIABLE))
        registry = self.registry
        self._requests = prometheus.Counter(
            "mlarsenal_serving_requests",
            "HTTP requests answered, by endpoint, model and status code.",
            ["endpoint", "model", "status"],
            registry=registry,
        )
        self._latency = prometheus.Histogram(
            "mlarsenal_serving_request_duration_seconds",
            "Time from the app receiving a request to its response, by endpoint and model.",
            ["endpoint", "model"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self._batch_rows = prometheus.Histogram(
            "mlarsenal_serving_batch_rows",
            "Rows per native prediction call (merged requests count together).",
            ["model"],
            buckets=BATCH_BUCKETS,
            registry=registry,
        )
        self._queue_depth = prometheus.Gauge(
            "mlarsenal_serving_queue_depth",
            "Requests held by the server: received and not yet answered.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self._model_state = prometheus.Gauge(
            "mlarsenal_serving_model_state",
            "1 for each served model's current state (loading, ready, failed) and version.",
            ["model", "version", "state"],
            registry=registry,
            multiprocess_mode="liveall",
        )
        self._swaps = prometheus.Counter(
            "mlarsenal_serving_model_swaps",
            "Model versions swapped in while serving (a registry alias moved, or a reload).",
            ["model"],
            registry=registry,
        )
        self.ready = prometheus.Gauge(
            "mlarsenal_serving_ready",
            "1 while the server reports ready (every model loaded and warmed, not draining).",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self._request_children: dict = {}
        self._latency_children: dict = {}
        self._batch_children: dict = {}
        self._states: dict[str, tuple[str, str]] = {}

    # ------------------------------------------------------------ per request
    def observe_request(self, endpoint: str, model: str, status: int, seconds: float) -> None:
        key = (endpoint, model, status)
        child = self._request_children.get(key)
        if child is None:
            child = self._request_children[key] = self._requests.labels(
                endpoint, model, str(status)
            )
        child.inc()
        key = (endpoint, model)
        histogram = self._latency_children.get(key)
        if histogram is None:
            histogram = self._latency_children[key] = self._latency.labels(endpoint, model)
        histogram.observe(seconds)

    def track_queue_depth(self, held) -> None:
        """Report ``held()`` as the queue depth (read at scrape time in one process)."""
        if self._multiprocess:
            # Other workers read this process's value from its file: keep it current.
            self.queue_depth_changed = self._queue_depth.set
        else:
            self._queue_depth.set_function(held)

    def queue_depth_changed(self, value: int) -> None:
        """Called as the depth changes; only multiprocess mode needs it (see track_queue_depth)."""

    def batch_observer(self, model: str):
        """A function recording one native call's rows for `model`."""
        child = self._batch_children.get(model)
        if child is None:
            child = self._batch_children[model] = self._batch_rows.labels(model)
        return child.observe

    # ---------------------------------------------------------------- models
    def set_model_state(self, model: str, version: str | None, state: str) -> None:
        previous = self._states.get(model)
        if previous is not None:
            self._model_state.labels(model, *previous).set(0)
        current = (version or "", state)
        self._model_state.labels(model, *current).set(1)
        self._states[model] = current

    def forget_model(self, model: str) -> None:
        previous = self._states.pop(model, None)
        if previous is not None:
            self._model_state.labels(model, *previous).set(0)

    def count_swap(self, model: str) -> None:
        self._swaps.labels(model).inc()

    # ------------------------------------------------------------- exposition
    def exposition(self) -> bytes:
        """The Prometheus text format of every metric (of all workers in multiprocess mode)."""
        prometheus = self._prometheus
        if self._multiprocess:
            from prometheus_client import multiprocess

            registry = prometheus.CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return prometheus.generate_latest(registry)
        return prometheus.generate_latest(self.registry)
