"""Smoke tests of the `linear` and `least_squares` benchmark suites: small runs complete and
the two libraries' results agree."""

import importlib
import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_small_linear_run(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    main = importlib.import_module("benchmarks.run").main
    args = ["linear", "--rows", "600", "--repeats", "1", "--n-jobs", "1", "--out", str(tmp_path)]
    assert main(args) == 0

    run = json.loads((tmp_path / "latest.json").read_text())
    cases = {row["case"]: row for row in run["results"]}
    assert set(cases) == {
        "logistic_l1_d100",
        "logistic_l1_saga_d100",
        "logistic_binary_d100",
        "logistic_multinomial_10_classes_d100",
    }
    for row in cases.values():
        assert row["error"] is None
        # Both stop at tol=1e-4 (saga: on its coefficient change): close, not equal, objectives.
        assert row["quality"]["max_rel_diff"] < 1e-3, row["case"]


def test_small_least_squares_run(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    main = importlib.import_module("benchmarks.run").main
    args = ["least_squares", "--rows", "800", "--repeats", "1", "--n-jobs", "1"]
    assert main([*args, "--out", str(tmp_path)]) == 0

    run = json.loads((tmp_path / "latest.json").read_text())
    cases = {row["case"]: row for row in run["results"]}
    assert set(cases) == {"LinearRegression_d500", "Ridge_d500"}
    for row in cases.values():
        assert row["error"] is None
        assert row["quality"]["max_rel_diff"] < 1e-9, row["case"]
