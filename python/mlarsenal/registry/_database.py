"""The store's SQLite database: schema, and transactions that wait for other writers.

One file, ``registry.db``, in WAL mode with ``synchronous=FULL``: a committed
transaction survives the process being killed (and a power cut), readers never
block writers. Every operation runs in one transaction, retried as a whole
while another process holds the write lock: writers queue behind each other
instead of seeing "database is locked". Writes start with ``BEGIN IMMEDIATE``,
which takes the write lock up front, so a transaction never fails half way for
a lock it could not upgrade.

Each thread keeps one connection per database file, opened on first use (a
connection is never shared between threads). Keeping it open matters: when the
last connection to a WAL database closes, SQLite checkpoints and deletes the
WAL, several fsyncs that would otherwise be paid by every operation. A process
started by ``fork`` never touches (nor closes) a connection its parent opened;
it opens its own.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from mlarsenal.registry._errors import RegistryBusyError, RegistryError

T = TypeVar("T")

SCHEMA_VERSION = 1
DATABASE_FILE = "registry.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS registered_models (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    -- versions are numbered from this counter, so a deleted number is never reused
    last_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS model_versions (
    name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    run_id TEXT,
    data_fingerprint TEXT,
    feature_names TEXT,
    feature_dtypes TEXT,
    library_version TEXT NOT NULL,
    git_commit TEXT,
    PRIMARY KEY (name, version)
);
CREATE INDEX IF NOT EXISTS model_versions_sha256 ON model_versions(sha256);
CREATE TABLE IF NOT EXISTS model_tags (
    name TEXT NOT NULL REFERENCES registered_models(name) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE IF NOT EXISTS version_tags (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS version_metrics (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value REAL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS version_params (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS experiments (
    experiment_id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    start_time REAL NOT NULL,
    end_time REAL,
    parent_run_id TEXT
);
CREATE INDEX IF NOT EXISTS runs_experiment ON runs(experiment_id, start_time);
CREATE TABLE IF NOT EXISTS run_params (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS run_metrics (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    step INTEGER NOT NULL,
    value REAL,
    timestamp REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS run_metrics_key ON run_metrics(run_id, key, step);
CREATE TABLE IF NOT EXISTS run_tags (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE TABLE IF NOT EXISTS run_artifacts (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (run_id, path)
);
CREATE INDEX IF NOT EXISTS run_artifacts_sha256 ON run_artifacts(sha256);
"""

_BUSY_HANDLER_SECONDS = 0.1
# SQLITE_BUSY and SQLITE_LOCKED (primary codes; extended codes carry them in the low byte).
_BUSY_CODES = (5, 6)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    message = str(exc).lower()
    return "locked" in message or "busy" in message


# Per thread: database path -> (pid that opened it, connection).
_connections = threading.local()
# Connections inherited through fork: closing one in the child could checkpoint and
# delete the WAL under the parent, so they are kept referenced, never used, never closed.
_inherited: list[sqlite3.Connection] = []
# Database files whose schema this process has checked.
_ready: set[str] = set()


class Database:
    """Transactions on ``<root>/registry.db``; `wait_seconds` bounds the wait for other writers."""

    def __init__(self, root: str, *, wait_seconds: float = 120.0):
        self.root = root
        self.path = os.path.join(root, DATABASE_FILE)
        self.wait_seconds = float(wait_seconds)

    def exists(self) -> bool:
        return os.path.exists(self.path)

    # -------------------------------------------------------------- public API
    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(connection)`` in one read transaction (a consistent snapshot).

        A store that was never written reads as empty, without creating files.
        """
        if self.path not in _ready and not self.exists():
            connection = sqlite3.connect(":memory:", isolation_level=None)
            try:
                connection.executescript(_SCHEMA)
                return fn(connection)
            finally:
                connection.close()
        self._ensure_schema()
        return self._retry(fn, "BEGIN")

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(connection)`` in one write transaction, committed when it returns.

        `fn` may run more than once (it is retried while other writers hold
        the lock), so it does nothing but database work and idempotent steps.
        """
        self._ensure_schema()
        return self._retry(fn, "BEGIN IMMEDIATE")

    # ------------------------------------------------------------- internals
    def _connection(self) -> sqlite3.Connection:
        cache = getattr(_connections, "by_path", None)
        if cache is None:
            cache = _connections.by_path = {}
        entry = cache.get(self.path)
        if entry is not None:
            pid, connection = entry
            if pid == os.getpid():
                return connection
            _inherited.append(connection)
        # timeout: SQLite's own busy handler waits this long per attempt before
        # _retry sees SQLITE_BUSY and starts over; short, so that _retry's deadline
        # (wait_seconds, which differs between Registry objects sharing this
        # connection) is what bounds the wait.
        connection = sqlite3.connect(
            self.path, timeout=_BUSY_HANDLER_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = FULL")
        except BaseException:
            connection.close()
            raise
        cache[self.path] = (os.getpid(), connection)
        return connection

    def _drop_connection(self) -> None:
        entry = getattr(_connections, "by_path", {}).pop(self.path, None)
        if entry is not None and entry[0] == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                entry[1].close()

    def _retry(self, fn, begin: str):
        deadline = time.monotonic() + self.wait_seconds
        delay = 0.002
        while True:
            try:
                return self._transaction(fn, begin)
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise RegistryBusyError(
                        f"the registry database {self.path} stayed locked by other writers "
                        f"for {self.wait_seconds:g} s; nothing was changed, try again"
                    ) from exc
            # Jittered exponential backoff, so waiting writers do not retry in lockstep.
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.1)

    def _transaction(self, fn, begin: str):
        connection = self._connection()
        try:
            connection.execute(begin)
            result = fn(connection)
            connection.execute("COMMIT")
            return result
        except BaseException as exc:
            if connection.in_transaction:
                try:
                    connection.execute("ROLLBACK")
                except sqlite3.Error:
                    self._drop_connection()  # closing it rolls back
            elif isinstance(exc, sqlite3.Error) and not (
                isinstance(exc, sqlite3.OperationalError) and _is_busy(exc)
            ):
                self._drop_connection()  # whatever went wrong, start afresh next time
            raise

    def _ensure_schema(self) -> None:
        if self.path in _ready:
            return
        os.makedirs(self.root, exist_ok=True)

        def schema_version(connection) -> int:
            return connection.execute("PRAGMA user_version").fetchone()[0]

        if self._retry(schema_version, "BEGIN") != SCHEMA_VERSION:
            self._create()
        _ready.add(self.path)

    def _create(self) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while True:  # switching to WAL needs a moment alone with the file
            try:
                mode = self._connection().execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.01 * (0.5 + random.random()))
        if str(mode).lower() != "wal":
            raise RegistryError(
                f"cannot put {self.path} in WAL mode (got {mode!r}); the registry needs a "
                "local file system"
            )

        def create(connection):
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RegistryError(
                    f"the registry at {self.root} was written by a newer mlarsenal "
                    f"(schema {version}, this one reads {SCHEMA_VERSION}): upgrade mlarsenal"
                )
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

        self._retry(create, "BEGIN IMMEDIATE")
