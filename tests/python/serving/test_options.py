"""Options, model sources and the command line: bad input gets an error naming it."""

import pickle
import subprocess
import sys

import pytest
from click.testing import CliRunner

from mlarsenal.serving import AppSettings, RunSettings, serve_command
from mlarsenal.serving._command import parse_size, split_models
from mlarsenal.serving._sources import SourceError, resolve_source, resolve_sources


def test_importing_serving_loads_no_web_stack():
    script = (
        "import sys, mlarsenal.serving as s\n"
        "s.serve_command, s.AppSettings\n"
        "print(sorted({'fastapi', 'uvicorn', 'orjson', 'starlette'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_defaults_are_safe():
    run, app = RunSettings(), AppSettings()
    assert run.host == "127.0.0.1"
    assert app.max_body_bytes == 8 * 1024 * 1024
    assert app.enable_management is False


@pytest.mark.parametrize(
    ("options", "error", "phrase"),
    [
        ({"max_body_bytes": 0}, ValueError, "max_body_bytes must be >= 1"),
        ({"max_batch_size": 2.5}, TypeError, "max_batch_size must be an int"),
        ({"request_timeout_s": 0}, ValueError, "request_timeout_s must be > 0"),
        ({"max_latency_ms": float("nan")}, TypeError, "max_latency_ms must be a number"),
        ({"n_jobs": 0}, ValueError, "n_jobs == 0"),
        ({"allow_missing": "yes"}, TypeError, "allow_missing must be True or False"),
        ({"enable_management": True, "management_token": "short"}, ValueError, "at least 16"),
        ({"model_dir": "/definitely/not/here"}, ValueError, "model_dir"),
    ],
)
def test_app_settings_errors_name_the_option(monkeypatch, options, error, phrase):
    monkeypatch.delenv("MLARSENAL_SERVE_TOKEN", raising=False)
    with pytest.raises(error, match=phrase):
        AppSettings(**options)


def test_management_token_from_the_environment_is_never_shown(monkeypatch):
    monkeypatch.setenv("MLARSENAL_SERVE_TOKEN", "s3cret-token-0123456789")
    settings = AppSettings(enable_management=True)
    assert settings.management_token == "s3cret-token-0123456789"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("options", "phrase"),
    [({"host": "example.com"}, "host must be an IP address"), ({"port": 70000}, "port"),
     ({"workers": 0}, "workers"), ({"log_format": "xml"}, "log_format")],
)  # fmt: skip
def test_run_settings_errors_name_the_option(options, phrase):
    with pytest.raises(ValueError, match=phrase):
        RunSettings(**options)


def test_unknown_create_app_option():
    from mlarsenal.serving import create_app

    with pytest.raises(TypeError, match=r"unknown server option.*max_batch"):
        create_app("models:/m@a", max_batch=3)


# ------------------------------------------------------------------ sources
def test_file_served_under_its_stem(model_files):
    source = resolve_source(model_files["churn"])
    assert (source.name, source.kind, source.movable) == ("churn", "file", False)
    assert source.describe() == "file"


def test_registry_references():
    assert resolve_source("models:/churn@champion").movable
    assert resolve_source("models:/churn/latest").movable
    pinned = resolve_source("models:/churn/3", name="churn-v3")
    assert (pinned.name, pinned.movable) == ("churn-v3", False)


@pytest.mark.parametrize(
    "location", ["https://example.com/m.bin", "s3://bucket/model", "file:///etc/passwd"]
)
def test_urls_are_refused(location):
    with pytest.raises(SourceError, match="never fetched"):
        resolve_source(location)


def test_pickle_and_missing_files_are_refused(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(SourceError, match="never pickle"):
        resolve_source(path)
    with pytest.raises(SourceError, match="does not exist"):
        resolve_source(tmp_path / "gone.mlarsenal")
    with pytest.raises(SourceError, match="not a regular file"):
        resolve_source(tmp_path)


def test_names_must_be_distinct_and_url_safe(model_files):
    with pytest.raises(SourceError, match="two models would be served as 'churn'"):
        resolve_sources([model_files["churn"], model_files["churn"]])
    with pytest.raises(SourceError, match="invalid served name"):
        resolve_sources({"bad/name": model_files["churn"]})
    with pytest.raises(ValueError, match="models is empty"):
        resolve_sources([])
    with pytest.raises(TypeError, match="models must be"):
        resolve_sources(42)


# -------------------------------------------------------------- command line
def test_sizes_and_named_models():
    assert parse_size("8MiB") == parse_size("8M") == parse_size("8mb") == 8 * 1024**2
    assert parse_size("512") == 512
    with pytest.raises(ValueError, match="expected a size"):
        parse_size("lots")
    assert split_models(("a=models:/x@y", "b=models:/z/2"), None) == {
        "a": "models:/x@y",
        "b": "models:/z/2",
    }
    assert split_models(("models:/x@y",), "x2") == {"x2": "models:/x@y"}


@pytest.mark.parametrize(
    ("arguments", "phrase"),
    [
        (["missing.mlarsenal"], "model file 'missing.mlarsenal' does not exist"),
        (["http://host/model"], "never fetched"),
        (["a.mlarsenal", "b.mlarsenal", "--name", "x"], "--name names one model"),
        (["m.mlarsenal", "--workers", "0"], "workers must be in [1, 64]"),
        (["m.mlarsenal", "--max-body-size", "huge"], "expected a size"),
        (["m.mlarsenal", "--host", "my-host"], "host must be an IP address"),
        (["m.mlarsenal", "--enable-management"], "needs a bearer token"),
    ],
)
def test_command_line_errors(monkeypatch, arguments, phrase):
    monkeypatch.delenv("MLARSENAL_SERVE_TOKEN", raising=False)
    result = CliRunner().invoke(serve_command, arguments)
    assert result.exit_code == 2 or result.exit_code == 1
    assert phrase in result.output


def test_command_help_lists_the_options():
    result = CliRunner().invoke(serve_command, ["--help"])
    assert result.exit_code == 0
    for option in ("--host", "--workers", "--max-batch-size", "--max-latency-ms", "--max-queue",
                   "--request-timeout", "--max-body-size", "--enable-management", "--drain-seconds"):  # fmt: skip
        assert option in result.output
