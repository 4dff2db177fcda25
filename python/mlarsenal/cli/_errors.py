"""User-facing errors: a one-line message on stderr and exit status 1, no traceback.

Bad input (ValueError, TypeError), missing files (OSError), unknown registry
entries (LookupError) and missing optional extras (ImportError) are the user's
to fix, so the message is all they need; ``mlarsenal --debug`` shows the
traceback anyway. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import click

USER_ERRORS = (ValueError, TypeError, OSError, LookupError, ImportError)


def user_message(exc: BaseException) -> str:
    # str(KeyError("x")) is "'x'": show the message itself.
    if isinstance(exc, KeyError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc) or type(exc).__name__


class UserError(click.ClickException):
    """Printed by click as ``Error: <message>`` on stderr, exit status 1."""
