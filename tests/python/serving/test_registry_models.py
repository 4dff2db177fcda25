"""Registry references: served by name and version, hot-swapped when the alias moves."""

import threading
import time

import httpx
import numpy as np
import pytest
from conftest import features, output, tensor

from mlarsenal import GradientBoostingRegressor

registry_module = pytest.importorskip("mlarsenal.registry")


@pytest.fixture
def registry(tmp_path):
    registry = registry_module.Registry(tmp_path / "store")
    X = features(300)
    first = GradientBoostingRegressor(max_iter=5, random_state=0).fit(X, X[:, 0])
    second = GradientBoostingRegressor(max_iter=5, random_state=0).fit(X, -X[:, 1])
    registry.register("demand", first, aliases=("champion",), git_commit=None)
    registry.register("demand", second, git_commit=None)
    return registry, first, second


def test_alias_move_swaps_the_model_without_failing_requests(start_server, registry):
    registry, first, second = registry
    server = start_server(
        "models:/demand@champion", "--registry", registry.root, "--poll-interval", "0.1"
    )
    assert server.client.get("/v2/models/demand").json()["versions"] == ["1"]
    X = features(50, seed=9)
    request = {"inputs": [tensor(X)]}
    answers, stop = [], threading.Event()

    def hammer():
        with httpx.Client(base_url=server.url, timeout=10.0) as http:
            while not stop.is_set():
                response = http.post("/v2/models/demand/infer", json=request)
                answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    registry.set_alias("demand", "champion", 2)
    deadline = time.monotonic() + 20
    while server.client.get("/v2/models/demand").json()["versions"] != ["2"]:
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.05)
    time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(10)

    assert answers and all(status == 200 for status, _ in answers)
    versions = [body["model_version"] for _, body in answers]
    assert versions[0] == "1" and versions[-1] == "2"
    for _, body in answers:
        model = first if body["model_version"] == "1" else second
        np.testing.assert_array_equal(output(body, "predict"), model.predict(X))
    assert server.infer("demand/versions/2", request).status_code == 200
    assert server.infer("demand/versions/1", request).status_code == 404
    assert server.find_log("model swapped in")["previous_version"] == "1"
    metrics = server.client.get("/metrics").text
    assert 'mlarsenal_serving_model_swaps_total{model="demand"} 1.0' in metrics


def test_pinned_version_and_unknown_reference(start_server, registry):
    from click.testing import CliRunner

    from mlarsenal.serving import serve_command

    registry, first, _ = registry
    server = start_server("models:/demand/1", "--registry", registry.root, "--name", "pinned")
    body = server.infer("pinned", {"inputs": [tensor(features(3))]}).json()
    assert body["model_name"] == "pinned" and body["model_version"] == "1"
    np.testing.assert_array_equal(output(body, "predict"), first.predict(features(3)))
    meta = server.client.get("/v2/models/pinned").json()
    assert meta["parameters"]["source"] == "models:/demand/1"

    result = CliRunner().invoke(
        serve_command, ["models:/demand@nope", "--registry", registry.root, "--port", "0"]
    )
    assert result.exit_code == 1 and "no alias 'nope'" in result.output
