"""Smoke test of the benchmark runner: a --quick run writes complete JSON and Markdown."""

import importlib
import json
import sys
import types
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def run_benchmarks(monkeypatch):
    # The benchmarks package lives at the repository root, which is not on sys.path when
    # pytest is started as `pytest` rather than `python -m pytest`.
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    return importlib.import_module("benchmarks.run").main


def test_quick_run_writes_json_and_markdown(run_benchmarks, tmp_path, capsys):
    rc = run_benchmarks(
        ["metrics", "--quick", "--repeats", "2", "--n-jobs", "1", "--out", str(tmp_path)]
    )
    assert rc == 0

    stamped = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("latest"))
    assert len(stamped) == 2
    assert stamped[0].endswith("_metrics.json")
    assert stamped[1].endswith("_metrics.md")
    assert (tmp_path / "latest.json").read_text() == (tmp_path / stamped[0]).read_text()

    run = json.loads((tmp_path / "latest.json").read_text())
    env = run["environment"]
    assert env["cpu"]["model"]
    assert env["threads"] == 1
    assert env["build_info"]["version"]
    assert set(env["env"]) >= {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"}
    assert env["versions"]["numpy"] and env["versions"]["scikit-learn"]

    cases = {row["case"] for row in run["results"]}
    assert cases == {
        "roc_auc_score",
        "log_loss",
        "mean_squared_error",
        "accuracy_score",
        "confusion_matrix",
    }
    for row in run["results"]:
        assert row["error"] is None
        assert len(row["ours"]["times_s"]) == len(row["peer"]["times_s"]) == 2
        assert row["ours"]["median_s"] > 0 and row["peer"]["median_s"] > 0
        assert row["speedup"] == pytest.approx(row["peer"]["median_s"] / row["ours"]["median_s"])
        quality = row["quality"]
        assert {"ours_value", "peer_value", "max_abs_diff", "max_rel_diff", "equal"} <= set(quality)
    by_case = {row["case"]: row for row in run["results"]}
    assert by_case["confusion_matrix"]["quality"]["equal"] is True

    markdown = (tmp_path / "latest.md").read_text()
    assert ">1 means mlarsenal is faster" in markdown
    assert "| metrics | roc_auc_score |" in markdown
    assert markdown in capsys.readouterr().out


def test_list_names_every_suite(run_benchmarks, capsys):
    assert run_benchmarks(["--list"]) == 0
    assert "metrics" in capsys.readouterr().out


def test_unknown_suite_is_a_usage_error(run_benchmarks):
    with pytest.raises(SystemExit) as excinfo:
        run_benchmarks(["no-such-suite"])
    assert excinfo.value.code == 2


def _register_fake_suite(monkeypatch, suite):
    # A suite module built in memory and registered like a real one.
    module = types.ModuleType("fake_benchmark_suite")
    module.SUITE = suite
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(
        importlib.import_module("benchmarks.suites").SUITE_MODULES, suite.name, module.__name__
    )


def test_suite_with_missing_peer_is_skipped_with_its_package_named(
    run_benchmarks, monkeypatch, tmp_path, capsys
):
    from benchmarks.suite import Peer, Suite

    def never_called():
        raise AssertionError("cases of a skipped suite must not be built")

    suite = Suite(
        name="needs-missing-peer",
        description="a peer that is not installed",
        peers=(Peer(module="no_such_peer_module", distribution="no-such-peer"),),
        default_rows=10,
        quick_rows=10,
        build_cases=never_called,
    )
    _register_fake_suite(monkeypatch, suite)

    assert run_benchmarks([suite.name, "--quick", "--out", str(tmp_path)]) == 0
    assert "no-such-peer" in capsys.readouterr().err
    run = json.loads((tmp_path / "latest.json").read_text())
    assert run["results"] == []
    assert run["skipped"][0]["suite"] == suite.name
    assert "mlarsenal[bench]" in run["skipped"][0]["reason"]


def test_failing_case_is_recorded_and_sets_the_exit_status(
    run_benchmarks, monkeypatch, tmp_path, capsys
):
    from benchmarks.case import Case
    from benchmarks.quality import scalar_agreement
    from benchmarks.suite import Suite

    def unfinished(data, n_jobs):
        raise NotImplementedError("not written yet")

    def build_cases():
        return [
            Case(
                name="unfinished",
                make_data=lambda rows, seed: (rows,),
                ours=unfinished,
                peer=lambda data, n_jobs: 0.0,
                peer_name="peer",
                quality=scalar_agreement,
            )
        ]

    suite = Suite(
        name="failing",
        description="",
        peers=(),
        default_rows=5,
        quick_rows=5,
        build_cases=build_cases,
    )
    _register_fake_suite(monkeypatch, suite)

    assert run_benchmarks([suite.name, "--quick", "--out", str(tmp_path)]) == 1
    run = json.loads((tmp_path / "latest.json").read_text())
    assert run["results"][0]["error"] == "NotImplementedError: not written yet"
    assert "ERROR: NotImplementedError" in (tmp_path / "latest.md").read_text()
    capsys.readouterr()
