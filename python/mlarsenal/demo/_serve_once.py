"""Serve a registered model on loopback, send one OIP v2 request with urllib, stop.

The server runs in this process (uvicorn in a thread) on a socket bound to a
free port beforehand, so no other program can take the port in between.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request

from mlarsenal._optional import import_optional

READY_TIMEOUT_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 30.0


@contextlib.contextmanager
def running_server(app, host: str = "127.0.0.1", port: int = 0):
    """Run the ASGI `app` on (host, port) in a thread; yield its base URL; stop it on exit."""
    uvicorn = import_optional("uvicorn", purpose="the demo's server")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    url = f"http://{host}:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    # uvicorn installs signal handlers only in the main thread; this one is not.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_ready(url, thread)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=READY_TIMEOUT_SECONDS)
        sock.close()


def _wait_ready(url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the server stopped while starting (see the messages above)")
        try:
            with urllib.request.urlopen(f"{url}/v2/health/ready", timeout=1.0) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"the server at {url} was not ready after {READY_TIMEOUT_SECONDS:.0f} s")


def infer(url: str, model_name: str, rows) -> dict:
    """POST one Open Inference Protocol v2 request for `rows` (a 2-D float array); the reply."""
    rows = [[float(v) for v in row] for row in rows]
    body = {
        "inputs": [
            {
                "name": "input-0",
                "shape": [len(rows), len(rows[0])],
                "datatype": "FP64",
                "data": [v for row in rows for v in row],
            }
        ]
    }
    request = urllib.request.Request(
        f"{url}/v2/models/{model_name}/infer",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise RuntimeError(f"the server answered {exc.code}: {detail}") from exc
