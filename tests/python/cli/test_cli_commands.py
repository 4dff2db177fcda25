"""``info``, ``bench``, ``serve`` wiring, ``--debug``, and the small parsers behind the options."""

import importlib
import json

import cli_fixtures
import click
import numpy as np
import pytest

from mlarsenal.cli import _bench
from mlarsenal.cli._estimators import detect_task
from mlarsenal.cli._models import load_model
from mlarsenal.cli._options import parse_pairs, parse_value
from mlarsenal.cli._table import format_table

# The shared fixtures (a conftest.py here would clash with other test folders').
fitted = cli_fixtures.fitted
labelled = cli_fixtures.labelled
run_cli = cli_fixtures.run_cli


def test_info(run_cli):
    import mlarsenal

    text = run_cli("info")
    assert text.exit_code == 0
    assert text.stdout.startswith(f"mlarsenal {mlarsenal.__version__}")
    record = json.loads(run_cli("info", "--json").stdout)
    assert record["version"] == mlarsenal.__version__
    assert {"compiler", "openmp", "simd", "cuda"} <= set(record)


def test_bench_runs_the_benchmark_runner(run_cli):
    listed = run_cli("bench", "--list")
    assert listed.exit_code == 0, listed.output
    assert "gbdt" in listed.stdout
    assert run_cli("bench", "no-such-suite").exit_code == 2  # the runner's own usage error


def test_bench_outside_a_source_tree(run_cli, monkeypatch):
    monkeypatch.setattr(_bench, "_source_root", lambda: None)
    result = run_cli("bench", "--list")
    assert result.exit_code == 1
    assert "run mlarsenal bench from a clone" in result.stderr


def test_serve_is_the_serving_command(run_cli):
    try:
        serving = importlib.import_module("mlarsenal.serving")
        serve_command = serving.serve_command
    except (ImportError, AttributeError):
        result = run_cli("serve", "model.mla")
        assert result.exit_code == 1
        assert "'mlarsenal serve' is not available" in result.stderr
        return
    from mlarsenal.cli import cli

    assert cli.get_command(click.Context(cli), "serve") is serve_command
    assert run_cli("serve", "--help").exit_code == 0


def test_debug_shows_the_exception(run_cli, tmp_path):
    quiet = run_cli("predict", tmp_path / "m.mla", tmp_path / "a.csv", tmp_path / "b.csv")
    assert quiet.exit_code == 1
    assert isinstance(quiet.exception, SystemExit)
    loud = run_cli("--debug", "predict", tmp_path / "m.mla", tmp_path / "a.csv", tmp_path / "b.csv")
    assert isinstance(loud.exception, FileNotFoundError)


def test_every_command_has_help(run_cli):
    top = run_cli("--help")
    assert top.exit_code == 0
    for name in (
        "train",
        "evaluate",
        "predict",
        "registry",
        "runs",
        "serve",
        "bench",
        "info",
        "demo",
    ):
        assert f"  {name} " in top.stdout, name
    for args in (["train"], ["evaluate"], ["predict"], ["registry", "show"], ["runs", "list"],
                 ["info"], ["demo"]):  # fmt: skip
        result = run_cli(*args, "--help")
        assert result.exit_code == 0, args
        assert "Usage: " in result.stdout


def test_parse_value_and_pairs():
    assert [parse_value(v) for v in ["5", "0.1", "true", "null", "None", "[1, 2]", "abc"]] == [
        5, 0.1, True, None, None, [1, 2], "abc",
    ]  # fmt: skip
    assert parse_pairs(("a=1", "b = x=y"), "--param", typed=True) == {"a": 1, "b": " x=y"}
    assert parse_pairs(("team=007",), "--tag", typed=False) == {"team": "007"}
    for bad in (("novalue",), ("=1",), ("a=1", "a=2")):
        with pytest.raises(click.BadParameter):
            parse_pairs(bad, "--param", typed=True)


def test_detect_task():
    assert detect_task(np.array(["a", "b"], dtype=object)) == "classification"
    assert detect_task(np.array([True, False])) == "classification"
    assert detect_task(np.array([0.0, 1.0, 2.0, 1.0])) == "classification"
    assert detect_task(np.arange(100)) == "regression"
    assert detect_task(np.array([0.5, 1.0])) == "regression"


def test_format_table_aligns_numbers_right():
    text = format_table(["k", "value"], [["a", 1.5], ["bb", None], ["c", 1234567.0]])
    assert text.splitlines() == [
        "k       value",
        "--  ---------",
        "a      1.5000",
        "bb          -",
        "c   1.235e+06",
    ]


def test_load_model_sources(tmp_path, fitted):
    from mlarsenal.registry import Registry

    fitted["regressor"].save(tmp_path / "r.mla")
    Registry(tmp_path / "store").register("r", fitted["regressor"], aliases=["live"])
    X = fitted["X"][["x1", "x2"]]
    expected = fitted["regressor"].predict(X)
    for source in (str(tmp_path / "r.mla"), "models:/r@live", "r@live", "r/1", "r/latest", "r"):
        model = load_model(source, tmp_path / "store")
        np.testing.assert_allclose(model.predict(X), expected)
    with pytest.raises(FileNotFoundError, match="not a registry reference"):
        load_model("typo.mla", tmp_path / "store")
    with pytest.raises(IsADirectoryError):
        load_model(str(tmp_path), tmp_path / "store")
