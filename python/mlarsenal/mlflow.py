"""The MLflow flavor: mlarsenal models in MLflow runs, MLflow's registry and pyfunc.

``save_model`` writes an MLflow model directory holding the model file
(``model.mlarsenal``: the checksummed model file format, never pickle) and an
``MLmodel`` with two flavors: ``mlarsenal`` (the file's name, kind, SHA-256 and
the writing mlarsenal version) and ``python_function`` (loader: this module).
``log_model`` logs it to the active MLflow run (and registers it with
`registered_model_name`); ``load_model`` gives back the mlarsenal model, and
``mlflow.pyfunc.load_model`` a pyfunc whose ``predict`` calls it. Loading
checks the file against the SHA-256 recorded in ``MLmodel``.

Needs MLflow (``pip install 'mlarsenal[mlflow]'``: the ``mlflow-skinny`` client
is enough); ``import mlarsenal.mlflow`` alone does not import it.

>>> import numpy as np, tempfile, os
>>> import mlarsenal.mlflow
>>> from mlarsenal import GradientBoostingRegressor
>>> X = np.random.default_rng(0).normal(size=(100, 2)); y = X[:, 0]
>>> model = GradientBoostingRegressor(max_iter=3).fit(X, y)
>>> path = os.path.join(tempfile.mkdtemp(), "model")
>>> mlarsenal.mlflow.save_model(model, path)
>>> np.allclose(mlarsenal.mlflow.load_model(path).predict(X), model.predict(X))
True
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil

from mlarsenal._optional import import_optional
from mlarsenal._serialization import ModelFormatError, loads
from mlarsenal._serialization import load as load_model_file
from mlarsenal._version import __version__
from mlarsenal.registry._registry import _model_bytes

FLAVOR_NAME = "mlarsenal"
MODEL_FILE = "model.mlarsenal"
PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function")

__all__ = [
    "FLAVOR_NAME",
    "get_default_conda_env",
    "get_default_pip_requirements",
    "load_model",
    "log_model",
    "save_model",
]


def _mlflow():
    return import_optional("mlflow", extra="mlflow", purpose="mlarsenal.mlflow")


def get_default_pip_requirements() -> list[str]:
    """What a model saved by this mlarsenal needs to load: this mlarsenal (its dependencies follow)."""
    return [f"mlarsenal=={__version__}"]


def get_default_conda_env() -> dict:
    from mlflow.utils.environment import _mlflow_conda_env

    return _mlflow_conda_env(additional_pip_deps=get_default_pip_requirements())


def save_model(
    model,
    path,
    *,
    conda_env=None,
    mlflow_model=None,
    signature=None,
    input_example=None,
    pip_requirements=None,
    extra_pip_requirements=None,
    metadata=None,
    pyfunc_predict_fn: str = "predict",
) -> None:
    """Write `model` as an MLflow model directory at `path` (which must not exist).

    model: a fitted mlarsenal model (anything with ``to_bytes()``), a model
    file's bytes or its path. pyfunc_predict_fn: the method the pyfunc's ``predict``
    calls (``"predict"``, ``"predict_proba"``, ...). signature, input_example,
    pip_requirements, extra_pip_requirements, conda_env and metadata mean
    what they mean for MLflow's built-in flavors; with an input_example and no
    signature, the signature is inferred from the model's prediction on it.
    """
    _mlflow()
    import mlflow.pyfunc
    from mlflow.models import Model, infer_signature
    from mlflow.models.model import MLMODEL_FILE_NAME
    from mlflow.models.utils import _save_example
    from mlflow.utils.environment import (
        _CONDA_ENV_FILE_NAME,
        _CONSTRAINTS_FILE_NAME,
        _PYTHON_ENV_FILE_NAME,
        _REQUIREMENTS_FILE_NAME,
        _process_conda_env,
        _process_pip_requirements,
        _PythonEnv,
    )

    if pyfunc_predict_fn not in PREDICT_METHODS:
        raise ValueError(
            f"pyfunc_predict_fn must be one of {', '.join(PREDICT_METHODS)}, got {pyfunc_predict_fn!r}"
        )
    data = _model_bytes(model)
    try:
        kind = loads(data)[0]
    except ModelFormatError as exc:
        raise ModelFormatError(f"cannot save the model for MLflow: {exc}") from exc
    path = os.path.abspath(os.fspath(path))
    if os.path.exists(path):
        raise FileExistsError(f"{path} already exists; MLflow models are written to a new folder")
    os.makedirs(path)
    try:
        with open(os.path.join(path, MODEL_FILE), "wb") as f:
            f.write(data)
        if mlflow_model is None:
            mlflow_model = Model()
        if input_example is not None:
            if signature is None:
                predictor = (
                    model if callable(getattr(model, "predict", None)) else load_model_file(data)
                )
                signature = infer_signature(
                    input_example, getattr(predictor, pyfunc_predict_fn)(input_example)
                )
            _save_example(mlflow_model, input_example, path)
        if signature is not None:
            mlflow_model.signature = signature
        if metadata is not None:
            mlflow_model.metadata = metadata
        mlflow.pyfunc.add_to_model(
            mlflow_model,
            loader_module="mlarsenal.mlflow",
            data=MODEL_FILE,
            conda_env=_CONDA_ENV_FILE_NAME,
            python_env=_PYTHON_ENV_FILE_NAME,
        )
        mlflow_model.add_flavor(
            FLAVOR_NAME,
            mlarsenal_version=__version__,
            model_file=MODEL_FILE,
            kind=kind,
            sha256=hashlib.sha256(data).hexdigest(),
            pyfunc_predict_fn=pyfunc_predict_fn,
        )
        mlflow_model.save(os.path.join(path, MLMODEL_FILE_NAME))

        if conda_env is None:
            # Given as a list, the defaults are used as they are: MLflow does not
            # start a process to infer requirements.
            conda_env, requirements, constraints = _process_pip_requirements(
                get_default_pip_requirements(), pip_requirements, extra_pip_requirements
            )
        else:
            conda_env, requirements, constraints = _process_conda_env(conda_env)
        import yaml

        with open(os.path.join(path, _CONDA_ENV_FILE_NAME), "w") as f:
            yaml.safe_dump(conda_env, stream=f, default_flow_style=False)
        if constraints:
            with open(os.path.join(path, _CONSTRAINTS_FILE_NAME), "w") as f:
                f.write("\n".join(constraints) + "\n")
        with open(os.path.join(path, _REQUIREMENTS_FILE_NAME), "w") as f:
            f.write("\n".join(requirements) + "\n")
        _PythonEnv.current().to_yaml(os.path.join(path, _PYTHON_ENV_FILE_NAME))
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def log_model(
    model,
    name: str = "model",
    *,
    registered_model_name: str | None = None,
    signature=None,
    input_example=None,
    pip_requirements=None,
    extra_pip_requirements=None,
    conda_env=None,
    metadata=None,
    pyfunc_predict_fn: str = "predict",
    **kwargs,
):
    """Log `model` to the active MLflow run (one is started if none is) under `name`.

    With `registered_model_name`, the logged model is also registered in
    MLflow's model registry. Returns MLflow's ModelInfo (``.model_uri``...).
    Other keyword arguments go to ``mlflow.models.Model.log``.
    """
    _mlflow()
    from mlflow.models import Model

    where = {"name": name} if "name" in inspect.signature(Model.log).parameters else {}
    return Model.log(
        artifact_path=None if where else name,
        flavor=_this_module(),
        registered_model_name=registered_model_name,
        model=model,
        signature=signature,
        input_example=input_example,
        pip_requirements=pip_requirements,
        extra_pip_requirements=extra_pip_requirements,
        conda_env=conda_env,
        metadata=metadata,
        pyfunc_predict_fn=pyfunc_predict_fn,
        **where,
        **kwargs,
    )


def load_model(model_uri: str, dst_path: str | None = None):
    """The mlarsenal model at an MLflow URI (``runs:/<id>/model``, ``models:/<name>/1``,
    a local folder...), checked against the SHA-256 recorded when it was saved."""
    mlflow = _mlflow()
    local = mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=dst_path)
    return _load_from_directory(local)


def _load_from_directory(path: str):
    from mlflow.models import Model
    from mlflow.models.model import MLMODEL_FILE_NAME

    conf = Model.load(os.path.join(path, MLMODEL_FILE_NAME)).flavors.get(FLAVOR_NAME)
    if conf is None:
        raise ValueError(f"the MLflow model at {path} has no {FLAVOR_NAME!r} flavor")
    return _load_file(os.path.join(path, conf.get("model_file", MODEL_FILE)), conf.get("sha256"))


def _load_file(file_path: str, sha256: str | None):
    with open(file_path, "rb") as f:
        data = f.read()
    if sha256 is not None:
        found = hashlib.sha256(data).hexdigest()
        if found != sha256:
            from mlarsenal.registry import ArtifactIntegrityError

            raise ArtifactIntegrityError(
                f"{file_path} failed its SHA-256 check: MLmodel records {sha256}, the file "
                f"hashes to {found}; it was corrupted or tampered with"
            )
    return load_model_file(data)


class _PyfuncModel:
    """What ``mlflow.pyfunc.load_model`` wraps: ``predict`` calls the model's predict function."""

    def __init__(self, model, predict_fn: str):
        self.model = model
        self.predict_fn = predict_fn

    def get_raw_model(self):
        return self.model

    def predict(self, data, params=None):
        return getattr(self.model, self.predict_fn)(data)


def _load_pyfunc(path: str, model_config=None):
    """MLflow's pyfunc entry point; `path` is the model file (the ``data`` of the pyfunc flavor)."""
    directory = os.path.dirname(path) if os.path.isfile(path) else path
    from mlflow.models import Model
    from mlflow.models.model import MLMODEL_FILE_NAME

    conf = {}
    mlmodel = os.path.join(directory, MLMODEL_FILE_NAME)
    if os.path.exists(mlmodel):
        conf = Model.load(mlmodel).flavors.get(FLAVOR_NAME, {})
    file_path = (
        path if os.path.isfile(path) else os.path.join(path, conf.get("model_file", MODEL_FILE))
    )
    model = _load_file(file_path, conf.get("sha256"))
    return _PyfuncModel(model, conf.get("pyfunc_predict_fn", "predict"))


def _this_module():
    import sys

    return sys.modules[__name__]
