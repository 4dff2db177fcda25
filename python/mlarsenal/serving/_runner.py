"""Running the server: the listening socket, uvicorn, N worker processes, graceful shutdown.

The runner makes the listening socket itself (``IPPROTO_TCP``, TCP_NODELAY on,
so accepted connections inherit it) and hands it to uvicorn, in this process
(one worker) or in N spawned worker processes that share it. Each worker
builds its own app and loads its own models.

Shutdown on SIGTERM: readiness turns 503 at once, requests keep being served
for ``drain_s`` (so a load balancer stops sending), then the listener closes,
idle connections are closed, and every request already received is answered
(up to ``graceful_timeout_s``) before the process exits with status 0. SIGINT
skips the ``drain_s`` wait; a second SIGINT stops at once. With several
workers, the parent forwards SIGTERM to each and waits for them.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from multiprocessing.connection import wait as wait_for_processes

from mlarsenal._optional import import_optional
from mlarsenal.serving._logging import configure_logging
from mlarsenal.serving._metrics import MULTIPROC_VARIABLE
from mlarsenal.serving._settings import AppSettings, RunSettings
from mlarsenal.serving._sources import resolve_sources

logger = logging.getLogger("mlarsenal.serving")

EXIT_LOAD_FAILED = 3
BACKLOG = 2048
# A worker that dies this soon after starting is not restarted (a crash loop).
MIN_WORKER_LIFETIME_S = 10.0


def serve(
    models,
    *,
    registry=None,
    run: RunSettings | None = None,
    app: AppSettings | None = None,
) -> int:
    """Serve `models` until SIGTERM/SIGINT; the process's exit status (0 after a clean stop).

    `models` and `registry` are as for :func:`create_app`; `run` and `app`
    hold the options (defaults: ``RunSettings()``, ``AppSettings()``).
    """
    run = run or RunSettings()
    app = app or AppSettings()
    import_optional("uvicorn", purpose="mlarsenal serve")
    sources = resolve_sources(models)  # fails fast on a missing or non-model file
    if any(source.kind == "registry" for source in sources):
        _check_references(sources, registry)
    configure_logging(run.log_level, run.log_format)
    if registry is not None and not isinstance(registry, (str, os.PathLike)):
        # Workers get the registry's directory; the object itself may not pickle.
        registry = getattr(registry, "root", registry)
    sock = bind_socket(run.host, run.port)
    host, port = sock.getsockname()[:2]
    url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    logger.info(
        "listening",
        extra={"url": url, "workers": run.workers, "models": [s.name for s in sources]},
    )
    if run.workers == 1:
        return run_worker(models, registry, app, run, sock)
    return _supervise(models, registry, app, run, sock)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket whose accepted connections have TCP_NODELAY on."""
    infos = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Linux copies this onto accepted sockets; the protocol sets it again anyway.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run_worker(
    models, registry, app: AppSettings, run: RunSettings, sock, parent_pid: int | None = None
) -> int:
    """Serve on `sock` in this process until stopped; the exit status."""
    uvicorn = import_optional("uvicorn", purpose="mlarsenal serve")
    from mlarsenal.serving._app import create_app
    from mlarsenal.serving._protocol import protocol_class

    configure_logging(run.log_level, run.log_format)
    application = create_app(models, registry=registry, **dataclasses.asdict(app))
    service = application.state.serving
    config = uvicorn.Config(
        application,
        http=protocol_class(),
        ws="none",
        lifespan="on",
        log_config=None,
        log_level=run.log_level,
        access_log=False,
        timeout_keep_alive=run.keep_alive_s,
        timeout_graceful_shutdown=run.graceful_timeout_s,
        server_header=False,
    )
    server = draining_server(uvicorn, config, service, run.drain_s, parent_pid)
    service.on_load_failure = server.fail
    service.load_before_serving = run.workers > 1
    server.run(sockets=[sock])
    return server.exit_code


def _check_references(sources, registry) -> None:
    from mlarsenal.registry import Registry
    from mlarsenal.serving._store import resolve_version

    if registry is None or isinstance(registry, (str, os.PathLike)):
        registry = Registry(registry)
    for source in sources:
        if source.kind == "registry":
            resolve_version(registry, source.location)  # raises: no such model, alias, version


def draining_server(uvicorn, config, service, drain_s: float, parent_pid: int | None = None):
    """A uvicorn.Server whose SIGTERM drains first (see the module docstring).

    parent_pid: a worker's supervisor; if it dies (even by SIGKILL, which it
    cannot forward), the worker stops as on SIGTERM instead of serving on
    as an orphan.
    """

    class DrainingServer(uvicorn.Server):
        def __init__(self):
            super().__init__(config)
            self.exit_code = 0
            self._exit_at = None

        def handle_exit(self, sig, frame):
            # Unlike uvicorn's, this does not re-raise the signal after the
            # shutdown: a drained stop exits with status 0.
            if self._exit_at is not None:
                self.should_exit = True
                if sig == signal.SIGINT:
                    self.force_exit = True
                return
            service.begin_drain()
            wait = 0.0 if sig == signal.SIGINT else drain_s
            self._exit_at = time.monotonic() + wait

        async def on_tick(self, counter):
            if parent_pid is not None and self._exit_at is None and os.getppid() != parent_pid:
                logger.warning("the supervising process is gone; stopping")
                self.handle_exit(signal.SIGTERM, None)
            if self._exit_at is not None and time.monotonic() >= self._exit_at:
                self.should_exit = True
            return await super().on_tick(counter)

        def fail(self, names):
            logger.error("models failed to load; stopping", extra={"models": names})
            self.exit_code = EXIT_LOAD_FAILED
            self.should_exit = True

    return DrainingServer()


# ------------------------------------------------------------------ workers
def _worker_main(models, registry, app, run, sock, parent_pid) -> None:
    os._exit(run_worker(models, registry, app, run, sock, parent_pid))


def _supervise(models, registry, app: AppSettings, run: RunSettings, sock) -> int:
    context = multiprocessing.get_context("spawn")
    metrics_dir = None
    if not os.environ.get(MULTIPROC_VARIABLE):
        # Workers share their metrics through files here (see _metrics).
        metrics_dir = tempfile.mkdtemp(prefix="mlarsenal-metrics-")
        os.environ[MULTIPROC_VARIABLE] = metrics_dir
    stopping = []

    def start():
        process = context.Process(
            target=_worker_main,
            args=(models, registry, app, run, sock, os.getpid()),
            daemon=False,
        )
        process.start()
        return process, time.monotonic()

    def forward(sig, frame):
        stopping.append(sig)
        for process, _ in workers:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)

    workers = [start() for _ in range(run.workers)]
    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    exit_code = 0
    try:
        while not stopping:
            wait_for_processes([p.sentinel for p, _ in workers], timeout=1.0)
            for i, (process, started) in enumerate(workers):
                if process.is_alive() or stopping:
                    continue
                code = process.exitcode
                _mark_dead(process.pid)
                if code == EXIT_LOAD_FAILED or time.monotonic() - started < MIN_WORKER_LIFETIME_S:
                    logger.error(
                        "worker failed; stopping the server",
                        extra={"pid": process.pid, "exit_code": code},
                    )
                    exit_code = EXIT_LOAD_FAILED if code == EXIT_LOAD_FAILED else 1
                    forward(signal.SIGTERM, None)
                    break
                logger.warning(
                    "worker died; starting another", extra={"pid": process.pid, "exit_code": code}
                )
                workers[i] = start()
        deadline = time.monotonic() + run.drain_s + run.graceful_timeout_s + 10
        for process, _ in workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
            if process.exitcode not in (0, None) and exit_code == 0 and not stopping:
                exit_code = 1
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            os.environ.pop(MULTIPROC_VARIABLE, None)
    logger.info("server stopped", extra={"exit_code": exit_code})
    return exit_code


def _mark_dead(pid: int) -> None:
    if os.environ.get(MULTIPROC_VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
