"""Registry: registered models with numbered versions, aliases, tags, metrics, params and lineage."""

from __future__ import annotations

import json
import numbers
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlarsenal._serialization import ModelFormatError, loads
from mlarsenal._serialization import load as load_model_file
from mlarsenal._version import __version__
from mlarsenal.registry._artifacts import ArtifactStore
from mlarsenal.registry._database import Database
from mlarsenal.registry._errors import ArtifactIntegrityError, NotFoundError
from mlarsenal.registry._lineage import Lineage, current_git_commit, data_fingerprint, feature_info
from mlarsenal.registry._names import (
    ModelReference,
    check_alias,
    check_key,
    check_name,
    check_version,
    parse_reference,
)

DEFAULT_ROOT = "mlarsenal-store"
HOME_VARIABLE = "MLARSENAL_HOME"
_AUTO = "auto"


def default_root() -> str:
    """``$MLARSENAL_HOME`` if set, else ``./mlarsenal-store`` (absolute, from the working directory)."""
    return os.path.abspath(os.environ.get(HOME_VARIABLE) or DEFAULT_ROOT)


@dataclass(frozen=True)
class ModelVersion:
    """One registered version: what ``register`` returned, or ``get_version`` reads back."""

    name: str
    version: int
    sha256: str
    size: int
    kind: str
    created_at: float
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    lineage: Lineage = field(default_factory=Lineage)

    @property
    def uri(self) -> str:
        """``models:/<name>/<version>``, accepted wherever a model path is."""
        return f"models:/{self.name}/{self.version}"


@dataclass(frozen=True)
class RegisteredModel:
    """A registered model: its versions' numbers, its aliases (alias -> version) and tags."""

    name: str
    description: str
    created_at: float
    updated_at: float
    versions: tuple[int, ...]
    aliases: dict[str, int] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def latest_version(self) -> int | None:
        return self.versions[-1] if self.versions else None


class Registry:
    """A model registry and experiment store in one directory: SQLite metadata, SHA-256 artifacts.

    Parameters
    ----------
    root : str or os.PathLike, optional
        The store's directory; default ``$MLARSENAL_HOME``, else ``./mlarsenal-store``.
        Created on the first write; reading a store that does not exist finds it empty.
    wait_seconds : float
        How long an operation waits for other processes' writes before
        raising RegistryBusyError (writers queue; they never see "database is locked").

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> from mlarsenal import GradientBoostingRegressor
    >>> from mlarsenal.registry import Registry
    >>> X = np.random.default_rng(0).normal(size=(200, 3)); y = X[:, 0] * 2
    >>> registry = Registry(tempfile.mkdtemp())
    >>> mv = registry.register("demand", GradientBoostingRegressor(max_iter=5).fit(X, y),
    ...                        X=X, y=y, metrics={"rmse": 0.41})
    >>> mv.name, mv.version, mv.uri
    ('demand', 1, 'models:/demand/1')
    >>> registry.set_alias("demand", "champion", 1)
    >>> model = registry.load("demand@champion")
    >>> model.predict(X[:2]).shape
    (2,)
    """

    def __init__(self, root=None, *, wait_seconds: float = 120.0):
        if root is None:
            root = default_root()
        elif not isinstance(root, (str, os.PathLike)):
            raise TypeError(f"root must be a path (str or os.PathLike), got {type(root).__name__}")
        self.root = os.path.abspath(os.fspath(root))
        self._db = Database(self.root, wait_seconds=wait_seconds)
        self._artifacts = ArtifactStore(self.root)

    def __repr__(self) -> str:
        return f"Registry({self.root!r})"

    # ---------------------------------------------------------------- register
    def register(
        self,
        name: str,
        model,
        *,
        description: str | None = None,
        tags: Mapping[str, Any] | None = None,
        metrics: Mapping[str, float] | None = None,
        params: Mapping[str, Any] | None = None,
        aliases=(),
        X=None,
        y=None,
        run_id: str | None = _AUTO,
        git_commit: str | None = _AUTO,
    ) -> ModelVersion:
        """Store `model` as the next version of `name` (created if new); returns its ModelVersion.

        model: a fitted mlarsenal model (anything with ``to_bytes()``), the bytes
        of a model file, or a model file's path. Invalid model files are refused.
        params default to the model's ``get_params()`` (values that are not JSON are
        stored as their str()).
        aliases are pointed at the new version in the same transaction.
        X, y: the training data, fingerprinted (and X's column names and dtypes
        recorded) for the lineage. run_id: the tracking run that made the model,
        default the active run of this store if any. git_commit: default the
        HEAD of the working directory's repository, if any; None records none.

        The artifact is durable (fsync-ed, renamed, directory fsync-ed) before
        the version is committed in one transaction: a version that exists
        always has its whole artifact, whenever the process is killed.
        """
        check_name(name)
        description = _check_text(description or "", "description")
        tags = _check_tags(tags)
        metrics = _check_metrics(metrics)
        aliases = tuple(
            check_alias(a) for a in ([aliases] if isinstance(aliases, str) else aliases)
        )
        data = _model_bytes(model)
        try:
            kind, meta, _ = loads(data)
        except ModelFormatError as exc:
            raise ModelFormatError(f"cannot register {name!r}: {exc}") from exc
        if params is None:
            params = _model_params(model)
        params = _check_params(params)
        if run_id == _AUTO:
            run_id = _active_run_id(self.root)
        elif run_id is not None:
            run_id = check_key(run_id, "run_id")
        if git_commit == _AUTO:
            git_commit = current_git_commit()
        feature_names, feature_dtypes = feature_info(X, model, meta)
        lineage = Lineage(
            data_fingerprint=None if X is None else data_fingerprint(X, y),
            feature_names=feature_names,
            feature_dtypes=feature_dtypes,
            library_version=__version__,
            git_commit=git_commit,
            run_id=run_id,
        )

        digest, size = self._artifacts.put(data)  # durable before any row points at it
        now = time.time()

        def commit(db) -> int:
            if run_id is not None and not _exists(db, "runs", run_id=run_id):
                raise NotFoundError(f"no run {run_id!r} in {self.root}")
            # Another process may have removed the (then unreferenced) object since put().
            self._artifacts.ensure(digest, data)
            db.execute(
                "INSERT OR IGNORE INTO registered_models (name, created_at, updated_at) "
                "VALUES (?, ?, ?)",
                (name, now, now),
            )
            db.execute(
                "UPDATE registered_models SET last_version = last_version + 1, updated_at = ? "
                "WHERE name = ?",
                (now, name),
            )
            (version,) = db.execute(
                "SELECT last_version FROM registered_models WHERE name = ?", (name,)
            ).fetchone()
            db.execute(
                "INSERT INTO model_versions (name, version, sha256, size, kind, description, "
                "created_at, run_id, data_fingerprint, feature_names, feature_dtypes, "
                "library_version, git_commit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    version,
                    digest,
                    size,
                    kind,
                    description,
                    now,
                    run_id,
                    lineage.data_fingerprint,
                    _json_or_none(feature_names),
                    _json_or_none(feature_dtypes),
                    lineage.library_version,
                    git_commit,
                ),
            )
            _insert_items(db, "version_tags", name, version, tags)
            _insert_items(db, "version_metrics", name, version, metrics)
            _insert_items(db, "version_params", name, version, params)
            for alias in aliases:
                _set_alias(db, name, alias, version)
            return version

        version = self._db.write(commit)
        return ModelVersion(
            name=name,
            version=version,
            sha256=digest,
            size=size,
            kind=kind,
            created_at=now,
            description=description,
            tags=tags,
            metrics=metrics,
            params={k: json.loads(v) for k, v in params.items()},
            aliases=tuple(sorted(set(aliases))),
            lineage=lineage,
        )

    # ------------------------------------------------------------------- read
    def list_models(self) -> list[RegisteredModel]:
        """Every registered model, by name."""
        return self._db.read(lambda db: _models(db, None))

    def get_model(self, name: str) -> RegisteredModel:
        check_name(name)
        models = self._db.read(lambda db: _models(db, name))
        if not models:
            raise NotFoundError(f"no registered model {name!r} in {self.root}")
        return models[0]

    def list_versions(self, name: str) -> list[ModelVersion]:
        """Every version of model `name`, oldest first (NotFoundError for an unknown model)."""
        check_name(name)

        def read(db):
            if not _exists(db, "registered_models", name=name):
                raise NotFoundError(f"no registered model {name!r} in {self.root}")
            return _versions(db, name)

        return self._db.read(read)

    def get_version(self, name: str, version: int) -> ModelVersion:
        return self.resolve(ModelReference(check_name(name), version=check_version(version)))

    def resolve(self, reference) -> ModelVersion:
        """The ModelVersion a reference names: ``"name@alias"``, ``"name/3"``,
        ``"name/latest"`` (each optionally prefixed ``models:/``) or a ModelReference."""
        ref = reference if isinstance(reference, ModelReference) else parse_reference(reference)
        return self._db.read(lambda db: self._resolve(db, ref))

    def _resolve(self, db, ref: ModelReference) -> ModelVersion:
        if not _exists(db, "registered_models", name=ref.name):
            raise NotFoundError(f"no registered model {ref.name!r} in {self.root}")
        if ref.alias is not None:
            row = db.execute(
                "SELECT version FROM aliases WHERE name = ? AND alias = ?", (ref.name, ref.alias)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"model {ref.name!r} has no alias {ref.alias!r}")
            version = row[0]
        elif ref.version is None:
            version = db.execute(
                "SELECT MAX(version) FROM model_versions WHERE name = ?", (ref.name,)
            ).fetchone()[0]
            if version is None:
                raise NotFoundError(f"model {ref.name!r} has no versions")
        else:
            version = ref.version
        found = _versions(db, ref.name, version)
        if not found:
            raise NotFoundError(f"model {ref.name!r} has no version {version}")
        return found[0]

    def load(self, reference, *, expected_kind: str | None = None):
        """The model a reference (see :meth:`resolve`) or a ModelVersion names, checked.

        The artifact's bytes are hashed and compared with the SHA-256 recorded
        at registration: a corrupted or tampered file raises ArtifactIntegrityError.
        """
        mv = reference if isinstance(reference, ModelVersion) else self.resolve(reference)
        try:
            data = self._artifacts.read(mv.sha256, mv.size, what=f"artifact of {mv.uri}")
        except ArtifactIntegrityError:
            self.get_version(mv.name, mv.version)  # NotFoundError if deleted meanwhile
            raise
        return load_model_file(data, expected_kind=expected_kind)

    # ----------------------------------------------------------------- update
    def set_alias(self, name: str, alias: str, version: int) -> None:
        """Point `alias` of model `name` at `version` (moving it if it pointed elsewhere)."""
        check_name(name)
        check_alias(alias)
        check_version(version)

        def write(db):
            if not _exists(db, "model_versions", name=name, version=version):
                raise NotFoundError(f"model {name!r} has no version {version}")
            _set_alias(db, name, alias, version)
            _touch(db, name)

        self._db.write(write)

    def delete_alias(self, name: str, alias: str) -> None:
        check_name(name)
        check_alias(alias)

        def write(db):
            if not db.execute(
                "DELETE FROM aliases WHERE name = ? AND alias = ?", (name, alias)
            ).rowcount:
                raise NotFoundError(f"model {name!r} has no alias {alias!r}")
            _touch(db, name)

        self._db.write(write)

    def set_tag(self, name: str, key: str, value, *, version: int | None = None) -> None:
        """Set a tag on model `name`, or on one of its versions."""
        ((key, value),) = _check_tags({key: value}).items()
        self._write_tag(name, version, key, value)

    def delete_tag(self, name: str, key: str, *, version: int | None = None) -> None:
        check_key(key, "tag key")
        self._write_tag(name, version, key, None)

    def set_description(self, name: str, description: str, *, version: int | None = None):
        description = _check_text(description, "description")
        check_name(name)

        def write(db):
            if version is None:
                changed = db.execute(
                    "UPDATE registered_models SET description = ? WHERE name = ?",
                    (description, name),
                ).rowcount
                what = f"no registered model {name!r}"
            else:
                changed = db.execute(
                    "UPDATE model_versions SET description = ? WHERE name = ? AND version = ?",
                    (description, name, check_version(version)),
                ).rowcount
                what = f"model {name!r} has no version {version}"
            if not changed:
                raise NotFoundError(what)
            _touch(db, name)

        self._db.write(write)

    def log_metrics(self, name: str, version: int, metrics: Mapping[str, float]) -> None:
        """Add (or overwrite) metrics of a version, e.g. from a later evaluation."""
        metrics = _check_metrics(metrics)
        check_name(name)
        check_version(version)

        def write(db):
            if not _exists(db, "model_versions", name=name, version=version):
                raise NotFoundError(f"model {name!r} has no version {version}")
            _insert_items(db, "version_metrics", name, version, metrics, replace=True)

        self._db.write(write)

    def _write_tag(self, name: str, version: int | None, key: str, value: str | None):
        """Set (or with value None, delete) a tag of model `name` or of one of its versions."""
        check_name(name)
        if version is None:
            table, where, args = "model_tags", "name = ?", (name,)
        else:
            table, where = "version_tags", "name = ? AND version = ?"
            args = (name, check_version(version))

        def write(db):
            if version is None and not _exists(db, "registered_models", name=name):
                raise NotFoundError(f"no registered model {name!r} in {self.root}")
            if version is not None and not _exists(
                db, "model_versions", name=name, version=version
            ):
                raise NotFoundError(f"model {name!r} has no version {version}")
            if value is None:
                deleted = db.execute(f"DELETE FROM {table} WHERE {where} AND key = ?", (*args, key))
                if not deleted.rowcount:
                    raise NotFoundError(f"no tag {key!r} to delete")
            else:
                columns = "name, key, value" if version is None else "name, version, key, value"
                marks = ", ".join("?" * (len(args) + 2))
                db.execute(
                    f"INSERT OR REPLACE INTO {table} ({columns}) VALUES ({marks})",
                    (*args, key, value),
                )
            _touch(db, name)

        self._db.write(write)

    # ----------------------------------------------------------------- delete
    def delete_version(self, name: str, version: int) -> None:
        """Delete one version (its aliases go with it); its artifact is removed if unused."""
        check_name(name)
        check_version(version)

        def write(db):
            row = db.execute(
                "SELECT sha256 FROM model_versions WHERE name = ? AND version = ?", (name, version)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"model {name!r} has no version {version}")
            db.execute("DELETE FROM model_versions WHERE name = ? AND version = ?", (name, version))
            _touch(db, name)
            return {row[0]}

        self._remove_unreferenced(self._db.write(write))

    def delete_model(self, name: str) -> None:
        """Delete a registered model with all its versions, aliases and tags."""
        check_name(name)

        def write(db):
            digests = {
                r[0]
                for r in db.execute("SELECT sha256 FROM model_versions WHERE name = ?", (name,))
            }
            if not db.execute("DELETE FROM registered_models WHERE name = ?", (name,)).rowcount:
                raise NotFoundError(f"no registered model {name!r} in {self.root}")
            return digests

        self._remove_unreferenced(self._db.write(write))

    def _remove_unreferenced(self, digests) -> None:
        # Under the write lock: a register() that reuses one of these objects
        # either committed its row first (and the object stays) or re-writes it
        # inside its own transaction (ArtifactStore.ensure).
        def write(db):
            for digest in digests:
                if not _referenced(db, digest):
                    self._artifacts.remove(digest)

        if digests:
            self._db.write(write)

    # ------------------------------------------------------------ maintenance
    def gc(self, *, grace_seconds: float = 3600.0) -> dict[str, int]:
        """Remove what killed writers left behind: temporary files, and artifacts no row uses.

        Only files older than `grace_seconds` are touched (a live writer's
        temporary file is younger). Returns counts of what was removed.
        """

        def write(db):
            referenced = _all_referenced(db)
            removed = 0
            for digest in self._artifacts.digests():
                if digest in referenced:
                    continue
                age = self._artifacts.age(digest)
                if age is not None and age >= grace_seconds:
                    self._artifacts.remove(digest)
                    removed += 1
            return removed

        removed = self._db.write(write) if self._db.exists() else 0
        temporaries = self._artifacts.remove_stale_temporaries(grace_seconds)
        return {"artifacts": removed, "temporary_files": temporaries}

    def verify(self) -> list[str]:
        """Problems found in the store (empty when sound): SQLite's integrity check, then
        every referenced artifact read back and hashed."""
        if not self._db.exists():
            return []

        def read(db):
            problems = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [
                f"foreign key violation in {r[0]}" for r in db.execute("PRAGMA foreign_key_check")
            ]
            objects = db.execute(
                "SELECT sha256, size, 'models:/' || name || '/' || version FROM model_versions "
                "UNION ALL SELECT sha256, size, 'run ' || run_id || ' artifact ' || path "
                "FROM run_artifacts"
            ).fetchall()
            return problems, objects

        problems, objects = self._db.read(read)
        for digest, size, what in objects:
            try:
                self._artifacts.read(digest, size, what=f"artifact of {what}")
            except ArtifactIntegrityError as exc:
                problems.append(str(exc))
        return problems


# ------------------------------------------------------------------ helpers


def _model_bytes(model) -> bytes:
    to_bytes = getattr(model, "to_bytes", None)
    if callable(to_bytes):
        return bytes(to_bytes())
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    if isinstance(model, (str, os.PathLike)):
        with open(os.fspath(model), "rb") as f:
            return f.read()
    raise TypeError(
        f"model must be a fitted mlarsenal model (with to_bytes()), a model file's bytes or its "
        f"path; got {type(model).__name__}"
    )


def _model_params(model) -> dict:
    get_params = getattr(model, "get_params", None)
    if not callable(get_params):
        return {}
    return dict(get_params(deep=False))


def _check_text(value, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    return value


def _check_tags(tags) -> dict[str, str]:
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise TypeError(f"tags must be a mapping, got {type(tags).__name__}")
    checked = {}
    for key, value in tags.items():
        check_key(key, "tag key")
        if not isinstance(value, (str, numbers.Real)):
            raise TypeError(f"tag {key!r} must be a str or a number, got {type(value).__name__}")
        checked[key] = str(value)
    return checked


def _check_metrics(metrics) -> dict[str, float]:
    if metrics is None:
        return {}
    if not isinstance(metrics, Mapping):
        raise TypeError(f"metrics must be a mapping, got {type(metrics).__name__}")
    checked = {}
    for key, value in metrics.items():
        check_key(key, "metric name")
        checked[key] = check_metric_value(value, key)
    return checked


def check_metric_value(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"metric {key!r} must be a real number, got {type(value).__name__}")
    return float(value)


def _check_params(params) -> dict[str, str]:
    """Params as JSON text (values that are not JSON are stored as their str())."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping, got {type(params).__name__}")
    return {check_key(k, "param name"): param_json(v) for k, v in params.items()}


def param_json(value) -> str:
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", None) == 0:
        value = value.item()  # numpy scalars
    try:
        return json.dumps(value, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError):
        return json.dumps(str(value))


def _json_or_none(values) -> str | None:
    return None if values is None else json.dumps(list(values))


def _tuple_or_none(text) -> tuple | None:
    return None if text is None else tuple(json.loads(text))


def _exists(db, table: str, **where) -> bool:
    condition = " AND ".join(f"{k} = ?" for k in where)
    query = f"SELECT 1 FROM {table} WHERE {condition} LIMIT 1"
    return db.execute(query, tuple(where.values())).fetchone() is not None


def _referenced(db, digest: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM model_versions WHERE sha256 = ? UNION ALL "
            "SELECT 1 FROM run_artifacts WHERE sha256 = ? LIMIT 1",
            (digest, digest),
        ).fetchone()
        is not None
    )


def _all_referenced(db) -> set[str]:
    rows = db.execute("SELECT sha256 FROM model_versions UNION SELECT sha256 FROM run_artifacts")
    return {r[0] for r in rows}


def _touch(db, name: str) -> None:
    db.execute("UPDATE registered_models SET updated_at = ? WHERE name = ?", (time.time(), name))


def _set_alias(db, name: str, alias: str, version: int) -> None:
    db.execute(
        "INSERT OR REPLACE INTO aliases (name, alias, version) VALUES (?, ?, ?)",
        (name, alias, version),
    )


def _insert_items(db, table: str, name: str, version: int, items: dict, *, replace=False):
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    db.executemany(
        f"{verb} INTO {table} (name, version, key, value) VALUES (?, ?, ?, ?)",
        [(name, version, k, v) for k, v in items.items()],
    )


def _grouped(db, query: str, args) -> dict:
    """{(name, version): {key: value}} from rows (name, version, key, value)."""
    out: dict = {}
    for name, version, key, value in db.execute(query, args):
        out.setdefault((name, version), {})[key] = value
    return out


def _versions(db, name: str, version: int | None = None) -> list[ModelVersion]:
    where, args = (
        ("name = ?", (name,))
        if version is None
        else (
            "name = ? AND version = ?",
            (name, version),
        )
    )
    rows = db.execute(
        "SELECT name, version, sha256, size, kind, description, created_at, run_id, "
        "data_fingerprint, feature_names, feature_dtypes, library_version, git_commit "
        f"FROM model_versions WHERE {where} ORDER BY version",
        args,
    ).fetchall()
    if not rows:
        return []
    tags = _grouped(db, f"SELECT name, version, key, value FROM version_tags WHERE {where}", args)
    metrics = _grouped(
        db, f"SELECT name, version, key, value FROM version_metrics WHERE {where}", args
    )
    params = _grouped(
        db, f"SELECT name, version, key, value FROM version_params WHERE {where}", args
    )
    aliases: dict = {}
    for n, v, alias in db.execute(
        f"SELECT name, version, alias FROM aliases WHERE {where} ORDER BY alias", args
    ):
        aliases.setdefault((n, v), []).append(alias)
    out = []
    for row in rows:
        (n, v, digest, size, kind, description, created, run_id, fingerprint, names, dtypes,
         library_version, git_commit) = row  # fmt: skip
        out.append(
            ModelVersion(
                name=n,
                version=v,
                sha256=digest,
                size=size,
                kind=kind,
                created_at=created,
                description=description,
                tags=tags.get((n, v), {}),
                # SQLite stores NaN as NULL.
                metrics={
                    k: float("nan") if x is None else x for k, x in metrics.get((n, v), {}).items()
                },
                params={k: json.loads(x) for k, x in params.get((n, v), {}).items()},
                aliases=tuple(aliases.get((n, v), ())),
                lineage=Lineage(
                    data_fingerprint=fingerprint,
                    feature_names=_tuple_or_none(names),
                    feature_dtypes=_tuple_or_none(dtypes),
                    library_version=library_version,
                    git_commit=git_commit,
                    run_id=run_id,
                ),
            )
        )
    return out


def _models(db, name: str | None) -> list[RegisteredModel]:
    where, args = ("", ()) if name is None else (" WHERE name = ?", (name,))
    models = db.execute(
        f"SELECT name, description, created_at, updated_at FROM registered_models{where} "
        "ORDER BY name",
        args,
    ).fetchall()
    versions: dict = {}
    for n, v in db.execute(
        f"SELECT name, version FROM model_versions{where} ORDER BY version", args
    ):
        versions.setdefault(n, []).append(v)
    aliases: dict = {}
    for n, a, v in db.execute(
        f"SELECT name, alias, version FROM aliases{where} ORDER BY alias", args
    ):
        aliases.setdefault(n, {})[a] = v
    tags: dict = {}
    for n, k, v in db.execute(f"SELECT name, key, value FROM model_tags{where}", args):
        tags.setdefault(n, {})[k] = v
    return [
        RegisteredModel(
            name=n,
            description=d,
            created_at=c,
            updated_at=u,
            versions=tuple(versions.get(n, ())),
            aliases=aliases.get(n, {}),
            tags=tags.get(n, {}),
        )
        for n, d, c, u in models
    ]


def _active_run_id(root: str) -> str | None:
    from mlarsenal.tracking._runs import active_run_id_in

    return active_run_id_in(root)
