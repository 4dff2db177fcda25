"""Runs: params, metrics over steps, tags and artifacts, stored in a Registry's store."""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlarsenal.registry._errors import NotFoundError
from mlarsenal.registry._names import check_artifact_path, check_key
from mlarsenal.registry._registry import (
    Registry,
    _check_params,
    _check_tags,
    _model_params,
    check_metric_value,
)

DEFAULT_EXPERIMENT = "Default"
RUNNING, FINISHED, FAILED, KILLED = "RUNNING", "FINISHED", "FAILED", "KILLED"
_STATUSES = (RUNNING, FINISHED, FAILED, KILLED)
MODEL_ARTIFACT = "model.mlarsenal"


@dataclass(frozen=True)
class Metric:
    step: int
    value: float
    timestamp: float


@dataclass(frozen=True)
class Experiment:
    experiment_id: int
    name: str
    created_at: float


@dataclass(frozen=True)
class Run:
    """A run as stored: metrics hold each key's value at its highest step."""

    run_id: str
    experiment: str
    name: str
    status: str
    start_time: float
    end_time: float | None
    parent_run_id: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, int] = field(default_factory=dict)  # path -> size in bytes


# The active runs of this process, innermost last (shared by its threads, like MLflow's).
_ACTIVE: list[ActiveRun] = []
_LOCK = threading.RLock()


def _registry(registry) -> Registry:
    if registry is None:
        return Registry()
    if isinstance(registry, Registry):
        return registry
    return Registry(registry)


class ActiveRun:
    """A run being recorded; a context manager that ends it (FINISHED, or FAILED on an exception).

    Every ``log_*`` call is one committed transaction: what was logged survives
    the process being killed.
    """

    def __init__(self, registry: Registry, run_id: str, name: str, experiment: str):
        self.registry = registry
        self.run_id = run_id
        self.name = name
        self.experiment = experiment
        self._ended = False

    def __repr__(self) -> str:
        return f"<ActiveRun {self.name!r} ({self.run_id}) in {self.registry.root}>"

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.end(FINISHED)
        elif issubclass(exc_type, KeyboardInterrupt):
            self.end(KILLED)
        else:
            self.end(FAILED)

    # ------------------------------------------------------------------ logging
    def log_param(self, key: str, value) -> None:
        self.log_params({key: value})

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Params are fixed once logged: the same value again is fine, another is a ValueError."""
        self._log(params=_check_params(params))

    def log_metric(self, key: str, value: float, step: int | None = None) -> None:
        self.log_metrics({key: value}, step=step)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        """Record values at `step` (default: one after the key's last step, 0 for the first)."""
        if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
            raise TypeError(f"step must be an int, got {type(step).__name__}")
        if not isinstance(metrics, Mapping):
            raise TypeError(f"metrics must be a mapping, got {type(metrics).__name__}")
        rows = [
            (check_key(k, "metric name"), step, check_metric_value(v, k))
            for k, v in metrics.items()
        ]
        self._log(metrics=rows)

    def set_tag(self, key: str, value) -> None:
        self.set_tags({key: value})

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        self._log(tags=_check_tags(tags))

    def log_artifact(self, local_path, artifact_path: str | None = None) -> None:
        """Store the file at `local_path` under `artifact_path` (default: its file name)."""
        local_path = os.fspath(local_path)
        if not os.path.isfile(local_path):
            raise FileNotFoundError(f"no file {local_path!r} to log")
        path = check_artifact_path(artifact_path or os.path.basename(local_path))
        digest, size = self.registry._artifacts.put_file(local_path)
        self._log(artifacts=[(path, digest, size, local_path)])

    def log_bytes(self, data, artifact_path: str) -> None:
        check_artifact_path(artifact_path)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes-like, got {type(data).__name__}")
        data = bytes(data)
        digest, size = self.registry._artifacts.put(data)
        self._log(artifacts=[(artifact_path, digest, size, data)])

    def log_text(self, text: str, artifact_path: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        self.log_bytes(text.encode("utf-8"), artifact_path)

    def log_dict(self, obj, artifact_path: str) -> None:
        """`obj` as JSON (indent 2)."""
        self.log_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", artifact_path)

    def log_model(
        self,
        model,
        artifact_path: str = MODEL_ARTIFACT,
        *,
        registered_model_name: str | None = None,
        **register_kwargs,
    ):
        """Store the model file as an artifact; with `registered_model_name`, also register it
        (in this run's store, linked to this run) and return the ModelVersion."""
        to_bytes = getattr(model, "to_bytes", None)
        if not callable(to_bytes):
            raise TypeError(f"{type(model).__name__} has no to_bytes(): not an mlarsenal model")
        data = to_bytes()
        self.log_bytes(data, artifact_path)
        if registered_model_name is None:
            return None
        # The bytes carry no estimator to read params from: pass the model's along.
        register_kwargs.setdefault("params", _model_params(model))
        return self.registry.register(
            registered_model_name, data, run_id=self.run_id, **register_kwargs
        )

    def end(self, status: str = FINISHED) -> None:
        """Mark the run ended (idempotent) and make it inactive."""
        if status not in _STATUSES or status == RUNNING:
            raise ValueError(f"status must be one of FINISHED, FAILED, KILLED, got {status!r}")
        with _LOCK:
            if self in _ACTIVE:
                _ACTIVE.remove(self)
            if self._ended:
                return
            self._ended = True

        def write(db):
            db.execute(
                "UPDATE runs SET status = ?, end_time = ? WHERE run_id = ?",
                (status, time.time(), self.run_id),
            )

        self.registry._db.write(write)

    @property
    def info(self) -> Run:
        """The run as stored now."""
        return get_run(self.run_id, registry=self.registry)

    # ---------------------------------------------------------------- storage
    def _log(self, *, params=None, metrics=(), tags=None, artifacts=(), replace_params=False):
        now = time.time()
        run_id = self.run_id
        store = self.registry._artifacts

        def write(db):
            if db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone() is None:
                raise NotFoundError(f"run {run_id} no longer exists")
            for key, value in (params or {}).items():
                if not replace_params:
                    row = db.execute(
                        "SELECT value FROM run_params WHERE run_id = ? AND key = ?", (run_id, key)
                    ).fetchone()
                    if row is not None and row[0] != value:
                        raise ValueError(
                            f"param {key!r} of run {run_id} is already {row[0]}; params are "
                            f"fixed once logged (log a metric or a tag for changing values)"
                        )
                db.execute(
                    "INSERT OR REPLACE INTO run_params (run_id, key, value) VALUES (?, ?, ?)",
                    (run_id, key, value),
                )
            for key, step, value in metrics:
                if step is None:
                    step = db.execute(
                        "SELECT COALESCE(MAX(step) + 1, 0) FROM run_metrics "
                        "WHERE run_id = ? AND key = ?",
                        (run_id, key),
                    ).fetchone()[0]
                db.execute(
                    "INSERT INTO run_metrics (run_id, key, step, value, timestamp) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (run_id, key, step, value, now),
                )
            db.executemany(
                "INSERT OR REPLACE INTO run_tags (run_id, key, value) VALUES (?, ?, ?)",
                [(run_id, k, v) for k, v in (tags or {}).items()],
            )
            for path, digest, size, source in artifacts:
                # The object may have been collected since put(): write it again (see Registry).
                store.ensure(digest, source)
                db.execute(
                    "INSERT OR REPLACE INTO run_artifacts (run_id, path, sha256, size) "
                    "VALUES (?, ?, ?, ?)",
                    (run_id, path, digest, size),
                )

        self.registry._db.write(write)


# -------------------------------------------------------------- module API


def start_run(
    name: str | None = None,
    *,
    experiment: str = DEFAULT_EXPERIMENT,
    tags: Mapping[str, Any] | None = None,
    registry=None,
    nested: bool = False,
    parent_run_id: str | None = None,
) -> ActiveRun:
    """Start a run and make it the active one; use it as a context manager.

    name: default ``run-<first 8 hex digits of its id>``. experiment: created
    on first use. registry: a Registry or its root (default ``Registry()``).
    While a run is active, starting another needs ``nested=True`` (its parent
    is then the active run, unless `parent_run_id` says otherwise).

    >>> import tempfile
    >>> from mlarsenal import tracking
    >>> root = tempfile.mkdtemp()
    >>> with tracking.start_run("baseline", registry=root) as run:
    ...     run.log_param("max_iter", 100)
    ...     for loss in (0.9, 0.5, 0.4):
    ...         run.log_metric("loss", loss)
    >>> info = tracking.get_run(run.run_id, registry=root)
    >>> info.status, info.params, info.metrics
    ('FINISHED', {'max_iter': 100}, {'loss': 0.4})
    >>> [m.step for m in tracking.get_metric_history(run.run_id, "loss", registry=root)]
    [0, 1, 2]
    """
    registry = _registry(registry)
    experiment = check_key(experiment, "experiment name")
    tags = _check_tags(tags)
    run_id = uuid.uuid4().hex
    name = check_key(name, "run name") if name is not None else f"run-{run_id[:8]}"
    with _LOCK:
        if _ACTIVE and not nested:
            raise RuntimeError(
                f"run {_ACTIVE[-1].run_id} is active: end it first, or pass nested=True"
            )
        if nested and parent_run_id is None and _ACTIVE:
            parent_run_id = _ACTIVE[-1].run_id
    if parent_run_id is not None:
        check_key(parent_run_id, "parent_run_id")
    now = time.time()

    def write(db):
        if (
            parent_run_id is not None
            and db.execute("SELECT 1 FROM runs WHERE run_id = ?", (parent_run_id,)).fetchone()
            is None
        ):
            raise NotFoundError(f"no parent run {parent_run_id!r} in {registry.root}")
        db.execute(
            "INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)", (experiment, now)
        )
        (experiment_id,) = db.execute(
            "SELECT experiment_id FROM experiments WHERE name = ?", (experiment,)
        ).fetchone()
        db.execute(
            "INSERT INTO runs (run_id, experiment_id, name, status, start_time, parent_run_id) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, experiment_id, name, RUNNING, now, parent_run_id),
        )
        db.executemany(
            "INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)",
            [(run_id, k, v) for k, v in tags.items()],
        )

    registry._db.write(write)
    run = ActiveRun(registry, run_id, name, experiment)
    with _LOCK:
        _ACTIVE.append(run)
    return run


def active_run() -> ActiveRun | None:
    """The innermost active run of this process, or None."""
    with _LOCK:
        return _ACTIVE[-1] if _ACTIVE else None


def active_run_id_in(root: str) -> str | None:
    """The active run's id if it records into the store at `root` (used by Registry.register)."""
    run = active_run()
    return run.run_id if run is not None and run.registry.root == root else None


def end_run(status: str = FINISHED) -> None:
    """End the active run (no-op without one)."""
    run = active_run()
    if run is not None:
        run.end(status)


def _current() -> ActiveRun:
    run = active_run()
    if run is None:
        raise RuntimeError("no active run: start one with `with tracking.start_run(...):`")
    return run


def log_param(key: str, value) -> None:
    _current().log_param(key, value)


def log_params(params: Mapping[str, Any]) -> None:
    _current().log_params(params)


def log_metric(key: str, value: float, step: int | None = None) -> None:
    _current().log_metric(key, value, step)


def log_metrics(metrics: Mapping[str, float], step: int | None = None) -> None:
    _current().log_metrics(metrics, step)


def set_tag(key: str, value) -> None:
    _current().set_tag(key, value)


def set_tags(tags: Mapping[str, Any]) -> None:
    _current().set_tags(tags)


def log_artifact(local_path, artifact_path: str | None = None) -> None:
    _current().log_artifact(local_path, artifact_path)


def log_text(text: str, artifact_path: str) -> None:
    _current().log_text(text, artifact_path)


def log_dict(obj, artifact_path: str) -> None:
    _current().log_dict(obj, artifact_path)


def log_model(model, artifact_path: str = MODEL_ARTIFACT, **kwargs):
    return _current().log_model(model, artifact_path, **kwargs)


# ---------------------------------------------------------------- queries


def get_run(run_id: str, *, registry=None) -> Run:
    registry = _registry(registry)
    check_key(run_id, "run_id")
    runs = registry._db.read(lambda db: _runs(db, "r.run_id = ?", (run_id,)))
    if not runs:
        raise NotFoundError(f"no run {run_id!r} in {registry.root}")
    return runs[0]


def list_runs(
    experiment: str | None = None, *, registry=None, status: str | None = None
) -> list[Run]:
    """Runs, newest first; optionally of one experiment and/or with one status."""
    registry = _registry(registry)
    conditions, args = [], []
    if experiment is not None:
        conditions.append("e.name = ?")
        args.append(check_key(experiment, "experiment name"))
    if status is not None:
        if status not in _STATUSES:
            raise ValueError(f"status must be one of {', '.join(_STATUSES)}, got {status!r}")
        conditions.append("r.status = ?")
        args.append(status)
    where = " AND ".join(conditions) or "1"
    return registry._db.read(lambda db: _runs(db, where, tuple(args)))


def list_experiments(*, registry=None) -> list[Experiment]:
    registry = _registry(registry)
    rows = registry._db.read(
        lambda db: db.execute(
            "SELECT experiment_id, name, created_at FROM experiments ORDER BY experiment_id"
        ).fetchall()
    )
    return [Experiment(*row) for row in rows]


def get_metric_history(run_id: str, key: str, *, registry=None) -> list[Metric]:
    """Every value logged for `key`, by step (then by time)."""
    registry = _registry(registry)
    get_run(run_id, registry=registry)
    rows = registry._db.read(
        lambda db: db.execute(
            "SELECT step, value, timestamp FROM run_metrics WHERE run_id = ? AND key = ? "
            "ORDER BY step, timestamp, rowid",
            (run_id, check_key(key, "metric name")),
        ).fetchall()
    )
    return [Metric(s, float("nan") if v is None else v, t) for s, v, t in rows]


def read_artifact(run_id: str, artifact_path: str, *, registry=None) -> bytes:
    """The bytes of a run's artifact, checked against their SHA-256."""
    registry = _registry(registry)
    digest, size = _artifact_row(registry, run_id, artifact_path)
    return registry._artifacts.read(
        digest, size, what=f"artifact {artifact_path!r} of run {run_id}"
    )


def download_artifact(run_id: str, artifact_path: str, destination, *, registry=None) -> str:
    """Write a run's artifact to the file `destination` (checked, atomically); returns the path."""
    registry = _registry(registry)
    digest, _ = _artifact_row(registry, run_id, artifact_path)
    destination = os.fspath(destination)
    registry._artifacts.copy_to(
        digest, destination, what=f"artifact {artifact_path!r} of run {run_id}"
    )
    return destination


def load_model(run_id: str, artifact_path: str = MODEL_ARTIFACT, *, registry=None):
    """The model a run logged (``log_model``), checked like any model file."""
    from mlarsenal._serialization import load

    return load(read_artifact(run_id, artifact_path, registry=registry))


def _artifact_row(registry: Registry, run_id: str, artifact_path: str):
    check_key(run_id, "run_id")
    check_artifact_path(artifact_path)
    row = registry._db.read(
        lambda db: db.execute(
            "SELECT sha256, size FROM run_artifacts WHERE run_id = ? AND path = ?",
            (run_id, artifact_path),
        ).fetchone()
    )
    if row is None:
        raise NotFoundError(f"run {run_id} has no artifact {artifact_path!r}")
    return row


def _runs(db, where: str, args: tuple) -> list[Run]:
    selected = f"SELECT r.run_id FROM runs r JOIN experiments e USING (experiment_id) WHERE {where}"
    rows = db.execute(
        "SELECT r.run_id, e.name, r.name, r.status, r.start_time, r.end_time, r.parent_run_id "
        f"FROM runs r JOIN experiments e USING (experiment_id) WHERE {where} "
        "ORDER BY r.start_time DESC, r.rowid DESC",
        args,
    ).fetchall()
    if not rows:
        return []
    parts = ("params", "metrics", "tags", "artifacts")
    grouped = {r[0]: {part: {} for part in parts} for r in rows}
    queries = {
        "params": "SELECT run_id, key, value FROM run_params",
        # Ordered so that each key ends at its value of the highest step (latest among equals).
        "metrics": "SELECT run_id, key, value FROM run_metrics",
        "tags": "SELECT run_id, key, value FROM run_tags",
        "artifacts": "SELECT run_id, path, size FROM run_artifacts",
    }
    order = {
        "metrics": " ORDER BY run_id, key, step, timestamp, rowid",
        "artifacts": " ORDER BY path",
    }
    for part, query in queries.items():
        for run_id, key, value in db.execute(
            f"{query} WHERE run_id IN ({selected}){order.get(part, '')}", args
        ):
            if part == "params":
                value = json.loads(value)
            elif part == "metrics" and value is None:
                value = float("nan")  # SQLite stores NaN as NULL
            grouped[run_id][part][key] = value
    return [
        Run(
            run_id=run_id,
            experiment=experiment,
            name=name,
            status=status,
            start_time=start,
            end_time=end,
            parent_run_id=parent,
            **grouped[run_id],
        )
        for run_id, experiment, name, status, start, end, parent in rows
    ]


@atexit.register
def _end_runs_at_exit() -> None:
    # A run still open when the interpreter exits normally did not fail: finish it.
    while True:
        run = active_run()
        if run is None:
            return
        try:
            run.end(FINISHED)
        except Exception:  # the store may be gone; nothing useful to do at exit
            with _LOCK:
                if run in _ACTIVE:
                    _ACTIVE.remove(run)
