"""The installed ``mlarsenal`` console script and ``python -m mlarsenal.cli``, run as processes."""

import subprocess
import sys
from pathlib import Path

import cli_fixtures
import pandas as pd
import pytest

# The shared fixtures (a conftest.py here would clash with other test folders').
labelled = cli_fixtures.labelled

SCRIPT = Path(sys.executable).with_name("mlarsenal")
pytestmark = pytest.mark.skipif(
    not SCRIPT.is_file(), reason="the mlarsenal script is not installed"
)


def mlarsenal(*args, cwd=None):
    return subprocess.run(
        [str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd
    )


def test_help_and_version():
    import mlarsenal as package

    result = mlarsenal("--help")
    assert result.returncode == 0
    assert "Commands:" in result.stdout
    version = mlarsenal("--version")
    assert version.stdout.strip() == f"mlarsenal, version {package.__version__}"


def test_train_then_predict_through_the_registry(labelled, tmp_path):
    store = tmp_path / "store"
    trained = mlarsenal(
        "train", labelled["cls"], "--target", "label", "--drop", "id", "--name", "churn",
        "--param", "max_iter=8", "--alias", "champion", "--store", store,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert trained.stdout.strip().endswith("registered models:/churn/1 (aliases: champion)")
    predicted = mlarsenal(
        "predict", "models:/churn@champion", labelled["cls"], tmp_path / "out.parquet",
        "--keep", "id", "--store", store,
    )  # fmt: skip
    assert predicted.returncode == 0, predicted.stderr
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert list(out.columns) == ["id", "prediction"]
    assert len(out) == 600
    assert set(out["prediction"]) <= {"yes", "no"}


def test_errors_exit_1_without_a_traceback_and_usage_errors_2(tmp_path):
    error = mlarsenal("predict", tmp_path / "none.mla", tmp_path / "a.csv", tmp_path / "b.csv")
    assert error.returncode == 1
    assert error.stderr.startswith("Error: model: no file")
    assert "Traceback" not in error.stderr
    assert error.stdout == ""
    usage = mlarsenal("train", "data.csv")
    assert usage.returncode == 2
    assert "Missing option '--target'" in usage.stderr


def test_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "mlarsenal.cli", "info"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("mlarsenal ")
