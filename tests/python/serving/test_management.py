"""The app in-process: readiness, management endpoints (off by default, bearer token), routes."""

import shutil
import time
import warnings

import numpy as np
import pytest
from conftest import FEATURE_NAMES, features, output, tensor

import mlarsenal
from mlarsenal.serving import create_app
from mlarsenal.serving._fastpath import FastPath

pd = pytest.importorskip("pandas")

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

with warnings.catch_warnings():
    # Starlette's test client asks for the httpx2 package; httpx works the same here.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


def wait_ready(client, expected=200, timeout=30.0):
    deadline = time.monotonic() + timeout
    while client.get("/v2/health/ready").status_code != expected:
        assert time.monotonic() < deadline, client.get("/v2/health/ready").json()
        time.sleep(0.02)


@pytest.fixture
def model_dir(tmp_path, model_files):
    for name in ("demand", "churn"):
        shutil.copy(model_files[name], tmp_path / f"{name}.mlarsenal")
    return tmp_path


def test_management_is_off_by_default(model_files):
    with TestClient(create_app([model_files["demand"]])) as client:
        wait_ready(client)
        assert client.post("/v2/repository/index", headers=AUTH).status_code == 404
        assert "model_repository" not in client.get("/v2").json()["extensions"]


def test_management_needs_the_bearer_token(model_files):
    app = create_app([model_files["demand"]], enable_management=True, management_token=TOKEN)
    with TestClient(app) as client:
        wait_ready(client)
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token-0123456789"},
            {"Authorization": TOKEN},
        ):
            response = client.post("/v2/repository/index", headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == "Bearer"
            assert "Bearer <token>" in response.json()["error"]
        index = client.post("/v2/repository/index", headers=AUTH).json()
        assert index == [{"name": "demand", "version": None, "state": "ready"}]


def test_load_from_model_dir_and_unload(model_dir):
    app = create_app(
        [str(model_dir / "demand.mlarsenal")],
        enable_management=True,
        management_token=TOKEN,
        model_dir=str(model_dir),
    )
    with TestClient(app) as client:
        wait_ready(client)
        load = client.post(
            "/v2/repository/models/second/load",
            headers=AUTH,
            json={"parameters": {"source": "churn.mlarsenal"}},
        )
        assert load.status_code == 200, load.text
        X = features(3)
        body = client.post("/v2/models/second/infer", json={"inputs": [tensor(X)]}).json()
        frame = pd.DataFrame(X, columns=FEATURE_NAMES)
        expected = mlarsenal.load(model_dir / "churn.mlarsenal").predict_proba(frame)
        np.testing.assert_allclose(output(body, "predict_proba"), expected)
        # Reload without a source: the model's current one.
        assert client.post("/v2/repository/models/demand/load", headers=AUTH).status_code == 200
        for source, phrase in [("../churn.mlarsenal", "outside the model directory"),
                               ("/etc/passwd", "relative to the model directory"),
                               ("nope.mlarsenal", "does not exist"),
                               ("http://x/y", "does not exist")]:  # fmt: skip
            response = client.post(
                "/v2/repository/models/x/load",
                headers=AUTH,
                json={"parameters": {"source": source}},
            )
            assert response.status_code == 400 and phrase in response.json()["error"]
            assert str(model_dir) not in response.text
        assert client.post("/v2/repository/models/second/unload", headers=AUTH).status_code == 200
        assert client.get("/v2/models/second").status_code == 404
        assert client.post("/v2/repository/models/second/unload", headers=AUTH).status_code == 404
        # The last model gone: never ready with zero models.
        client.post("/v2/repository/models/demand/unload", headers=AUTH)
        assert client.get("/v2/health/ready").status_code == 503


def test_files_are_refused_without_a_model_dir(model_files):
    app = create_app([model_files["demand"]], enable_management=True, management_token=TOKEN)
    with TestClient(app) as client:
        wait_ready(client)
        response = client.post(
            "/v2/repository/models/x/load",
            headers=AUTH,
            json={"parameters": {"source": "demand.mlarsenal"}},
        )
        assert response.status_code == 400
        assert "only registry references" in response.json()["error"]


def test_not_ready_until_loaded_and_failed_loads_reported(tmp_path, model_files):
    broken = tmp_path / "broken.mlarsenal"
    with open(model_files["demand"], "rb") as f:
        data = bytearray(f.read())
    data[-1] ^= 0xFF  # checksum no longer matches
    broken.write_bytes(bytes(data))
    with TestClient(create_app([str(broken), model_files["churn"]])) as client:
        deadline = time.monotonic() + 30
        while client.get("/v2/models/churn/ready").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        ready = client.get("/v2/health/ready")
        assert ready.status_code == 503 and "broken (failed)" in ready.json()["reason"]
        response = client.post("/v2/models/broken/infer", json={"inputs": [tensor(features(1))]})
        assert response.status_code == 503 and "failed to load" in response.json()["error"]


def test_framework_route_answers_like_the_fast_path(model_files):
    app = create_app([model_files["demand"]])
    layer = app.build_middleware_stack()
    while not isinstance(layer, FastPath):
        layer = layer.app
    request = {"inputs": [tensor(features(4))]}
    with TestClient(app) as client:
        wait_ready(client)
        fast = client.post("/v2/models/demand/infer", json=request)
        # The layers behind the fast path: FastAPI's routing, for the same service.
        routed = TestClient(layer.app)
        slow = routed.post("/v2/models/demand/infer", json=request)
        bad = routed.post("/v2/models/demand/infer", content=b"{")
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["error"]
