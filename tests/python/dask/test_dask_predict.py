"""mlarsenal.dask.predict on a real dask.distributed LocalCluster."""

import numpy as np
import pandas as pd
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

from mlarsenal import dask as mdask  # noqa: E402
from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Threads in this process: starts in milliseconds; the process test below
    # covers shipping the model to another interpreter.
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(1200, 4))
    labels = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    return X, labels


@pytest.fixture(scope="module")
def named_classifier(data):
    X, labels = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    return GradientBoostingClassifier(max_iter=10, random_state=0).fit(frame, labels)


@pytest.fixture(scope="module")
def regressor(data):
    X, _ = data
    return GradientBoostingRegressor(max_iter=10, random_state=0).fit(X, X[:, 0] - X[:, 2])


def test_array_predictions_equal_the_model(client, data, regressor, named_classifier):
    X, _ = data
    # Column chunks too: each block must see whole rows.
    array = da.from_array(X, chunks=(250, 2))
    result = mdask.predict(array, regressor)
    assert isinstance(result, da.Array)
    np.testing.assert_allclose(result.compute(), regressor.predict(X))
    labels = mdask.predict(array, named_classifier).compute()
    np.testing.assert_array_equal(
        labels, named_classifier.predict(pd.DataFrame(X, columns=["a", "b", "c", "d"]))
    )
    proba = mdask.predict(array, named_classifier, method="predict_proba")
    assert proba.shape == (1200, 2)
    np.testing.assert_allclose(
        proba.compute(),
        named_classifier.predict_proba(pd.DataFrame(X, columns=["a", "b", "c", "d"])),
    )


def test_dataframe_predictions_keep_the_index(client, data, named_classifier):
    X, _ = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=np.arange(1200) * 3)
    # Columns in another order plus an extra one: the model picks its features by name.
    ddf = dd.from_pandas(frame.assign(extra=1.0)[["extra", "d", "c", "b", "a"]], npartitions=5)
    series = mdask.predict(ddf, named_classifier).compute()
    assert series.name == "prediction"
    pd.testing.assert_index_equal(series.index, frame.index)
    np.testing.assert_array_equal(series.to_numpy(), named_classifier.predict(frame))
    proba = mdask.predict(ddf, named_classifier, method="predict_proba").compute()
    assert list(proba.columns) == ["proba_no", "proba_yes"]
    np.testing.assert_allclose(proba.to_numpy(), named_classifier.predict_proba(frame))


def test_empty_partitions(client, data, regressor):
    X, _ = data
    frame = pd.DataFrame(X, columns=["p", "q", "r", "s"]).assign(row=np.arange(len(X)))
    ddf = dd.from_pandas(frame, npartitions=6, sort=False)
    # The first rows only: the later partitions become empty.
    kept = ddf[ddf["row"] < 400]
    result = mdask.predict(kept, regressor, feature_columns=["p", "q", "r", "s"]).compute()
    np.testing.assert_allclose(result.to_numpy(), regressor.predict(X[:400]))


def test_model_file_and_registry_reference(client, tmp_path, data, regressor):
    from mlarsenal.registry import Registry

    X, _ = data
    regressor.save(tmp_path / "model.mla")
    Registry(tmp_path / "store").register("reg", regressor, aliases=["champion"])
    array = da.from_array(X, chunks=400)
    expected = regressor.predict(X)
    from_file = mdask.predict(array, str(tmp_path / "model.mla")).compute()
    from_registry = mdask.predict(
        array, "models:/reg@champion", registry=tmp_path / "store"
    ).compute()
    np.testing.assert_allclose(from_file, expected)
    np.testing.assert_allclose(from_registry, expected)


def test_worker_processes_receive_the_model():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 3))
    model = GradientBoostingRegressor(max_iter=5, random_state=0).fit(X, X[:, 1])
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
    ):
        result = mdask.predict(da.from_array(X, chunks=100), model).compute()
    np.testing.assert_allclose(result, model.predict(X))


def test_bad_arguments(data, regressor):
    X, _ = data
    with pytest.raises(ValueError, match="2-D array"):
        mdask.predict(da.from_array(X[:, 0]), regressor)
    with pytest.raises(TypeError, match=r"dask\.array\.Array or a dask\.dataframe\.DataFrame"):
        mdask.predict(X, regressor)
    with pytest.raises(ValueError, match="method must be one of"):
        mdask.predict(da.from_array(X), regressor, method="transform")
    with pytest.raises(ValueError, match="has no predict_proba method"):
        mdask.predict(da.from_array(X), regressor, method="predict_proba")
    with pytest.raises(ValueError, match="feature_columns applies to a DataFrame"):
        mdask.predict(da.from_array(X), regressor, feature_columns=["a"])
    with pytest.raises(TypeError, match="model must be a fitted model"):
        mdask.predict(da.from_array(X), 3.5)
    ddf = dd.from_pandas(pd.DataFrame(X[:, :2], columns=["a", "b"]), npartitions=2)
    with pytest.raises(ValueError, match="expects 4 features, but the input has 2"):
        mdask.predict(ddf, regressor)
    with pytest.raises(ValueError, match=r"no column\(s\) \['zz'\]"):
        mdask.predict(ddf, regressor, feature_columns=["a", "b", "zz", "a"])
