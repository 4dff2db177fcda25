"""The demo behind ``make demo``: comparison table, registration, one served request."""

import importlib
import subprocess
import sys

import pytest

from mlarsenal.demo import _compare, _run, run_demo
from mlarsenal.registry import Registry


def _serving_ready() -> bool:
    try:
        return callable(importlib.import_module("mlarsenal.serving").create_app)
    except (ImportError, AttributeError):
        return False


needs_serving = pytest.mark.skipif(not _serving_ready(), reason="mlarsenal.serving.create_app")


def test_comparison_and_registration(tmp_path):
    lines = []
    summary = run_demo(store=tmp_path / "store", serve=False, repeats=1, echo=lines.append)
    text = "\n".join(lines)
    for library in ("mlarsenal", "scikit-learn"):
        assert f"breast_cancer  455/114          {library}" in text
        assert f"diabetes       353/89           {library}" in text
    scores = {(r.data_set, r.library): r.scores for r in summary.results}
    # Same settings, same data: the same quality within noise.
    ours, theirs = scores["breast_cancer", "mlarsenal"], scores["breast_cancer", "scikit-learn"]
    assert abs(ours["accuracy"] - theirs["accuracy"]) < 0.05
    assert ours["roc_auc"] > 0.95
    ours, theirs = scores["diabetes", "mlarsenal"], scores["diabetes", "scikit-learn"]
    assert abs(ours["rmse"] - theirs["rmse"]) < 0.1 * theirs["rmse"]
    version = Registry(tmp_path / "store").resolve("breast_cancer@champion")
    assert summary.model_uri == version.uri == "models:/breast_cancer/1"
    assert version.metrics["accuracy"] == scores["breast_cancer", "mlarsenal"]["accuracy"]
    assert summary.reply is None
    assert "threads per library: 1; times: median of 1 call(s)" in text
    with pytest.raises(ValueError, match="repeats must be an integer >= 1"):
        run_demo(repeats=0)
    with pytest.raises(ValueError, match="n_jobs must be None or an integer >= 1"):
        run_demo(n_jobs=0)


@needs_serving
def test_serving_step_answers_one_inference_request(tmp_path):
    from mlarsenal.ensemble import GradientBoostingClassifier

    data = _compare.bundled_data_sets()[0]
    model = GradientBoostingClassifier(max_iter=10).fit(data.X_train, data.y_train)
    registry = Registry(tmp_path / "store")
    registry.register(_run.MODEL_NAME, model, aliases=[_run.ALIAS])
    lines = []
    reply = _run._serve_and_ask(registry, data, lines.append)
    outputs = {output["name"]: output for output in reply["outputs"]}
    sent = 2 * _run.ROWS_PER_CLASS
    assert outputs["predict"]["shape"] == [sent]
    assert outputs["predict"]["data"] == [0, 0, 1, 1]
    assert outputs["predict_proba"]["shape"] == [sent, 2]
    assert lines[0].startswith("serving on http://127.0.0.1:")
    assert lines[-1] == "server stopped"


@needs_serving
def test_python_dash_m_demo_runs_under_a_minute():
    result = subprocess.run(
        [sys.executable, "-m", "mlarsenal.demo", "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "server stopped" in result.stdout
    assert "done in" in result.stdout


def test_python_dash_m_demo_help():
    result = subprocess.run(
        [sys.executable, "-m", "mlarsenal.demo", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: python -m mlarsenal.demo")
