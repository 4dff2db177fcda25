"""The HTTP/1.1 protocol the runner gives uvicorn: a fast path for plain requests, h11 for the rest.

uvicorn's pure-Python h11 protocol costs more per request than parsing the
JSON and predicting together (~150 us on a busy 2-core machine). Most
inference traffic is the plainest HTTP/1.1: a request line, a few headers,
a Content-Length body, keep-alive. This protocol parses exactly that with a
few byte operations and runs the ASGI app on it; anything else on a
connection (HTTP/1.0, chunked or ``Expect`` uploads, upgrades, absolute
targets, duplicated Content-Length, control characters, an oversized head)
hands the connection to uvicorn's h11 implementation, which it subclasses,
for good: the fast path never guesses about an ambiguous request.

Responses go out in one write (status line, headers and body together), and
every accepted connection gets TCP_NODELAY. Why the latter matters: asyncio
turns Nagle's algorithm off only for sockets whose ``proto`` is IPPROTO_TCP;
a listening socket made with ``socket.socket(family)`` (proto 0), as uvicorn
does for ``--workers N``, passes that on to every connection, and h11's
three writes per response then wait ~40 ms each for the client's delayed
acknowledgement.

When a request arrives, the number of requests the process holds (received,
not yet answered, including those still waiting for the event loop) goes
into its scope as ``scope["mlarsenal.held"]``; the app answers 503 above
``max_queue``.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import re
import socket
from urllib.parse import unquote

from mlarsenal.serving._fastpath import HELD_KEY

logger = logging.getLogger("uvicorn.error")

MAX_HEAD_BYTES = 64 * 1024
# Request bodies buffered before the app reads them pause the socket beyond this.
HIGH_WATER_BYTES = 64 * 1024
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(rb"/[\x21-\x7e]*")
# Control characters, and CR or LF that are not part of a CRLF line end.
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|(?<!\r)\n")
_REASONS = {s.value: s.phrase.encode() for s in http.HTTPStatus}
_FALLBACK_HEADERS = frozenset({b"transfer-encoding", b"expect", b"upgrade"})


def enable_nodelay(sock) -> None:
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError):  # the peer is already gone
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def parse_head(head: bytes):
    """(method, target, headers, content_length, close) of a plain HTTP/1.1 head, else None.

    None means "not plain": h11 takes the connection from here.
    """
    if _FORBIDDEN.search(head) is not None:
        return None
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[2] != b"HTTP/1.1":
        return None
    method, target = parts[0], parts[1]
    if _TOKEN.fullmatch(method) is None or _TARGET.fullmatch(target) is None:
        return None
    headers, length, close, host = [], None, False, False
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            return None
        name = name.lower()
        value = value.strip(b" \t")
        if name == b"content-length":
            if length is not None or not value.isdigit():
                return None
            length = int(value)
        elif name in _FALLBACK_HEADERS:
            return None
        elif name == b"connection":
            tokens = [t.strip().lower() for t in value.split(b",")]
            if b"upgrade" in tokens:
                return None
            close = close or b"close" in tokens
        elif name == b"host":
            if host:
                return None
            host = True
        headers.append((name, value))
    if not host:
        return None
    return method, target, headers, length or 0, close


def protocol_class():
    """The protocol class (uvicorn is imported only when a server runs)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class FastHttpProtocol(H11Protocol):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._h11 = False  # the connection went to h11, for good
            self._buffer = bytearray()
            self._fast: _Cycle | None = None

        def connection_made(self, transport):
            enable_nodelay(transport.get_extra_info("socket"))
            super().connection_made(transport)

        # ------------------------------------------------------------ input
        def data_received(self, data: bytes) -> None:
            if self._h11:
                super().data_received(data)
                return
            self._unset_keepalive_if_required()
            cycle = self._fast
            if cycle is not None:
                if cycle.remaining:
                    data = cycle.feed(data)
                if data:
                    self._buffer += data  # the next request (pipelining): after this one
                    if len(self._buffer) > HIGH_WATER_BYTES:
                        self.flow.pause_reading()
                return
            if self._buffer:
                self._buffer += data
                data = bytes(self._buffer)
                self._buffer.clear()
            self._start(data)

        def _start(self, data: bytes) -> None:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                if len(data) > MAX_HEAD_BYTES:
                    self._to_h11(data)
                else:
                    self._buffer += data
                return
            parsed = parse_head(data[:end])
            if parsed is None:
                self._to_h11(data)
                return
            method, target, headers, length, close = parsed
            raw_path, _, query = target.partition(b"?")
            try:
                path = unquote(raw_path.decode("ascii"))
            except UnicodeDecodeError:
                self._to_h11(data)
                return
            scope = {
                "type": "http",
                "asgi": {"version": self.config.asgi_version, "spec_version": "2.3"},
                "http_version": "1.1",
                "server": self.server,
                "client": self.client,
                "scheme": self.scheme,
                "method": method.decode("ascii"),
                "root_path": self.root_path,
                "path": self.root_path + path,
                "raw_path": self.root_path.encode("ascii") + raw_path,
                "query_string": query,
                "headers": headers,
                "state": self.app_state.copy(),
            }
            app = self.app
            limit = self.limit_concurrency
            if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
                from uvicorn.protocols.http.flow_control import service_unavailable

                app = service_unavailable
            cycle = _Cycle(self, scope, length, keep_alive=not close)
            self._fast = cycle
            rest = cycle.feed(data[end + 4 :])
            if rest:
                self._buffer += rest
            task = self.loop.create_task(cycle.run(app))
            task.add_done_callback(self.tasks.discard)
            self.tasks.add(task)
            scope[HELD_KEY] = len(self.tasks)

        def _to_h11(self, data: bytes) -> None:
            self._h11 = True
            super().data_received(data)

        def handle_events(self):
            cycle = self.cycle
            super().handle_events()
            # A new h11 request cycle started: its task has not run yet and
            # shares this scope dict.
            if self.cycle is not cycle and self.cycle is not None:
                self.cycle.scope[HELD_KEY] = len(self.tasks)

        # ---------------------------------------------------------- output
        def response_complete(self, cycle: _Cycle) -> None:
            self.server_state.total_requests += 1
            if self._fast is cycle:
                self._fast = None
            if not cycle.keep_alive or cycle.remaining or self.transport.is_closing():
                self.transport.close()
                return
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
            self.flow.resume_reading()
            if self._buffer:
                data = bytes(self._buffer)
                self._buffer.clear()
                self._start(data)

        # ----------------------------------------------------------- state
        def connection_lost(self, exc):
            if self._fast is not None:
                self._fast.disconnect()
            super().connection_lost(exc)

        def shutdown(self):
            if self._h11:
                super().shutdown()
            elif self._fast is None:
                self.transport.close()
            else:
                self._fast.keep_alive = False

    return FastHttpProtocol


class _Cycle:
    """One fast-path request: its body as it arrives, the ASGI receive/send, the response."""

    def __init__(self, protocol, scope: dict, length: int, *, keep_alive: bool):
        self.protocol = protocol
        self.scope = scope
        self.keep_alive = keep_alive
        self.remaining = length
        self.body = bytearray()
        self.disconnected = False
        self.body_sent = False
        self.started = None  # (status, headers) of http.response.start
        self.chunked = False
        self.head_written = False
        self.complete = False
        self._waiter: asyncio.Future | None = None

    # ----------------------------------------------------------- request body
    def feed(self, data: bytes) -> bytes:
        """Take this request's body bytes from `data`; return what follows it."""
        if not self.remaining:
            return data
        take = data[: self.remaining]
        self.body += take
        self.remaining -= len(take)
        if self.remaining == 0 or len(self.body) > HIGH_WATER_BYTES:
            if self.remaining:
                self.protocol.flow.pause_reading()
            self._wake()
        return data[len(take) :]

    def disconnect(self) -> None:
        self.disconnected = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def _wait(self) -> None:
        self._waiter = self.protocol.loop.create_future()
        await self._waiter
        self._waiter = None

    async def receive(self) -> dict:
        if not self.body_sent:
            while self.remaining and not self.disconnected:
                self.protocol.flow.resume_reading()
                await self._wait()
            if not self.disconnected:
                self.body_sent = True
                body, self.body = bytes(self.body), bytearray()
                return {"type": "http.request", "body": body, "more_body": False}
        while not self.disconnected and not self.complete:
            await self._wait()  # nothing more to read: wait for the end
        return {"type": "http.disconnect"}

    # --------------------------------------------------------------- response
    async def send(self, message: dict) -> None:
        protocol = self.protocol
        if protocol.flow.write_paused and not self.disconnected:
            await protocol.flow.drain()
        if self.disconnected:
            return
        kind = message["type"]
        if self.started is None:
            if kind != "http.response.start":
                raise RuntimeError(f"Expected ASGI message 'http.response.start', got {kind!r}.")
            self.started = (message["status"], message.get("headers", ()))
            return
        if self.complete or kind != "http.response.body":
            raise RuntimeError(f"Unexpected ASGI message {kind!r} sent.")
        body = message.get("body", b"")
        more = message.get("more_body", False)
        out = self._head(len(body), more) if not self.head_written else b""
        if self.scope["method"] == "HEAD":
            body = b""
        if self.chunked:
            if body:
                out += b"%x\r\n%s\r\n" % (len(body), body)
            if not more:
                out += b"0\r\n\r\n"
        else:
            out += body
        if out:
            protocol.transport.write(out)
        if not more:
            self.complete = True
            self._wake()
            protocol.response_complete(self)

    def _head(self, length: int, more: bool) -> bytes:
        self.head_written = True
        status, headers = self.started
        protocol = self.protocol
        lines = [b"HTTP/1.1 %d %s" % (status, _REASONS.get(status, b""))]
        has_length = False
        for name, value in protocol.server_state.default_headers:
            lines.append(name + b": " + value)
        for name, value in headers:
            lower = name.lower()
            if lower == b"content-length":
                has_length = True
            elif lower == b"connection" and b"close" in value.lower():
                self.keep_alive = False
                continue
            lines.append(name + b": " + value)
        if not has_length:
            if more:
                self.chunked = True
                lines.append(b"transfer-encoding: chunked")
            else:
                lines.append(b"content-length: %d" % length)
        if not self.keep_alive or self.remaining:
            # Closing after this response: also when the app answered before
            # reading the whole body (a 413), whose rest is not worth reading.
            self.keep_alive = False
            lines.append(b"connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n"

    # -------------------------------------------------------------------- run
    async def run(self, app) -> None:
        try:
            result = await app(self.scope, self.receive, self.send)
        except BaseException as exc:
            logger.error("Exception in ASGI application", exc_info=exc)
            if self.started is None and not self.disconnected:
                await self._send_500()
            elif not self.complete:
                self.protocol.transport.close()
            if not isinstance(exc, Exception):
                raise
            return
        if result is not None:
            logger.error("ASGI callable should return None, but returned %r.", result)
            self.protocol.transport.close()
        elif self.started is None and not self.disconnected:
            logger.error("ASGI callable returned without starting response.")
            await self._send_500()
        elif not self.complete and not self.disconnected:
            logger.error("ASGI callable returned without completing response.")
            self.protocol.transport.close()

    async def _send_500(self) -> None:
        self.keep_alive = False
        await self.send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await self.send({"type": "http.response.body", "body": b"Internal Server Error"})
