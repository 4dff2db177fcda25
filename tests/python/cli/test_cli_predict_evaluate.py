"""``mlarsenal predict`` and ``mlarsenal evaluate`` on model files and registry references."""

import importlib.util
import json

import cli_fixtures
import numpy as np
import pandas as pd
import pytest

from mlarsenal.cli._scores import classification_scores, regression_scores
from mlarsenal.registry import Registry

# The shared fixtures (a conftest.py here would clash with other test folders').
fitted = cli_fixtures.fitted
labelled = cli_fixtures.labelled
run_cli = cli_fixtures.run_cli
store = cli_fixtures.store


def test_predict_from_a_model_file(run_cli, labelled, fitted, tmp_path):
    fitted["classifier"].save(tmp_path / "clf.mla")
    result = run_cli("predict", tmp_path / "clf.mla", labelled["cls"], tmp_path / "out.csv",
                     "--keep", "id", "--chunk-rows", "64")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"wrote 600 rows to {tmp_path / 'out.csv'}"
    out = pd.read_csv(tmp_path / "out.csv")
    assert list(out.columns) == ["id", "prediction"]
    np.testing.assert_array_equal(out["id"], labelled["frame"]["id"])
    np.testing.assert_array_equal(out["prediction"], fitted["classifier"].predict(fitted["X"]))


@pytest.mark.parametrize("reference", ["models:/clf@champion", "clf@champion", "clf/1", "clf"])
def test_predict_from_registry_references(run_cli, labelled, fitted, store, tmp_path, reference):
    Registry(store).register("clf", fitted["classifier"], aliases=["champion"])
    result = run_cli("predict", reference, labelled["cls"], tmp_path / "p.parquet",
                     "--method", "predict_proba", "--store", store)  # fmt: skip
    assert result.exit_code == 0, result.output
    out = pd.read_parquet(tmp_path / "p.parquet")
    assert list(out.columns) == ["proba_no", "proba_yes"]
    np.testing.assert_allclose(out.to_numpy(), fitted["classifier"].predict_proba(fitted["X"]))


def test_predict_errors(run_cli, labelled, fitted, store, tmp_path):
    fitted["regressor"].save(tmp_path / "reg.mla")
    cases = [
        (["nothing.mla"], "no file 'nothing.mla'"),
        (["models:/ghost@champion"], "no registered model 'ghost'"),
        ([tmp_path / "reg.mla", "--method", "predict_proba"], "has no predict_proba method"),
        ([tmp_path / "reg.mla", "--keep", "nope"], "no column(s) ['nope']"),
        ([labelled["cls"]], "not an mlarsenal model file"),
    ]
    for args, message in cases:
        model, *options = args
        result = run_cli("predict", model, labelled["cls"], tmp_path / "out.csv", *options,
                         "--store", store)  # fmt: skip
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    assert not (tmp_path / "out.csv").exists()
    usage = run_cli("predict", tmp_path / "reg.mla", labelled["cls"], tmp_path / "o.csv",
                    "--chunk-rows", "0")  # fmt: skip
    assert usage.exit_code == 2


def test_evaluate_a_classifier(run_cli, labelled, fitted, tmp_path):
    fitted["classifier"].save(tmp_path / "clf.mla")
    table = run_cli("evaluate", tmp_path / "clf.mla", labelled["cls"], "--target", "label")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0] == "600 rows"
    assert [line.split()[0] for line in lines[3:]] == [
        "accuracy", "balanced_accuracy", "log_loss", "roc_auc",
    ]  # fmt: skip
    as_json = run_cli("evaluate", tmp_path / "clf.mla", labelled["cls"], "--target", "label",
                      "--json", "--chunk-rows", "50")  # fmt: skip
    record = json.loads(as_json.stdout)
    expected = classification_scores(
        labelled["frame"]["label"],
        fitted["classifier"].predict_proba(fitted["X"]),
        fitted["classifier"].classes_,
    )
    assert record.pop("rows") == 600
    assert record == pytest.approx(expected)


def test_evaluate_a_registered_regressor(run_cli, labelled, fitted, store):
    Registry(store).register("reg", fitted["regressor"])
    result = run_cli("evaluate", "reg", labelled["reg"], "--target", "value", "--json",
                     "--store", store)  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    frame = pd.read_parquet(labelled["reg"])
    expected = regression_scores(frame["value"], fitted["regressor"].predict(frame[["x1", "x2"]]))
    assert record.pop("rows") == 600
    assert record == pytest.approx(expected)


def test_evaluate_errors(run_cli, labelled, fitted, tmp_path):
    fitted["classifier"].save(tmp_path / "clf.mla")
    missing = run_cli("evaluate", tmp_path / "clf.mla", labelled["cls"], "--target", "nope")
    assert missing.exit_code == 1
    assert "no column 'nope'" in missing.stderr
    feature = run_cli("evaluate", tmp_path / "clf.mla", labelled["cls"], "--target", "x1")
    assert feature.exit_code == 1
    assert "one of the model's input features" in feature.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is not None, reason="matplotlib is installed"
)
def test_evaluate_plots_name_the_missing_extra(run_cli, labelled, fitted, tmp_path):
    fitted["classifier"].save(tmp_path / "clf.mla")
    result = run_cli("evaluate", tmp_path / "clf.mla", labelled["cls"], "--target", "label",
                     "--plots", tmp_path / "plots")  # fmt: skip
    assert result.exit_code == 1
    assert "mlarsenal[plot]" in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="needs matplotlib")
def test_evaluate_writes_plots(run_cli, labelled, fitted, tmp_path):
    fitted["classifier"].save(tmp_path / "clf.mla")
    result = run_cli("evaluate", tmp_path / "clf.mla", labelled["cls"], "--target", "label",
                     "--plots", tmp_path / "plots")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "confusion_matrix.png", "roc_curve.png",
    ]  # fmt: skip
