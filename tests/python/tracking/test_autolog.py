"""tracking.autolog(): mlarsenal estimators record their fits by themselves."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from mlarsenal import GradientBoostingClassifier, GradientBoostingRegressor, tracking
from mlarsenal.cluster import KMeans
from mlarsenal.registry import Registry, data_fingerprint


@pytest.fixture
def registry(tmp_path):
    return Registry(tmp_path / "store")


@pytest.fixture
def autolog(registry):
    tracking.autolog(registry=registry)
    yield registry
    tracking.autolog(False)
    while tracking.active_run() is not None:
        tracking.end_run("KILLED")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 4))
    return X, X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=500)


def test_a_fit_outside_any_run_gets_a_run_of_its_own(autolog, data):
    X, y = data
    model = GradientBoostingRegressor(max_iter=20, early_stopping=True, random_state=0).fit(X, y)
    (run,) = tracking.list_runs(registry=autolog)
    assert (run.name, run.status) == ("GradientBoostingRegressor", "FINISHED")
    assert run.tags["mlarsenal.autolog"] == "true"
    assert run.tags["mlarsenal.estimator"] == "mlarsenal.ensemble.GradientBoostingRegressor"
    assert run.tags["mlarsenal.data_fingerprint"] == data_fingerprint(X, y)
    assert run.params["max_iter"] == 20 and run.params["early_stopping"] is True
    assert run.metrics["n_iter"] == model.n_iter_ and run.metrics["fit_time_s"] > 0
    history = tracking.get_metric_history(run.run_id, "validation_score", registry=autolog)
    np.testing.assert_allclose([m.value for m in history], model.validation_score_)
    assert [m.step for m in history] == list(range(len(model.validation_score_)))
    logged = tracking.load_model(run.run_id, registry=autolog)
    np.testing.assert_array_equal(logged.predict(X), model.predict(X))


def test_fits_inside_a_run_log_into_it(autolog, data):
    X, y = data
    with tracking.start_run("experiment", registry=autolog) as run:
        GradientBoostingClassifier(max_iter=3).fit(X, y > 0)
        KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    (stored,) = tracking.list_runs(registry=autolog)
    assert stored.run_id == run.run_id
    # The last fit's params and scalars stand; both fits' models went to the same artifact path.
    assert stored.params["n_clusters"] == 3
    assert "inertia" in stored.metrics
    assert stored.tags["mlarsenal.estimator"] == "mlarsenal.cluster.KMeans"


def test_a_failing_fit_fails_its_run(autolog):
    with pytest.raises(ValueError):
        GradientBoostingRegressor(max_iter=-1).fit(np.zeros((10, 2)), np.zeros(10))
    (run,) = tracking.list_runs(registry=autolog)
    assert run.status == "FAILED"


def test_disabling_restores_the_estimators(registry, data):
    X, y = data
    original = GradientBoostingRegressor.fit
    tracking.autolog(registry=registry)
    assert GradientBoostingRegressor.fit is not original
    tracking.autolog(False)
    assert GradientBoostingRegressor.fit is original
    assert (
        "fit" not in GradientBoostingRegressor.__dict__
        or original is GradientBoostingRegressor.__dict__["fit"]
    )
    GradientBoostingRegressor(max_iter=2).fit(X, y)
    assert tracking.list_runs(registry=registry) == []


def test_no_models_logged_when_asked_not_to(registry, data):
    X, y = data
    tracking.autolog(registry=registry, log_models=False)
    try:
        GradientBoostingRegressor(max_iter=2).fit(X, y)
    finally:
        tracking.autolog(False)
    (run,) = tracking.list_runs(registry=registry)
    assert run.artifacts == {}


def test_a_logging_failure_never_breaks_the_fit(autolog, data, caplog, monkeypatch):
    X, y = data
    from mlarsenal.tracking import _autolog

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(_autolog, "_log_fit", broken)
    with caplog.at_level(logging.WARNING, logger="mlarsenal.tracking"):
        model = GradientBoostingRegressor(max_iter=2).fit(X, y)
    assert model.n_iter_ == 2
    assert "could not record the fit of GradientBoostingRegressor: disk full" in caplog.text
    (run,) = tracking.list_runs(registry=autolog)
    assert run.status == "FINISHED"
