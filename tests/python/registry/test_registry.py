"""Registry: versions, aliases, references, lineage, names, integrity checks, clean-up."""

from __future__ import annotations

import hashlib
import math
import os
import pathlib
import sqlite3
import threading

import numpy as np
import pytest
from registry_models import forest_file, regressor, training_data

import mlarsenal
from mlarsenal import ModelFormatError
from mlarsenal.registry import (
    ArtifactIntegrityError,
    ModelReference,
    NotFoundError,
    Registry,
    RegistryBusyError,
    RegistryError,
    data_fingerprint,
    parse_reference,
)
from mlarsenal.registry._database import DATABASE_FILE


@pytest.fixture
def registry(tmp_path):
    return Registry(tmp_path / "store")


def _artifact_files(root) -> list[pathlib.Path]:
    return [p for p in pathlib.Path(root, "artifacts").rglob("*") if p.is_file()]


# ----------------------------------------------------------------- register


def test_register_and_load_round_trip(registry):
    X, y = training_data()
    model = regressor()
    mv = registry.register(
        "demand",
        model,
        description="first try",
        tags={"team": "pricing", "attempt": 1},
        metrics={"rmse": 0.25},
        X=X,
        y=y,
        git_commit=None,
    )
    assert (mv.name, mv.version, mv.uri) == ("demand", 1, "models:/demand/1")
    data = model.to_bytes()
    assert mv.sha256 == hashlib.sha256(data).hexdigest()
    assert (mv.size, mv.kind) == (len(data), "gradient_boosting")
    assert mv.tags == {"team": "pricing", "attempt": "1"}
    assert mv.metrics == {"rmse": 0.25}
    assert mv.params["max_iter"] == 10 and mv.params["random_state"] == 0
    assert mv.lineage.data_fingerprint == data_fingerprint(X, y)
    assert mv.lineage.feature_dtypes == ("float64",) * X.shape[1]
    assert mv.lineage.library_version == mlarsenal.__version__
    assert mv.lineage.git_commit is None and mv.lineage.run_id is None

    loaded = registry.load("demand/1")
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert registry.get_version("demand", 1) == mv
    assert registry.resolve("models:/demand/1") == mv


def test_versions_count_up_and_numbers_are_never_reused(registry):
    versions = [registry.register("m", forest_file(i), git_commit=None).version for i in range(3)]
    assert versions == [1, 2, 3]
    registry.delete_version("m", 3)
    assert registry.register("m", forest_file(9), git_commit=None).version == 4
    assert [mv.version for mv in registry.list_versions("m")] == [1, 2, 4]
    assert registry.get_model("m").versions == (1, 2, 4)
    assert registry.get_model("m").latest_version == 4
    assert registry.resolve("m/latest").version == 4
    assert registry.resolve("m").version == 4
    # Each model counts on its own.
    assert registry.register("other", forest_file(0), git_commit=None).version == 1
    assert [m.name for m in registry.list_models()] == ["m", "other"]


def test_register_accepts_model_bytes_and_model_files(registry, tmp_path):
    model = regressor()
    path = tmp_path / "model.mlarsenal"
    model.save(path)
    from_bytes = registry.register("m", model.to_bytes(), git_commit=None)
    from_path = registry.register("m", path, git_commit=None)
    from_str = registry.register("m", str(path), git_commit=None)
    assert from_bytes.sha256 == from_path.sha256 == from_str.sha256
    # Same bytes, one stored object.
    assert len(_artifact_files(registry.root)) == 1
    assert from_bytes.params == {}  # bytes carry no estimator to read params from


def test_register_refuses_what_is_not_a_model(registry):
    with pytest.raises(TypeError, match="to_bytes"):
        registry.register("m", object())
    with pytest.raises(ModelFormatError, match="cannot register 'm'"):
        registry.register("m", b"not a model file")
    with pytest.raises(TypeError, match="metric 'rmse' must be a real number"):
        registry.register("m", forest_file(0), metrics={"rmse": "low"})
    with pytest.raises(TypeError, match="tag 'x' must be a str or a number"):
        registry.register("m", forest_file(0), tags={"x": [1]})
    with pytest.raises(NotFoundError, match="no run 'nope'"):
        registry.register("m", forest_file(0), run_id="nope", git_commit=None)
    # Nothing was registered, and no artifact is left referenced.
    assert registry.list_models() == []


def test_lineage_from_a_dataframe(registry):
    pd = pytest.importorskip("pandas")
    X, y = training_data()
    frame = pd.DataFrame(X, columns=["price", "stock", "week", "promo"]).astype({"week": "int64"})
    from mlarsenal import GradientBoostingRegressor

    model = GradientBoostingRegressor(max_iter=3).fit(frame, y)
    mv = registry.register("m", model, X=frame, y=y, git_commit="abc123")
    assert mv.lineage.feature_names == ("price", "stock", "week", "promo")
    assert mv.lineage.feature_dtypes == ("float64", "float64", "int64", "float64")
    assert mv.lineage.git_commit == "abc123"
    assert registry.get_version("m", 1).lineage == mv.lineage
    # Without the data, the names come from the model, or from its file.
    for source in (model, model.to_bytes(), model.forest_):
        lineage = registry.register("m", source, git_commit=None).lineage
        assert lineage.feature_names == mv.lineage.feature_names
        assert lineage.feature_dtypes is None


def test_git_commit_is_recorded_from_the_working_directory(registry, tmp_path, monkeypatch):
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    try:
        subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], cwd=repo, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not available")
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    monkeypatch.chdir(repo)
    assert registry.register("m", forest_file(0)).lineage.git_commit == head
    monkeypatch.chdir(tmp_path)  # not a repository
    assert registry.register("m", forest_file(1)).lineage.git_commit is None


def test_data_fingerprint_follows_values_not_layout():
    X, y = training_data()
    reference = data_fingerprint(X, y)
    assert data_fingerprint(np.asfortranarray(X), y) == reference
    strided = np.zeros((X.shape[0], 2 * X.shape[1]))
    strided[:, ::2] = X
    assert data_fingerprint(strided[:, ::2], y) == reference
    changed = X.copy()
    changed[7, 2] = np.nextafter(changed[7, 2], np.inf)
    assert data_fingerprint(changed, y) != reference
    assert data_fingerprint(X, y[::-1]) != reference
    assert data_fingerprint(X) != reference
    assert data_fingerprint(X.astype(np.float32), y) != reference
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=list("abcd"))
    assert data_fingerprint(frame) == data_fingerprint(frame.copy())
    assert data_fingerprint(frame) != data_fingerprint(frame.rename(columns={"a": "z"}))
    text = pd.DataFrame({"city": ["Oslo", "Lima", None], "n": [1, 2, 3]})
    assert data_fingerprint(text) != data_fingerprint(text.assign(city=["Oslo", "Lima", "Rome"]))
    category = text.astype({"city": "category"})
    assert data_fingerprint(category) == data_fingerprint(category.copy())
    assert data_fingerprint(category) != data_fingerprint(text)
    pa = pytest.importorskip("pyarrow")
    assert data_fingerprint(pa.table(frame)) == data_fingerprint(pa.table(frame))


# ------------------------------------------------------------------ aliases


def test_aliases_point_move_and_go(registry):
    for i in range(3):
        registry.register("m", forest_file(i), git_commit=None)
    registry.set_alias("m", "champion", 1)
    registry.set_alias("m", "challenger", 2)
    assert registry.resolve("m@champion").version == 1
    assert registry.get_model("m").aliases == {"challenger": 2, "champion": 1}
    assert registry.get_version("m", 1).aliases == ("champion",)
    registry.set_alias("m", "champion", 3)  # moves: one alias, one version
    assert registry.resolve("m@champion").version == 3
    assert registry.get_version("m", 1).aliases == ()
    assert registry.load("m@champion").meta["nonce"] == 2
    registry.delete_alias("m", "challenger")
    with pytest.raises(NotFoundError, match="no alias 'challenger'"):
        registry.resolve("m@challenger")
    # Deleting a version takes its aliases with it.
    registry.delete_version("m", 3)
    assert registry.get_model("m").aliases == {}
    with pytest.raises(NotFoundError, match="no version 7"):
        registry.set_alias("m", "champion", 7)
    with pytest.raises(NotFoundError):
        registry.delete_alias("m", "champion")


def test_aliases_given_at_registration(registry):
    mv = registry.register("m", forest_file(0), aliases=("challenger", "canary"), git_commit=None)
    assert mv.aliases == ("canary", "challenger")
    assert registry.get_version("m", 1).aliases == ("canary", "challenger")
    assert registry.register(
        "m", forest_file(1), aliases="challenger", git_commit=None
    ).aliases == ("challenger",)
    assert registry.get_model("m").aliases == {"canary": 1, "challenger": 2}


@pytest.mark.parametrize("alias", ["3", "latest", "LATEST", "a/b", "bad alias", ""])
def test_alias_names_that_read_as_versions_or_paths_are_refused(registry, alias):
    registry.register("m", forest_file(0), git_commit=None)
    with pytest.raises(ValueError, match="alias"):
        registry.set_alias("m", alias, 1)


# --------------------------------------------------------------- references


def test_references_work_wherever_a_model_path_does(registry, tmp_path, monkeypatch):
    model = regressor()
    X, _ = training_data()
    registry.register("demand", model, aliases=["champion"], git_commit=None)
    expected = model.predict(X)
    for reference in ("models:/demand@champion", "models:/demand/1", "models:/demand/latest"):
        np.testing.assert_array_equal(
            mlarsenal.load(reference, registry=registry).predict(X), expected
        )
        np.testing.assert_array_equal(
            mlarsenal.load(reference, registry=registry.root).predict(X), expected
        )
    # $MLARSENAL_HOME, else ./mlarsenal-store
    monkeypatch.setenv("MLARSENAL_HOME", registry.root)
    np.testing.assert_array_equal(mlarsenal.load("models:/demand@champion").predict(X), expected)
    assert Registry().root == registry.root
    monkeypatch.delenv("MLARSENAL_HOME")
    monkeypatch.chdir(tmp_path)
    assert Registry().root == str(tmp_path / "mlarsenal-store")
    with pytest.raises(NotFoundError, match="no registered model 'demand'"):
        mlarsenal.load("models:/demand@champion")
    assert not (tmp_path / "mlarsenal-store").exists()  # reading never creates the store
    Registry(tmp_path / "mlarsenal-store").register("demand", model, git_commit=None)
    np.testing.assert_array_equal(mlarsenal.load("models:/demand/1").predict(X), expected)
    # A path object is always a path, even one that reads like a reference.
    with pytest.raises(FileNotFoundError):
        mlarsenal.load(pathlib.Path("models:/demand/1"))
    with pytest.raises(ModelFormatError, match="'gradient_boosting' model, expected 'forest'"):
        mlarsenal.load("models:/demand/1", expected_kind="forest")


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("models:/m@champion", ModelReference("m", alias="champion")),
        ("m@champion", ModelReference("m", alias="champion")),
        ("models:/m/12", ModelReference("m", version=12)),
        ("m/latest", ModelReference("m")),
        ("models:/m", ModelReference("m")),
        ("m", ModelReference("m")),
    ],
)
def test_parse_reference(reference, expected):
    assert parse_reference(reference) == expected
    assert parse_reference(str(expected)) == expected


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("", "invalid model name"),
        ("models:/", "invalid model name"),
        ("m/0", "invalid version"),
        ("m/-1", "invalid version"),
        ("m/Production", "no stages"),
        ("m/1/2", "invalid version"),
        ("m/٣", "invalid version"),
        ("../m/1", "invalid model name"),
        ("m@../x", "invalid alias"),
        ("m@", "invalid alias"),
    ],
)
def test_bad_references_say_what_is_wrong(registry, reference, message):
    with pytest.raises(ValueError, match=message):
        registry.load(reference)


def test_unknown_models_versions_and_aliases_are_lookup_errors(registry):
    with pytest.raises(NotFoundError, match="no registered model 'm'"):
        registry.load("m/1")
    registry.register("m", forest_file(0), git_commit=None)
    with pytest.raises(LookupError, match="model 'm' has no version 2"):
        registry.load("m/2")
    with pytest.raises(LookupError, match="no alias 'prod'"):
        registry.load("m@prod")
    with pytest.raises(NotFoundError):
        registry.get_model("n")
    with pytest.raises(NotFoundError):
        registry.list_versions("n")
    with pytest.raises(NotFoundError):
        registry.delete_version("m", 2)
    with pytest.raises(NotFoundError):
        registry.delete_model("n")


# ------------------------------------------------------- tags and metadata


def test_tags_descriptions_and_later_metrics(registry):
    registry.register("m", forest_file(0), metrics={"auc": 0.9}, git_commit=None)
    registry.set_tag("m", "owner", "pricing")
    registry.set_tag("m", "reviewed", True, version=1)
    registry.set_description("m", "demand forecast")
    registry.set_description("m", "baseline", version=1)
    registry.log_metrics("m", 1, {"auc": 0.91, "holdout_loss": math.nan, "gap": math.inf})
    model, mv = registry.get_model("m"), registry.get_version("m", 1)
    assert (model.tags, model.description) == ({"owner": "pricing"}, "demand forecast")
    assert (mv.tags, mv.description) == ({"reviewed": "True"}, "baseline")
    assert mv.metrics["auc"] == 0.91 and mv.metrics["gap"] == math.inf
    assert math.isnan(mv.metrics["holdout_loss"])
    registry.delete_tag("m", "owner")
    registry.delete_tag("m", "reviewed", version=1)
    assert registry.get_model("m").tags == {} and registry.get_version("m", 1).tags == {}
    with pytest.raises(NotFoundError):
        registry.delete_tag("m", "owner")
    with pytest.raises(NotFoundError):
        registry.set_tag("m", "k", "v", version=5)
    with pytest.raises(ValueError, match="invalid tag key"):
        registry.set_tag("m", " padded", "v")


# -------------------------------------------------------------------- names

BAD_NAMES = [
    "",
    ".",
    "..",
    "../escape",
    "a/../../b",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "C:\\models",
    "C:",
    ".hidden",
    "-flag",
    "_x",
    " padded",
    "tab\tname",
    "new\nline",
    "nul\x00byte",
    "caf\u00e9",  # non-ASCII letter
    "\uff4d\uff4f\uff44\uff45\uff4c",  # fullwidth look-alikes of "model"
    "zero\u200bwidth",
    "rtl\u202eevil",
    "dotless\u0131",
    "x" * 129,
    "a@b",
    "a:b",
    "a*b",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_names_that_could_leave_the_root_or_mislead_are_refused(tmp_path, name):
    registry = Registry(tmp_path / "store")
    with pytest.raises(ValueError, match="invalid model name"):
        registry.register(name, forest_file(0))
    with pytest.raises(ValueError, match="invalid model name"):
        registry.get_model(name)
    with pytest.raises(ValueError):
        registry.set_alias("ok", name or "x/y", 1)
    assert not (tmp_path / "store").exists()  # refused before anything was written


@pytest.mark.parametrize("name", ["a", "Z", "9lives", "churn-model_v2.1", "x" * 128, "A.B-C_D"])
def test_plain_names_are_accepted(registry, name):
    assert registry.register(name, forest_file(0), git_commit=None).name == name
    assert registry.resolve(f"models:/{name}/1").name == name


def test_every_file_stays_inside_the_root(registry):
    for i, name in enumerate(["a", "b.c", "d-e"]):
        registry.register(name, forest_file(i), git_commit=None)
    root = pathlib.Path(registry.root).resolve()
    for path in root.rglob("*"):
        assert path.resolve().is_relative_to(root)
    # Artifacts are named by their SHA-256 only, never by a model name.
    for path in _artifact_files(root):
        assert path.name == hashlib.sha256(path.read_bytes()).hexdigest()
        assert path.parent.name == path.name[:2]


# ---------------------------------------------------------------- integrity


@pytest.mark.parametrize("damage", ["flip a bit", "truncate", "append", "swap for another model"])
def test_corrupt_or_tampered_artifacts_are_detected_on_load(registry, damage):
    mv = registry.register("m", forest_file(0), git_commit=None)
    (path,) = _artifact_files(registry.root)
    data = bytearray(path.read_bytes())
    if damage == "flip a bit":
        data[len(data) // 2] ^= 0x04
    elif damage == "truncate":
        data = data[:-100]
    elif damage == "append":
        data += b"\0"
    else:  # a valid model file with a correct internal checksum, but not the registered one
        data = bytearray(forest_file(1))
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactIntegrityError, match="failed its SHA-256 check") as caught:
        registry.load("m/1")
    message = str(caught.value)
    assert "models:/m/1" in message and mv.sha256 in message and "tampered" in message
    assert isinstance(caught.value, ModelFormatError)  # so a ValueError too
    with pytest.raises(ArtifactIntegrityError):
        mlarsenal.load("models:/m/1", registry=registry)
    (problem,) = registry.verify()
    assert "models:/m/1" in problem


def test_a_missing_artifact_is_reported(registry):
    registry.register("m", forest_file(0), git_commit=None)
    (path,) = _artifact_files(registry.root)
    path.unlink()
    with pytest.raises(ArtifactIntegrityError, match="missing from the artifact store"):
        registry.load("m/1")
    # Registering the same bytes again restores it.
    registry.register("m", forest_file(0), git_commit=None)
    assert registry.load("m/1").meta["nonce"] == 0
    assert registry.verify() == []


# ------------------------------------------------------------------ cleanup


def test_deleting_removes_artifacts_no_version_uses(registry):
    shared = forest_file(0)
    registry.register("a", shared, git_commit=None)
    registry.register("b", shared, git_commit=None)
    registry.register("a", forest_file(1), git_commit=None)
    assert len(_artifact_files(registry.root)) == 2
    registry.delete_model("a")
    assert len(_artifact_files(registry.root)) == 1  # "b" still uses the shared bytes
    assert registry.load("b/1").meta["nonce"] == 0
    registry.delete_version("b", 1)
    assert _artifact_files(registry.root) == []
    assert [m.name for m in registry.list_models()] == ["b"]
    assert registry.get_model("b").versions == ()
    with pytest.raises(NotFoundError, match="has no versions"):
        registry.load("b/latest")


def test_gc_collects_what_killed_writers_leave(registry):
    registry.register("m", forest_file(0), git_commit=None)
    store = registry._artifacts
    orphan, _ = store.put(forest_file(1))  # stored, never committed
    (kept,) = {registry.get_version("m", 1).sha256}
    temporary = pathlib.Path(store.path(kept)).parent / f".{kept}.0123456789ab.tmp"
    temporary.write_bytes(b"partial")
    assert registry.gc() == {"artifacts": 0, "temporary_files": 0}  # too young
    old = os.stat(temporary).st_mtime - 7200
    os.utime(temporary, (old, old))
    os.utime(store.path(orphan), (old, old))
    assert registry.gc() == {"artifacts": 1, "temporary_files": 1}
    assert not temporary.exists() and not os.path.exists(store.path(orphan))
    assert registry.verify() == []


# -------------------------------------------------------------- the database


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path):
    registry = Registry(tmp_path / "nowhere")
    assert registry.list_models() == []
    assert registry.verify() == []
    assert registry.gc() == {"artifacts": 0, "temporary_files": 0}
    assert not (tmp_path / "nowhere").exists()


def test_the_database_is_in_wal_mode(registry):
    registry.register("m", forest_file(0), git_commit=None)
    connection = sqlite3.connect(os.path.join(registry.root, DATABASE_FILE))
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        connection.close()


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    Registry(tmp_path / "s").register("m", forest_file(0), git_commit=None)
    connection = sqlite3.connect(tmp_path / "s" / DATABASE_FILE)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    from mlarsenal.registry import _database

    _database._ready.discard(str(tmp_path / "s" / DATABASE_FILE))
    with pytest.raises(RegistryError, match="newer mlarsenal"):
        Registry(tmp_path / "s").list_models()


def test_writers_wait_for_the_lock_and_time_out_with_a_clear_error(tmp_path):
    registry = Registry(tmp_path / "s", wait_seconds=0.3)
    registry.register("m", forest_file(0), git_commit=None)
    holder = sqlite3.connect(os.path.join(registry.root, DATABASE_FILE), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        with pytest.raises(RegistryBusyError, match="stayed locked by other writers") as caught:
            registry.register("m", forest_file(1), git_commit=None)
        assert "database is locked" not in str(caught.value)
        assert registry.load("m/1").meta["nonce"] == 0  # readers are not blocked
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Released within the wait: the writer just waits.
    holder = sqlite3.connect(
        os.path.join(registry.root, DATABASE_FILE), isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.1, lambda: (holder.execute("ROLLBACK"), holder.close()))
    timer.start()
    assert (
        Registry(registry.root, wait_seconds=10)
        .register("m", forest_file(1), git_commit=None)
        .version
        == 2
    )
    timer.join()


def test_one_registry_shared_by_threads(registry):
    errors, versions = [], []
    lock = threading.Lock()

    def work(k):
        try:
            for i in range(5):
                mv = registry.register("m", forest_file(100 * k + i), git_commit=None)
                registry.load(mv)
                with lock:
                    versions.append(mv.version)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(versions) == list(range(1, 41))
    assert registry.verify() == []
