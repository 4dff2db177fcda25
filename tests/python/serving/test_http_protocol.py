"""The HTTP/1.1 fast path: which heads it takes, and which it leaves to h11."""

import pytest

from mlarsenal.serving._protocol import parse_head


def head(*lines, request_line=b"POST /v2/models/m/infer HTTP/1.1"):
    return b"\r\n".join([request_line, *lines])


def test_plain_request_is_parsed():
    parsed = parse_head(head(b"Host: x", b"Content-Length: 12", b"X-Thing:  a b "))
    method, target, headers, length, close = parsed
    assert (method, target, length, close) == (b"POST", b"/v2/models/m/infer", 12, False)
    assert headers == [(b"host", b"x"), (b"content-length", b"12"), (b"x-thing", b"a b")]
    assert parse_head(head(b"Host: x", b"Connection: close"))[4] is True
    assert parse_head(head(b"Host: x", request_line=b"GET /v2/health/ready?x=1 HTTP/1.1"))


@pytest.mark.parametrize(
    "raw",
    [
        head(b"Host: x", request_line=b"GET / HTTP/1.0"),
        head(b"Host: x", request_line=b"GET http://x/ HTTP/1.1"),
        head(b"Host: x", request_line=b"GET  / HTTP/1.1"),
        head(b"Host: x", request_line=b"G@T / HTTP/1.1"),
        head(b"Content-Length: 3"),  # no Host
        head(b"Host: x", b"Host: y"),
        head(b"Host: x", b"Content-Length: 3", b"Content-Length: 3"),
        head(b"Host: x", b"Content-Length: -3"),
        head(b"Host: x", b"Transfer-Encoding: chunked"),
        head(b"Host: x", b"Expect: 100-continue"),
        head(b"Host: x", b"Connection: Upgrade", b"Upgrade: websocket"),
        head(b"Host: x", b"Bad Name: y"),
        head(b"Host: x", b" folded: y"),
        head(b"Host: x", b"X: a\x00b"),
        head(b"Host: x", b"X: a\nb"),
        head(b"Host: x\rX: y"),
    ],
)
def test_anything_unusual_goes_to_h11(raw):
    assert parse_head(raw) is None
