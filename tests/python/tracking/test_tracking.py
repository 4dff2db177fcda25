"""Experiment tracking: runs, params, metric histories, tags, artifacts, run-model lineage."""

from __future__ import annotations

import json
import math
import os
import pathlib

import numpy as np
import pytest

from mlarsenal import GradientBoostingClassifier, tracking
from mlarsenal.registry import ArtifactIntegrityError, NotFoundError, Registry


@pytest.fixture
def registry(tmp_path):
    return Registry(tmp_path / "store")


@pytest.fixture(autouse=True)
def no_run_left_active():
    yield
    while tracking.active_run() is not None:
        tracking.end_run("KILLED")


@pytest.fixture(scope="module")
def classifier_data():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 3))
    return X, (X[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(int)


def test_a_run_records_params_metrics_tags_and_ends(registry):
    with tracking.start_run(
        "baseline", experiment="churn", tags={"owner": "ana"}, registry=registry
    ) as run:
        assert tracking.active_run() is run
        run.log_params({"max_iter": 100, "learning_rate": 0.1, "features": ["a", "b"]})
        run.log_param("max_iter", 100)  # the same value again is fine
        for loss in (0.9, 0.6, 0.5):
            run.log_metric("loss", loss)
        run.log_metrics({"auc": 0.8, "nan_metric": math.nan}, step=10)
        tracking.log_metric("auc", 0.85, step=20)  # module functions act on the active run
        tracking.set_tag("stage", "tuning")
        run.set_tags({"owner": "bo"})
    assert tracking.active_run() is None
    info = tracking.get_run(run.run_id, registry=registry)
    assert (info.name, info.experiment, info.status) == ("baseline", "churn", "FINISHED")
    assert info.end_time >= info.start_time
    assert info.params == {"max_iter": 100, "learning_rate": 0.1, "features": ["a", "b"]}
    assert info.metrics["loss"] == 0.5 and info.metrics["auc"] == 0.85
    assert math.isnan(info.metrics["nan_metric"])
    assert info.tags == {"owner": "bo", "stage": "tuning"}
    history = tracking.get_metric_history(run.run_id, "loss", registry=registry)
    assert [(m.step, m.value) for m in history] == [(0, 0.9), (1, 0.6), (2, 0.5)]
    assert [m.step for m in tracking.get_metric_history(run.run_id, "auc", registry=registry)] == [
        10,
        20,
    ]
    assert [e.name for e in tracking.list_experiments(registry=registry)] == ["churn"]


def test_params_are_fixed_once_logged(registry):
    with tracking.start_run(registry=registry) as run:
        run.log_param("max_iter", 100)
        with pytest.raises(ValueError, match=r"param 'max_iter' .* is already 100"):
            run.log_param("max_iter", 200)
    assert tracking.get_run(run.run_id, registry=registry).params == {"max_iter": 100}


def test_failed_and_interrupted_runs_say_so(registry):
    with pytest.raises(RuntimeError), tracking.start_run("boom", registry=registry) as run:
        raise RuntimeError("diverged")
    assert tracking.get_run(run.run_id, registry=registry).status == "FAILED"
    with pytest.raises(KeyboardInterrupt), tracking.start_run("ctrl-c", registry=registry) as run:
        raise KeyboardInterrupt
    assert tracking.get_run(run.run_id, registry=registry).status == "KILLED"
    assert tracking.list_runs(registry=registry, status="FAILED")[0].name == "boom"


def test_nested_runs(registry):
    with tracking.start_run("search", registry=registry) as parent:
        with pytest.raises(RuntimeError, match="nested=True"):
            tracking.start_run("trial", registry=registry)
        for k in range(2):
            with tracking.start_run(f"trial-{k}", registry=registry, nested=True) as child:
                child.log_metric("score", k)
                assert tracking.active_run() is child
        assert tracking.active_run() is parent
    runs = tracking.list_runs(registry=registry)
    assert [r.name for r in runs] == ["trial-1", "trial-0", "search"]  # newest first
    assert [r.parent_run_id for r in runs] == [parent.run_id, parent.run_id, None]
    with pytest.raises(NotFoundError, match="no parent run"):
        tracking.start_run(registry=registry, parent_run_id="0" * 32)


def test_artifacts_are_stored_checked_and_copied_out(registry, tmp_path):
    source = tmp_path / "report.csv"
    source.write_text("a,b\n1,2\n")
    with tracking.start_run(registry=registry) as run:
        run.log_artifact(source)  # stored under its file name
        run.log_artifact(source, "tables/report.csv")
        run.log_text("hello", "notes/hello.txt")
        run.log_dict({"threshold": 0.5}, "config.json")
        with pytest.raises(ValueError, match="invalid artifact path"):
            run.log_text("x", "../escape.txt")
        with pytest.raises(ValueError, match="invalid artifact path"):
            run.log_text("x", "/etc/passwd")
        with pytest.raises(FileNotFoundError):
            run.log_artifact(tmp_path / "missing.csv")
    info = tracking.get_run(run.run_id, registry=registry)
    assert sorted(info.artifacts) == [
        "config.json",
        "notes/hello.txt",
        "report.csv",
        "tables/report.csv",
    ]
    assert tracking.read_artifact(run.run_id, "notes/hello.txt", registry=registry) == b"hello"
    config = tracking.read_artifact(run.run_id, "config.json", registry=registry)
    assert json.loads(config) == {"threshold": 0.5}
    out = tracking.download_artifact(
        run.run_id, "tables/report.csv", tmp_path / "copy.csv", registry=registry
    )
    assert pathlib.Path(out).read_text() == "a,b\n1,2\n"
    with pytest.raises(NotFoundError, match=r"no artifact 'nope\.txt'"):
        tracking.read_artifact(run.run_id, "nope.txt", registry=registry)
    # The same bytes are stored once.
    objects = [
        f for _, _, files in os.walk(os.path.join(registry.root, "artifacts")) for f in files
    ]
    assert len(objects) == 3
    # Tampering is caught, on read and on copy.
    digest = registry._db.read(
        lambda db: db.execute(
            "SELECT sha256 FROM run_artifacts WHERE path = 'notes/hello.txt'"
        ).fetchone()[0]
    )
    with open(registry._artifacts.path(digest), "wb") as f:
        f.write(b"HELLO")
    with pytest.raises(ArtifactIntegrityError, match="failed its SHA-256 check"):
        tracking.read_artifact(run.run_id, "notes/hello.txt", registry=registry)
    with pytest.raises(ArtifactIntegrityError):
        tracking.download_artifact(
            run.run_id, "notes/hello.txt", tmp_path / "x.txt", registry=registry
        )
    assert not (tmp_path / "x.txt").exists()


def test_models_registered_during_a_run_are_linked_to_it(registry, classifier_data):
    X, y = classifier_data
    model = GradientBoostingClassifier(max_iter=5).fit(X, y)
    with tracking.start_run("train", registry=registry) as run:
        linked = registry.register("churn", model, git_commit=None)
        logged = run.log_model(model, registered_model_name="churn", X=X, y=y, git_commit=None)
        other_store = Registry(os.path.join(registry.root, "..", "elsewhere"))
        unlinked = other_store.register("churn", model, git_commit=None)
    assert linked.lineage.run_id == run.run_id
    assert logged.lineage.run_id == run.run_id and logged.version == 2
    assert logged.params["max_iter"] == 5
    assert logged.lineage.data_fingerprint is not None
    assert unlinked.lineage.run_id is None  # the active run records into another store
    loaded = tracking.load_model(run.run_id, registry=registry)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert tracking.get_run(run.run_id, registry=registry).artifacts == {
        "model.mlarsenal": logged.size
    }


def test_without_an_active_run_logging_says_how_to_start_one():
    with pytest.raises(RuntimeError, match="start_run"):
        tracking.log_metric("loss", 1.0)


def test_runs_share_the_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv("MLARSENAL_HOME", str(tmp_path / "home"))
    with tracking.start_run("default-store") as run:
        run.log_metric("x", 1.0)
    assert tracking.get_run(run.run_id).name == "default-store"
    assert tracking.get_run(run.run_id, registry=tmp_path / "home").status == "FINISHED"
    assert tracking.list_runs("Default")[0].run_id == run.run_id
    assert tracking.list_runs("other") == []


def test_bad_arguments(registry):
    with tracking.start_run(registry=registry) as run:
        with pytest.raises(TypeError, match="metric 'loss' must be a real number"):
            run.log_metric("loss", "low")
        with pytest.raises(TypeError, match="step must be an int"):
            run.log_metric("loss", 1.0, step=1.5)
        with pytest.raises(ValueError, match="invalid metric name"):
            run.log_metric("", 1.0)
        with pytest.raises(TypeError, match="not an mlarsenal model"):
            run.log_model(object())
    with pytest.raises(ValueError, match="status must be one of"):
        tracking.list_runs(registry=registry, status="DONE")
    with pytest.raises(NotFoundError):
        tracking.get_run("f" * 32, registry=registry)
