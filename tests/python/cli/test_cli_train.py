"""``mlarsenal train``: fit from a file, record a run, register a version."""

import cli_fixtures
import numpy as np

import mlarsenal
from mlarsenal import tracking
from mlarsenal.registry import Registry

# The shared fixtures (a conftest.py here would clash with other test folders').
labelled = cli_fixtures.labelled
run_cli = cli_fixtures.run_cli
store = cli_fixtures.store


def test_train_registers_a_classifier_with_its_run(run_cli, labelled, store):
    result = run_cli(
        "train", labelled["cls"], "--target", "label", "--drop", "id", "--name", "churn",
        "--param", "max_iter=12", "--param", "learning_rate=0.2", "--alias", "champion",
        "--tag", "team=risk", "--description", "first", "--store", store,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip().splitlines()[-1] == "registered models:/churn/1 (aliases: champion)"
    )
    assert "task: classification (2 classes)" in result.stderr
    assert "roc_auc" in result.stdout
    version = Registry(store).resolve("churn@champion")
    assert version.tags == {"team": "risk"}
    assert version.description == "first"
    assert set(version.metrics) == {"accuracy", "balanced_accuracy", "log_loss", "roc_auc"}
    assert version.params["max_iter"] == 12 and version.params["learning_rate"] == 0.2
    assert version.lineage.feature_names == ("x1", "x2", "color")
    run = tracking.get_run(version.lineage.run_id, registry=store)
    assert run.status == "FINISHED"
    assert run.params["max_iter"] == 12 and run.params["target"] == "label"
    assert run.metrics["accuracy"] == version.metrics["accuracy"]
    model = Registry(store).load("churn/1")
    assert list(model.classes_) == ["no", "yes"]


def test_regression_from_parquet_without_holdout_and_a_model_file(
    run_cli, labelled, store, tmp_path
):
    result = run_cli(
        "train", labelled["reg"], "--target", "value", "--drop", "id", "--name", "reg",
        "--holdout", "0", "--param", "max_iter=8", "--output", tmp_path / "reg.mla",
        "--store", store,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "task: regression" in result.stderr
    assert "holdout" not in result.stdout
    saved = mlarsenal.load(tmp_path / "reg.mla")
    registered = Registry(store).load("reg/latest")
    X = labelled["frame"][["x1", "x2"]]
    np.testing.assert_allclose(saved.predict(X), registered.predict(X))
    again = run_cli("train", labelled["reg"], "--target", "value", "--name", "reg",
                    "--param", "max_iter=4", "--store", store)  # fmt: skip
    assert again.stdout.strip().endswith("registered models:/reg/2")


def test_output_only_registers_nothing(run_cli, labelled, tmp_path):
    result = run_cli(
        "train", labelled["cls"], "--target", "label", "--param", "max_iter=5",
        "--output", tmp_path / "m.mla", "--store", tmp_path / "store",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.mla").is_file()
    assert not (tmp_path / "store").exists()


def test_a_failed_fit_leaves_a_failed_run(run_cli, labelled, store):
    result = run_cli("train", labelled["cls"], "--target", "label", "--name", "churn",
                     "--param", "max_iter=0", "--store", store)  # fmt: skip
    assert result.exit_code == 1
    assert "max_iter must be an integer >= 1" in result.stderr
    (run,) = tracking.list_runs(registry=store)
    assert run.status == "FAILED"
    assert Registry(store).list_models() == []


def test_usage_errors_exit_2(run_cli, labelled, store):
    no_destination = run_cli("train", labelled["cls"], "--target", "label")
    assert no_destination.exit_code == 2
    assert "give --name" in no_destination.stderr
    assert run_cli("train", labelled["cls"], "--name", "x").exit_code == 2  # no --target
    bad_pair = run_cli("train", labelled["cls"], "--target", "label", "--name", "x",
                       "--param", "max_iter", "--store", store)  # fmt: skip
    assert bad_pair.exit_code == 2
    assert "expected key=value" in bad_pair.stderr


def test_user_errors_exit_1_with_a_message(run_cli, labelled, store, tmp_path):
    cases = [
        (["--target", "nope", "--name", "x"], "no column 'nope'"),
        (["--target", "label", "--name", "x", "--param", "foo=1"], "has no parameter(s) ['foo']"),
        (["--target", "label", "--name", "../x"], "invalid model name '../x'"),
        (["--target", "label", "--name", "x", "--alias", "7"], "invalid alias '7'"),
        (["--target", "label", "--name", "x", "--drop", "zz"], "--drop: the data has no column"),
        (
            ["--target", "label", "--name", "x", "--model", "gradient_boosting_regressor"],
            "a regressor needs a numeric target",
        ),
    ]
    for args, message in cases:
        result = run_cli("train", labelled["cls"], *args, "--store", store)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    missing = run_cli("train", tmp_path / "absent.csv", "--target", "y", "--name", "x")
    assert missing.exit_code == 1
    assert "no such file" in missing.stderr
    assert Registry(store).list_models() == []
