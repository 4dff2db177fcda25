"""``mlarsenal registry list|show|alias|delete`` and ``mlarsenal runs list|show``."""

import json

import cli_fixtures
import pytest

from mlarsenal import tracking
from mlarsenal.registry import Registry

# The shared fixtures (a conftest.py here would clash with other test folders').
fitted = cli_fixtures.fitted
labelled = cli_fixtures.labelled
run_cli = cli_fixtures.run_cli
store = cli_fixtures.store


@pytest.fixture
def registered(fitted, store):
    registry = Registry(store)
    registry.register("clf", fitted["classifier"], metrics={"accuracy": 0.9}, aliases=["champion"])
    registry.register("clf", fitted["classifier"], description="second", tags={"team": "risk"})
    registry.register("reg", fitted["regressor"])
    return registry


def test_list(run_cli, registered, store, tmp_path):
    empty = run_cli("registry", "list", "--store", tmp_path / "empty")
    assert (empty.exit_code, empty.stdout) == (0, "no registered models\n")
    result = run_cli("registry", "list", "--store", store)
    assert result.exit_code == 0
    header, _, *rows = result.stdout.splitlines()
    assert header.split() == ["name", "versions", "latest", "aliases", "updated"]
    assert [row.split()[:4] for row in rows] == [
        ["clf", "2", "2", "champion→1"],
        ["reg", "1", "1", "-"],
    ]
    records = json.loads(run_cli("registry", "list", "--json", "--registry", store).stdout)
    assert [(r["name"], r["versions"]) for r in records] == [("clf", [1, 2]), ("reg", [1])]


def test_show_a_model_and_a_version(run_cli, registered, store):
    model = run_cli("registry", "show", "clf", "--store", store)
    assert model.exit_code == 0, model.output
    assert model.stdout.splitlines()[0] == "clf: 2 version(s), aliases champion→1"
    assert "accuracy=0.9" in model.stdout
    version = run_cli("registry", "show", "models:/clf@champion", "--store", store)
    assert version.exit_code == 0
    assert version.stdout.splitlines()[0] == "models:/clf/1"
    assert "gradient_boosting" in version.stdout and "lineage" in version.stdout
    record = json.loads(run_cli("registry", "show", "clf/2", "--json", "--store", store).stdout)
    assert (record["version"], record["description"], record["tags"]) == (
        2,
        "second",
        {"team": "risk"},
    )
    assert record["sha256"] == registered.resolve("clf/2").sha256


def test_alias_set_move_delete(run_cli, registered, store):
    assert run_cli("registry", "alias", "clf", "champion", "2", "--store", store).exit_code == 0
    assert registered.resolve("clf@champion").version == 2
    result = run_cli("registry", "alias", "clf", "champion", "--delete", "--store", store)
    assert (result.exit_code, result.stdout) == (0, "removed alias clf@champion\n")
    assert registered.get_model("clf").aliases == {}
    assert run_cli("registry", "alias", "clf", "champion", "--store", store).exit_code == 2
    unknown = run_cli("registry", "alias", "clf", "best", "9", "--store", store)
    assert unknown.exit_code == 1
    assert "has no version 9" in unknown.stderr


def test_delete_asks_first(run_cli, registered, store):
    declined = run_cli("registry", "delete", "clf", "1", "--store", store, input="n\n")
    assert declined.exit_code == 1
    assert [v.version for v in registered.list_versions("clf")] == [1, 2]
    assert run_cli("registry", "delete", "clf", "1", "--yes", "--store", store).exit_code == 0
    assert [v.version for v in registered.list_versions("clf")] == [2]
    confirmed = run_cli("registry", "delete", "clf", "--store", store, input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert "deleted model 'clf' and its 1 version(s)" in confirmed.stdout
    assert [m.name for m in registered.list_models()] == ["reg"]
    ghost = run_cli("registry", "show", "ghost", "--store", store)
    assert ghost.exit_code == 1
    assert "no registered model 'ghost'" in ghost.stderr


def test_runs_list_and_show(run_cli, store, tmp_path):
    assert run_cli("runs", "list", "--store", store).stdout == "no runs\n"
    with tracking.start_run("first", experiment="exp-a", registry=store) as run:
        run.log_params({"max_iter": 10})
        run.log_metric("loss", 0.5)
        run.log_metric("loss", 0.25)
        run.set_tag("owner", "me")
    with tracking.start_run("second", experiment="exp-b", registry=store):
        pass
    listed = run_cli("runs", "list", "--store", store)
    assert listed.exit_code == 0
    rows = listed.stdout.splitlines()[2:]
    assert [row.split()[1:3] for row in rows] == [["exp-b", "second"], ["exp-a", "first"]]
    only_a = json.loads(
        run_cli("runs", "list", "--experiment", "exp-a", "--json", "--store", store).stdout
    )
    assert [r["run_id"] for r in only_a] == [run.run_id]
    shown = run_cli("runs", "show", run.run_id, "--store", store)
    assert shown.exit_code == 0
    text = shown.stdout
    assert f"run {run.run_id}" in text and "FINISHED" in text
    assert "max_iter  10" in text and "loss  0.25" in text and "owner  me" in text
    record = json.loads(run_cli("runs", "show", run.run_id, "--json", "--store", store).stdout)
    assert record["metrics"] == {"loss": 0.25}
    missing = run_cli("runs", "show", "f" * 32, "--store", store)
    assert missing.exit_code == 1
    assert "no run" in missing.stderr
