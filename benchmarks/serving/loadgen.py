"""A loopback HTTP/1.1 load generator, run in its own process (``python -m benchmarks.serving.loadgen``).

Every concurrent client has its own keep-alive connection (one in-flight
request per connection, no pipelining), driven by one ``selectors`` loop over
non-blocking sockets, so the generator costs a few tens of microseconds per
request and stays out of the way of the server it measures (which shares the
machine's cores). Requests are prepared bytes; responses are parsed just
enough to read the status and skip ``Content-Length`` bytes.

Modes (the JSON spec on stdin names one; the result is printed as JSON):

- ``sequential``: one connection, one request after another: latency.
- ``closed``: ``concurrency`` connections, each sending its next request when
  the previous answer arrives, for ``duration_s``: throughput and latency.
- ``open``: requests scheduled at ``rate`` per second regardless of answers,
  for ``duration_s``, on up to ``max_connections`` connections (opened as
  needed); latency counts from the scheduled time, so a slow server's
  backlog shows (no coordinated omission).
"""

from __future__ import annotations

import base64
import json
import selectors
import socket
import sys
import time
from collections import Counter, deque

import numpy as np

_HEADER_END = b"\r\n\r\n"


class Connection:
    """One keep-alive connection with at most one request in flight."""

    def __init__(self, address, *, blocking=False):
        self.sock = socket.create_connection(address)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.blocking = blocking
        self.sock.setblocking(blocking)
        self.buffer = b""
        self.started = None  # time the in-flight request counts from
        self.freed_at = 0.0  # when its last answer arrived (open loop)
        self.sent_at = 0.0
        self.closing = False

    def send(self, request: bytes, started: float) -> None:
        self.started = started
        # Blocking while sending: a large body may not fit the socket buffer at once.
        if self.blocking:
            self.sock.sendall(request)
            return
        self.sock.setblocking(True)
        self.sock.sendall(request)
        self.sock.setblocking(False)

    def read_response(self):
        """(status, complete) after reading what the socket has; raises ConnectionError."""
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buffer += chunk
        return self._parse()

    def _parse(self):
        end = self.buffer.find(_HEADER_END)
        if end < 0:
            return None, False
        head = self.buffer[:end].split(b"\r\n")
        status = int(head[0].split(b" ", 2)[1])
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                self.closing = True
        total = end + len(_HEADER_END) + length
        if len(self.buffer) < total:
            return None, False
        self.buffer = self.buffer[total:]
        return status, True

    def close(self):
        self.sock.close()


def sequential(address, requests, n, warmup):
    connection = Connection(address, blocking=True)
    latencies, statuses = [], Counter()
    for i in range(warmup + n):
        request = requests[i % len(requests)]
        start = time.perf_counter()
        connection.send(request, start)
        done = False
        while not done:
            status, done = connection.read_response()
        if i >= warmup:
            latencies.append(time.perf_counter() - start)
            statuses[status] += 1
    connection.close()
    return {"latencies": latencies, "statuses": statuses, "duration_s": sum(latencies)}


def closed_loop(address, requests, concurrency, duration_s):
    selector = selectors.DefaultSelector()
    latencies, statuses, errors = [], Counter(), Counter()
    sent = 0

    def launch(connection):
        nonlocal sent
        connection.send(requests[sent % len(requests)], time.perf_counter())
        sent += 1

    for _ in range(concurrency):
        connection = Connection(address)
        selector.register(connection.sock, selectors.EVENT_READ, connection)
    start = time.perf_counter()
    end = start + duration_s
    for key in list(selector.get_map().values()):
        launch(key.data)
    in_flight = concurrency
    while in_flight:
        for key, _ in selector.select(timeout=1.0):
            connection = key.data
            try:
                status, done = connection.read_response()
            except (ConnectionError, OSError) as exc:
                errors[type(exc).__name__] += 1
                selector.unregister(connection.sock)
                connection.close()
                in_flight -= 1
                continue
            if not done:
                continue
            now = time.perf_counter()
            latencies.append(now - connection.started)
            statuses[status] += 1
            if connection.closing or now >= end:
                selector.unregister(connection.sock)
                connection.close()
                in_flight -= 1
                if connection.closing and now < end:
                    replacement = Connection(address)
                    selector.register(replacement.sock, selectors.EVENT_READ, replacement)
                    launch(replacement)
                    in_flight += 1
                continue
            launch(connection)
    elapsed = time.perf_counter() - start
    selector.close()
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "duration_s": elapsed}


def open_loop(address, requests, rate, duration_s, max_connections, timeout_s=10.0, grace_s=2.0):
    selector = selectors.DefaultSelector()
    idle: deque[Connection] = deque()
    busy: set[Connection] = set()
    latencies, statuses, errors = [], Counter(), Counter()
    total = int(rate * duration_s)
    start = time.perf_counter() + 0.05
    next_index = 0
    waited_for_connection = 0  # requests sent late because every connection was busy
    unsent = 0
    while next_index < total or busy:
        now = time.perf_counter()
        if next_index < total and now > start + duration_s + grace_s:
            # The generator could not send them in time (every connection busy):
            # counted, not queued for ever.
            unsent = total - next_index
            total = next_index
        blocked = False
        while next_index < total and start + next_index / rate <= now:
            scheduled = start + next_index / rate
            if not idle and len(busy) < max_connections:
                try:
                    idle.append(Connection(address))
                except OSError as exc:
                    errors[type(exc).__name__] += 1
                    next_index += 1
                    continue
            if not idle:
                blocked = True  # the server holds every connection: wait for an answer
                break
            connection = idle.popleft()
            # A request that found every connection busy at its scheduled time
            # counts from then (the server's backlog: no coordinated omission);
            # otherwise from when it was sent (the generator's own scheduling
            # jitter is not the server's latency).
            busy_at_schedule = connection.freed_at > scheduled
            started = scheduled if busy_at_schedule else time.perf_counter()
            try:
                connection.send(requests[next_index % len(requests)], started)
            except OSError as exc:
                errors[type(exc).__name__] += 1
                connection.close()
                next_index += 1
                continue
            connection.sent_at = time.perf_counter()
            selector.register(connection.sock, selectors.EVENT_READ, connection)
            busy.add(connection)
            next_index += 1
        if blocked:
            waited_for_connection += 1
            wait = 0.05
        elif next_index < total:
            wait = max(0.0, min(start + next_index / rate - time.perf_counter(), 0.01))
        else:
            wait = 0.05
        for key, _ in selector.select(timeout=wait):
            connection = key.data
            try:
                status, done = connection.read_response()
            except (ConnectionError, OSError) as exc:
                errors[type(exc).__name__] += 1
                selector.unregister(connection.sock)
                busy.discard(connection)
                connection.close()
                continue
            if not done:
                continue
            latencies.append(time.perf_counter() - connection.started)
            statuses[status] += 1
            selector.unregister(connection.sock)
            busy.discard(connection)
            if connection.closing:
                connection.close()
            else:
                connection.freed_at = time.perf_counter()
                idle.append(connection)
        for connection in list(busy):
            if time.perf_counter() - connection.sent_at > timeout_s:
                errors["Timeout"] += 1
                selector.unregister(connection.sock)
                busy.discard(connection)
                connection.close()
    elapsed = time.perf_counter() - start
    for connection in idle:
        connection.close()
    selector.close()
    return {
        "latencies": latencies,
        "statuses": statuses,
        "errors": errors,
        "duration_s": elapsed,
        "times_all_connections_busy": waited_for_connection,
        "not_sent_in_time": unsent,
    }


def summarize(result: dict, rows_per_request: int) -> dict:
    latencies = np.asarray(result.pop("latencies")) * 1000
    n = len(latencies)
    duration = result["duration_s"]
    ok = result["statuses"].get(200, 0)
    summary = {
        "requests": n,
        "statuses": {str(k): v for k, v in sorted(result["statuses"].items())},
        "errors": dict(result.get("errors", {})),
        "duration_s": round(duration, 3),
        "requests_per_s": round(ok / duration, 1) if duration else None,
        "rows_per_s": round(ok * rows_per_request / duration) if duration else None,
    }
    if n:
        summary.update(
            p50_ms=round(float(np.percentile(latencies, 50)), 3),
            p90_ms=round(float(np.percentile(latencies, 90)), 3),
            p99_ms=round(float(np.percentile(latencies, 99)), 3),
            max_ms=round(float(latencies.max()), 3),
        )
    for key, value in result.items():
        if key not in summary and key not in ("statuses", "errors"):
            summary[key] = value
    return summary


def run(spec: dict) -> dict:
    address = (spec["host"], spec["port"])
    requests = [base64.b64decode(r) for r in spec["requests"]]
    mode = spec["mode"]
    if mode == "sequential":
        result = sequential(address, requests, spec["n"], spec.get("warmup", 100))
    elif mode == "closed":
        result = closed_loop(address, requests, spec["concurrency"], spec["duration_s"])
    elif mode == "open":
        result = open_loop(
            address, requests, spec["rate"], spec["duration_s"], spec.get("max_connections", 256)
        )
    else:
        raise ValueError(f"mode must be sequential, closed or open, got {mode!r}")
    return summarize(result, spec.get("rows_per_request", 1))


def main() -> int:
    print(json.dumps(run(json.load(sys.stdin))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
