"""Model files on disk: atomic writes, and loading from a path or from bytes."""

from __future__ import annotations

import contextlib
import os
import secrets

from mlarsenal._serialization.layout import MAGIC
from mlarsenal._serialization.reader import loads
from mlarsenal._serialization.registry import rebuild


def save(obj, path) -> None:
    """Write ``obj.to_bytes()`` to `path` atomically.

    The bytes go to a temporary file in the same directory, which is flushed,
    fsync-ed and renamed over `path`: a reader sees the old file or the whole
    new one, never a partial write, even if the process dies midway.
    """
    to_bytes = getattr(obj, "to_bytes", None)
    if not callable(to_bytes):
        raise TypeError(f"{type(obj).__name__} cannot be saved: it has no to_bytes() method")
    data = to_bytes()
    write_atomic(os.fspath(_check_path(path)), data)


def load(source, *, expected_kind: str | None = None, registry=None):
    """The model saved at `source`: a path (str or os.PathLike), the file's bytes, or a
    registry reference (``"models:/name@alias"``, ``"models:/name/3"``, ``"models:/name/latest"``).

    Returns the object of the kind recorded in the file (a
    :class:`mlarsenal.forest.Forest` for kind ``"forest"``). Raises
    ModelFormatError for anything that is not a valid model file, and
    TypeError when `source` is neither a path nor bytes-like. References are
    resolved against `registry` (a :class:`mlarsenal.registry.Registry` or its
    root folder), default ``$MLARSENAL_HOME``, else ``./mlarsenal-store``; only a
    str starting with ``models:/`` is a reference (a path object never is).
    """
    if isinstance(source, str) and source.startswith("models:/"):
        from mlarsenal.registry import Registry

        if not isinstance(registry, Registry):
            registry = Registry(registry)
        return registry.load(source, expected_kind=expected_kind)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = source
    else:
        with open(os.fspath(_check_path(source)), "rb") as f:
            data = f.read(len(MAGIC))
            if data != MAGIC:
                loads(data)  # raises: not a model file, or truncated
            data += f.read()
    kind, meta, arrays = loads(data, expected_kind=expected_kind)
    return rebuild(kind, meta, arrays)


def _check_path(path):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            "expected a path (str or os.PathLike) or the bytes of a model file "
            f"(bytes, bytearray, memoryview), got {type(path).__name__}"
        )
    return path


def write_atomic(path: str, data) -> None:
    """Replace the file at `path` by `data` in one rename (see :func:`save`).

    `data` is bytes-like, or an iterable of bytes-like chunks (written as they
    come; an exception raised by the iterable leaves the old file untouched).
    """
    directory, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never follow or reuse an existing file; mode 0o666 lets the umask decide.
    fd = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
    )
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, (bytes, bytearray, memoryview)):
                f.write(data)
            else:
                for chunk in data:
                    f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable (POSIX); not possible on every platform.
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
