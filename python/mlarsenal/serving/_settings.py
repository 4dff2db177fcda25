"""The one home of the server's options: defaults, validation and meaning.

:class:`AppSettings` shapes what the ASGI app does with a request (limits,
batching, timeouts, management); :class:`RunSettings` how the process runs it
(address, workers, shutdown, logs). ``create_app`` takes the first as keyword
arguments, ``serve`` and the ``serve`` command take both.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from dataclasses import dataclass

from mlarsenal._validation.scalars import is_int, is_real

MIB = 1024 * 1024
TOKEN_ENV_VARIABLE = "MLARSENAL_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 16


def _check_int(name: str, value, low: int, high: int | None = None) -> int:
    if not is_int(value):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    if value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return int(value)


def _check_real(name: str, value, low: float, *, strict: bool = False) -> float:
    if not is_real(value) or value != value:
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    if value < low or (strict and value == low):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {low}, got {value}")
    return float(value)


def _check_bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


@dataclass(frozen=True)
class AppSettings:
    """What the app does with requests.

    max_body_bytes
        Largest request body; bigger ones get 413 before they are read.
    max_batch_size
        Most rows merged into one native call when several requests are in
        the server at once (1: no merging). A larger request still runs whole.
    max_latency_ms
        Most a request waits for others to merge with. The batcher gathers by
        passing through the event loop and stops as soon as a pass brings no
        new request, so the wait is usually microseconds, not this; a request
        alone in the server does not wait at all.
    inline_limit_ms
        Predictions (single or merged) estimated from the warm-up timing to
        take at most this long run on the event loop: a hand-off to a worker
        thread costs more than they do. 0 sends every prediction to the
        worker threads.
    predict_threads
        Worker threads running native predictions concurrently (None: one per
        usable core). Native code releases the GIL, so they overlap with the
        event loop parsing the next requests.
    n_jobs
        Native threads inside one prediction call (mlarsenal's ``n_jobs``).
        1 by default: the server's parallelism is ``predict_threads`` calls
        at once, and more threads per call would oversubscribe the cores
        (raise it for a few very large requests).
    max_queue
        Requests the server holds at once (received and not yet answered);
        beyond it, requests get 503 with Retry-After at once.
    request_timeout_s
        A request not answered within this many seconds gets 504.
    allow_missing
        Accept ``null`` (JSON) and NaN (binary) as missing values, which tree
        models route like their training data did. False: such requests get 422.
    poll_interval_s
        How often registry references that can move (an alias, or the latest
        version) are checked; a new version is loaded, warmed and swapped in
        without failing a request. 0 turns the checks off.
    access_log
        One JSON log line per request (method, path, status, duration).
    enable_management
        Serve the model repository endpoints (index, load, unload). They need
        ``management_token`` as a bearer token.
    management_token
        The bearer token; default the ``MLARSENAL_SERVE_TOKEN`` environment variable.
    model_dir
        Directory the management load endpoint may read model files from
        (registry references are always allowed). None: registry only.
    """

    max_body_bytes: int = 8 * MIB
    max_batch_size: int = 256
    max_latency_ms: float = 1.0
    inline_limit_ms: float = 0.2
    predict_threads: int | None = None
    n_jobs: int | None = 1
    max_queue: int = 512
    request_timeout_s: float = 30.0
    allow_missing: bool = True
    poll_interval_s: float = 5.0
    access_log: bool = False
    enable_management: bool = False
    management_token: str | None = None
    model_dir: str | None = None

    def __post_init__(self):
        _check_int("max_body_bytes", self.max_body_bytes, 1)
        _check_int("max_batch_size", self.max_batch_size, 1)
        _check_real("max_latency_ms", self.max_latency_ms, 0.0)
        _check_real("inline_limit_ms", self.inline_limit_ms, 0.0)
        if self.predict_threads is not None:
            _check_int("predict_threads", self.predict_threads, 1, 256)
        if self.n_jobs is not None and not is_int(self.n_jobs):
            raise TypeError(f"n_jobs must be an int or None, got {self.n_jobs!r}")
        if self.n_jobs == 0:
            raise ValueError("n_jobs == 0 has no meaning; use None or -1 for all cores")
        _check_int("max_queue", self.max_queue, 1)
        _check_real("request_timeout_s", self.request_timeout_s, 0.0, strict=True)
        _check_bool("allow_missing", self.allow_missing)
        _check_real("poll_interval_s", self.poll_interval_s, 0.0)
        _check_bool("access_log", self.access_log)
        _check_bool("enable_management", self.enable_management)
        token = self.management_token
        if token is None and self.enable_management:
            token = os.environ.get(TOKEN_ENV_VARIABLE) or None
            object.__setattr__(self, "management_token", token)
        if token is not None and not isinstance(token, str):
            raise TypeError(f"management_token must be a str, got {type(token).__name__}")
        if self.enable_management and (token is None or len(token) < MIN_TOKEN_LENGTH):
            raise ValueError(
                "enable_management needs a bearer token of at least "
                f"{MIN_TOKEN_LENGTH} characters: pass management_token or set "
                f"${TOKEN_ENV_VARIABLE}"
            )
        if self.model_dir is not None:
            if not isinstance(self.model_dir, (str, os.PathLike)):
                raise TypeError(
                    f"model_dir must be a path (str or os.PathLike), got {type(self.model_dir).__name__}"
                )
            path = os.path.realpath(os.fspath(self.model_dir))
            if not os.path.isdir(path):
                raise ValueError(f"model_dir {os.fspath(self.model_dir)!r} is not a directory")
            object.__setattr__(self, "model_dir", path)

    def __repr__(self) -> str:
        # The token never reaches a log line or a traceback.
        fields = ", ".join(
            f"{f.name}={'***' if f.name == 'management_token' and getattr(self, f.name) else getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
        )
        return f"AppSettings({fields})"


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMATS = ("json", "text")


@dataclass(frozen=True)
class RunSettings:
    """How the server process runs.

    host, port
        The address to listen on; 127.0.0.1 by default, so nothing outside
        the machine reaches the server unless asked to (``--host 0.0.0.0``).
        Port 0 picks a free port (the start-up log line names it).
    workers
        Server processes sharing the listening socket (each loads the models).
    drain_s
        After SIGTERM, how long the server keeps answering while readiness
        reports 503 (so a load balancer stops sending), before it stops
        accepting connections and finishes the requests it holds. SIGINT
        (Ctrl-C) skips this wait.
    graceful_timeout_s
        Most time spent finishing held requests after the listener closes.
    keep_alive_s
        Idle keep-alive connections are closed after this long.
    log_level, log_format
        Threshold and format ("json": one object per line; "text") of the logs.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    drain_s: float = 2.0
    graceful_timeout_s: float = 60.0
    keep_alive_s: float = 5.0
    log_level: str = "info"
    log_format: str = "json"

    def __post_init__(self):
        if not isinstance(self.host, str) or not self.host:
            raise TypeError(f"host must be a non-empty str, got {self.host!r}")
        if self.host != "localhost":
            try:
                ipaddress.ip_address(self.host)
            except ValueError:
                raise ValueError(
                    f"host must be an IP address (127.0.0.1, 0.0.0.0, ::1...) or 'localhost', "
                    f"got {self.host!r}"
                ) from None
        _check_int("port", self.port, 0, 65535)
        _check_int("workers", self.workers, 1, 64)
        _check_real("drain_s", self.drain_s, 0.0)
        _check_real("graceful_timeout_s", self.graceful_timeout_s, 0.0)
        _check_real("keep_alive_s", self.keep_alive_s, 0.0, strict=True)
        if self.log_level not in LOG_LEVELS:
            raise ValueError(
                f"log_level must be one of {', '.join(LOG_LEVELS)}, got {self.log_level!r}"
            )
        if self.log_format not in LOG_FORMATS:
            raise ValueError(f"log_format must be 'json' or 'text', got {self.log_format!r}")


APP_FIELDS = frozenset(f.name for f in dataclasses.fields(AppSettings))
RUN_FIELDS = frozenset(f.name for f in dataclasses.fields(RunSettings))


def app_settings(options: dict) -> AppSettings:
    """AppSettings from keyword options, with an error naming any unknown one."""
    unknown = sorted(set(options) - APP_FIELDS)
    if unknown:
        raise TypeError(
            f"unknown server option(s) {', '.join(unknown)}; known: {', '.join(sorted(APP_FIELDS))}"
        )
    return AppSettings(**options)
