"""The one error type a request can end with: an HTTP status and a message for the client.

Messages are written for the client: they name the request field and what is
wrong with it, and never carry a filesystem path, a traceback or an internal
exception's text (those go to the server log only).
"""

from __future__ import annotations


class RequestError(Exception):
    """Ends a request with `status` and ``{"error": message}``."""

    def __init__(self, status: int, message: str, *, headers: tuple = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = tuple(headers)


def bad_request(message: str) -> RequestError:
    """400: the body cannot be read at all (not JSON, bad framing)."""
    return RequestError(400, message)


def invalid(message: str) -> RequestError:
    """422: well-formed, but not a request this model can answer (shape, dtype, names)."""
    return RequestError(422, message)


def not_found(message: str) -> RequestError:
    return RequestError(404, message)


def unavailable(message: str, retry_after_s: int = 1) -> RequestError:
    """503 with Retry-After: overloaded, shutting down, or the model is not loaded yet."""
    return RequestError(503, message, headers=((b"retry-after", str(retry_after_s).encode()),))


def too_large(limit: int) -> RequestError:
    return RequestError(
        413, f"request body is larger than the server's limit of {limit:,} bytes (max_body_bytes)"
    )


def timed_out(seconds: float) -> RequestError:
    return RequestError(
        504, f"the prediction did not finish within {seconds:g} s (request_timeout_s)"
    )
