"""The content-addressed artifact store: files named by the SHA-256 of their bytes.

``<root>/artifacts/sha256/<first 2 hex digits>/<64 hex digits>``. A file is
written to a temporary name in its final directory, flushed, fsync-ed and
renamed (``write_atomic``), and the directory is fsync-ed, before any database
row refers to it: a committed version's artifact is always whole. No path is
ever derived from a user-given name, only from a digest this module computed.
Every read re-hashes the bytes, so a corrupted or tampered file is an
ArtifactIntegrityError, never a silently different model.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Iterable, Iterator

from mlarsenal._serialization.files import _fsync_directory, write_atomic
from mlarsenal.registry._errors import ArtifactIntegrityError

CHUNK_BYTES = 1 << 20
_DIGEST = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data) -> str:
    return hashlib.sha256(data).hexdigest()


class ArtifactStore:
    def __init__(self, root: str):
        self.directory = os.path.join(root, "artifacts", "sha256")

    def path(self, digest: str) -> str:
        if not isinstance(digest, str) or _DIGEST.fullmatch(digest) is None:
            raise ValueError(f"not a SHA-256 hex digest: {digest!r}")
        return os.path.join(self.directory, digest[:2], digest)

    # ------------------------------------------------------------------ write
    def put(self, data) -> tuple[str, int]:
        """Store `data` (bytes-like); returns (digest, size). Idempotent."""
        digest = sha256_hex(data)
        self._write(digest, data)
        return digest, len(data)

    def put_file(self, source: str) -> tuple[str, int]:
        """Store the file at `source` (streamed, never read whole); returns (digest, size)."""
        hasher, size = hashlib.sha256(), 0
        for chunk in _chunks(source):
            hasher.update(chunk)
            size += len(chunk)
        digest = hasher.hexdigest()
        # The second pass re-hashes what it copies: a file changed in between is refused.
        self._write(digest, _verified(_chunks(source), digest, source))
        return digest, size

    def ensure(self, digest: str, source) -> None:
        """Write the object again if it is missing (another process removed it meanwhile).

        `source`: the bytes, or the path of the file, that `put`/`put_file` stored.
        """
        if os.path.exists(self.path(digest)):
            return
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._write(digest, source)
        else:
            self._write(digest, _verified(_chunks(source), digest, source))

    def _write(self, digest: str, data) -> None:
        path = self.path(digest)
        if self._intact(path, digest):
            return  # the same bytes are stored already
        shard = os.path.dirname(path)
        if not os.path.isdir(shard):
            os.makedirs(shard, exist_ok=True)
            # The new directory entries must be durable before a row points below them.
            _fsync_directory(os.path.dirname(shard))
            _fsync_directory(os.path.dirname(os.path.dirname(shard)))
        write_atomic(path, data)

    @staticmethod
    def _intact(path: str, digest: str) -> bool:
        try:
            return _file_digest(path) == digest
        except FileNotFoundError:
            return False

    # ------------------------------------------------------------------- read
    def read(self, digest: str, size: int | None = None, *, what: str = "artifact") -> bytes:
        """The bytes of object `digest`, checked against it (ArtifactIntegrityError if not)."""
        path = self.path(digest)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise ArtifactIntegrityError(
                f"the {what} is missing from the artifact store (expected {path})"
            ) from None
        found = sha256_hex(data)
        if found != digest or (size is not None and len(data) != size):
            raise ArtifactIntegrityError(
                f"the {what} failed its SHA-256 check: expected {digest}, found {found} "
                f"({len(data)} bytes in {path}); the file was corrupted or tampered with"
            )
        return data

    def copy_to(self, digest: str, destination: str, *, what: str = "artifact") -> None:
        """Write object `digest` to `destination` (atomically, checked as it is copied)."""
        path = self.path(digest)
        if not os.path.exists(path):
            raise ArtifactIntegrityError(
                f"the {what} is missing from the artifact store (expected {path})"
            )
        try:
            write_atomic(destination, _verified(_chunks(path), digest, path))
        except _Mismatch as exc:
            raise ArtifactIntegrityError(
                f"the {what} failed its SHA-256 check: expected {digest}, found {exc.found} "
                f"(in {path}); the file was corrupted or tampered with"
            ) from None

    # ---------------------------------------------------------------- cleanup
    def remove(self, digest: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(digest))

    def digests(self) -> Iterator[str]:
        """Every stored object's digest (from the file names)."""
        if not os.path.isdir(self.directory):
            return
        for shard in sorted(os.listdir(self.directory)):
            shard_path = os.path.join(self.directory, shard)
            if not os.path.isdir(shard_path):
                continue
            for name in sorted(os.listdir(shard_path)):
                if _DIGEST.fullmatch(name) and name.startswith(shard):
                    yield name

    def remove_stale_temporaries(self, older_than: float) -> int:
        """Delete temporary files left by killed writers, if older than `older_than` seconds."""
        removed = 0
        if not os.path.isdir(self.directory):
            return removed
        cutoff = time.time() - older_than
        for shard in os.listdir(self.directory):
            shard_path = os.path.join(self.directory, shard)
            if not os.path.isdir(shard_path):
                continue
            for name in os.listdir(shard_path):
                if not (name.startswith(".") and name.endswith(".tmp")):
                    continue
                path = os.path.join(shard_path, name)
                with contextlib.suppress(FileNotFoundError):
                    if os.stat(path).st_mtime < cutoff:
                        os.unlink(path)
                        removed += 1
        return removed

    def age(self, digest: str) -> float | None:
        try:
            return time.time() - os.stat(self.path(digest)).st_mtime
        except FileNotFoundError:
            return None


class _Mismatch(ValueError):
    def __init__(self, found: str, source: str):
        super().__init__(f"{source} changed while it was being stored")
        self.found = found


def _chunks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk


def _verified(chunks: Iterable[bytes], digest: str, source: str) -> Iterator[bytes]:
    """`chunks` passed through; raises _Mismatch at the end if they do not hash to `digest`."""
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
        yield chunk
    if hasher.hexdigest() != digest:
        raise _Mismatch(hasher.hexdigest(), source)


def _file_digest(path: str) -> str:
    hasher = hashlib.sha256()
    for chunk in _chunks(path):
        hasher.update(chunk)
    return hasher.hexdigest()
