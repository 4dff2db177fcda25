"""The MLflow flavor, through a real local MLflow store (runs, model registry, pyfunc)."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("mlflow")
pd = pytest.importorskip("pandas")

import mlflow  # noqa: E402
import mlflow.pyfunc  # noqa: E402

import mlarsenal.mlflow  # noqa: E402
from mlarsenal import GradientBoostingClassifier, GradientBoostingRegressor  # noqa: E402
from mlarsenal.registry import ArtifactIntegrityError  # noqa: E402


@pytest.fixture
def mlflow_store(tmp_path, monkeypatch):
    """A local MLflow tracking store and model registry in tmp_path (MLflow's file store)."""
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    previous = mlflow.get_tracking_uri(), mlflow.get_registry_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    yield uri
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(previous[0])
    mlflow.set_registry_uri(previous[1])


@pytest.fixture(scope="module")
def churn():
    rng = np.random.default_rng(11)
    X = pd.DataFrame(rng.normal(size=(400, 3)), columns=["tenure", "spend", "calls"])
    y = (X["tenure"] - X["calls"] + 0.2 * rng.normal(size=400) > 0).map(
        {True: "stay", False: "churn"}
    )
    return X, y, GradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y)


def test_log_register_and_load_back(mlflow_store, churn):
    X, _, model = churn
    with mlflow.start_run() as run:
        info = mlarsenal.mlflow.log_model(
            model, "model", registered_model_name="churn", input_example=X.iloc[:5]
        )
    assert info.run_id == run.info.run_id
    expected = model.predict(X)
    for uri in (info.model_uri, "models:/churn/1", f"runs:/{run.info.run_id}/model"):
        loaded = mlarsenal.mlflow.load_model(uri)
        assert type(loaded) is GradientBoostingClassifier
        np.testing.assert_array_equal(loaded.predict(X), expected)
    version = mlflow.tracking.MlflowClient().get_model_version("churn", "1")
    assert version.run_id == run.info.run_id

    pyfunc = mlflow.pyfunc.load_model("models:/churn/1")
    np.testing.assert_array_equal(pyfunc.predict(X), expected)
    assert type(pyfunc.get_raw_model()) is GradientBoostingClassifier
    signature = pyfunc.metadata.signature
    assert signature.inputs.input_names() == ["tenure", "spend", "calls"]
    flavor = pyfunc.metadata.flavors["mlarsenal"]
    assert flavor["kind"] == "gradient_boosting"
    assert flavor["mlarsenal_version"] == mlarsenal.__version__


def test_save_model_writes_a_complete_mlflow_model(tmp_path, churn):
    X, _, model = churn
    path = tmp_path / "model"
    mlarsenal.mlflow.save_model(
        model, path, pyfunc_predict_fn="predict_proba", metadata={"team": "retention"}
    )
    assert sorted(os.listdir(path)) == [
        "MLmodel",
        "conda.yaml",
        "model.mlarsenal",
        "python_env.yaml",
        "requirements.txt",
    ]
    assert f"mlarsenal=={mlarsenal.__version__}" in (path / "requirements.txt").read_text()
    pyfunc = mlflow.pyfunc.load_model(str(path))
    np.testing.assert_allclose(pyfunc.predict(X), model.predict_proba(X))
    assert pyfunc.metadata.metadata == {"team": "retention"}
    # The model file is the mlarsenal model file: mlarsenal.load reads it directly.
    np.testing.assert_array_equal(
        mlarsenal.load(path / "model.mlarsenal").predict(X), model.predict(X)
    )
    with pytest.raises(FileExistsError):
        mlarsenal.mlflow.save_model(model, path)
    with pytest.raises(ValueError, match="pyfunc_predict_fn"):
        mlarsenal.mlflow.save_model(model, tmp_path / "other", pyfunc_predict_fn="transform")
    assert not (tmp_path / "other").exists()


def test_a_tampered_model_file_is_refused(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    model = GradientBoostingRegressor(max_iter=3).fit(X, X[:, 0])
    path = tmp_path / "model"
    mlarsenal.mlflow.save_model(model, path)
    other = GradientBoostingRegressor(max_iter=4).fit(X, -X[:, 0])
    (path / "model.mlarsenal").write_bytes(other.to_bytes())  # valid file, not the saved one
    with pytest.raises(ArtifactIntegrityError, match="SHA-256"):
        mlarsenal.mlflow.load_model(str(path))
    with pytest.raises(ArtifactIntegrityError, match="SHA-256"):
        mlflow.pyfunc.load_model(str(path))


def test_only_mlarsenal_models_are_accepted(tmp_path):
    with pytest.raises(TypeError, match="to_bytes"):
        mlarsenal.mlflow.save_model(object(), tmp_path / "model")
    with pytest.raises(ValueError, match="cannot save the model for MLflow"):
        mlarsenal.mlflow.save_model(b"garbage", tmp_path / "model")
    assert not (tmp_path / "model").exists()
