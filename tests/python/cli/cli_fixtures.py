"""Data files, a registry root and a CliRunner helper for the command-line tests.

Test modules bind the fixtures they use by name. A conftest.py here would clash
with the conftest.py of any sibling test folder: without __init__.py files,
pytest's doctest collection imports each of them as the one module "conftest".
"""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mlarsenal.cli import cli


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """A classification CSV (id, numeric and text features, label) and a regression Parquet."""
    folder = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(11)
    n = 600
    frame = pd.DataFrame(
        {
            "id": np.arange(n) + 1000,
            "x1": rng.normal(size=n),
            "x2": rng.integers(0, 5, size=n).astype(np.float64),
            "color": rng.choice(["red", "green", "blue"], size=n),
        }
    )
    frame["label"] = np.where(frame["x1"] + (frame["color"] == "red") > 0.4, "yes", "no")
    frame.to_csv(folder / "cls.csv", index=False)
    regression = frame.drop(columns=["label", "color"]).assign(
        value=frame["x1"] * 3 + frame["x2"] + rng.normal(scale=0.1, size=n)
    )
    regression.to_parquet(folder / "reg.parquet")
    return {
        "folder": folder,
        "cls": folder / "cls.csv",
        "reg": folder / "reg.parquet",
        "frame": frame,
    }


@pytest.fixture
def store(tmp_path):
    return str(tmp_path / "store")


@pytest.fixture
def run_cli():
    """Invoke ``mlarsenal ARGS`` in this process; returns click's Result (stdout, stderr, exit_code)."""
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input)

    return run


@pytest.fixture(scope="module")
def fitted(labelled):
    """A classifier (named features, a text one) and a regressor fitted on the files' data."""
    from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

    frame = labelled["frame"]
    X = frame[["x1", "x2", "color"]].astype({"color": "category"})
    classifier = GradientBoostingClassifier(max_iter=10, random_state=0).fit(X, frame["label"])
    regressor = GradientBoostingRegressor(max_iter=10, random_state=0).fit(
        frame[["x1", "x2"]], frame["x1"] * 3 + frame["x2"]
    )
    return {"classifier": classifier, "regressor": regressor, "X": X}
