"""A real server process on loopback: answers equal in-process predictions; bad requests get 4xx."""

import struct

import numpy as np
import orjson
import pytest
from conftest import FEATURE_NAMES, ServerProcess, features, output, tensor

import mlarsenal


@pytest.fixture(scope="module")
def server(model_files):
    server = ServerProcess(list(model_files.values()))
    yield server
    assert server.stop() == 0


@pytest.fixture(scope="module")
def models(model_files):
    return {name: mlarsenal.load(path) for name, path in model_files.items()}


# --------------------------------------------------------------- predictions
def test_classifier_json_equals_in_process(server, models):
    X = features(7, seed=1)
    response = server.infer("churn", {"id": "r1", "inputs": [tensor(X)]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model_name"] == "churn" and body["id"] == "r1"
    import pandas as pd

    frame = pd.DataFrame(X, columns=FEATURE_NAMES)
    np.testing.assert_array_equal(output(body, "predict"), models["churn"].predict(frame))
    np.testing.assert_array_equal(
        output(body, "predict_proba"), models["churn"].predict_proba(frame)
    )


def test_named_inputs_in_any_order(server, models):
    X = features(4, seed=2)
    inputs = [
        {"name": name, "shape": [4], "datatype": "FP64", "data": X[:, j].tolist()}
        for j, name in reversed(list(enumerate(FEATURE_NAMES)))
    ]
    body = server.infer("churn", {"inputs": inputs}).json()
    import pandas as pd

    expected = models["churn"].predict_proba(pd.DataFrame(X, columns=FEATURE_NAMES))
    np.testing.assert_array_equal(output(body, "predict_proba"), expected)


def test_text_labels_come_back_as_bytes(server, models):
    X = features(6, seed=3)
    body = server.infer("species", {"inputs": [tensor(X)]}).json()
    predict = next(o for o in body["outputs"] if o["name"] == "predict")
    assert predict["datatype"] == "BYTES"
    assert predict["data"] == models["species"].predict(X).tolist()


def test_regressor_flat_data_and_missing_values(server, models):
    X = features(5, seed=4)
    X[1, 2] = np.nan
    data = [None if np.isnan(v) else v for v in X.ravel().tolist()]
    request = {"inputs": [{"name": "x", "shape": [5, 5], "datatype": "FP32", "data": data}]}
    body = server.infer("demand", request).json()
    np.testing.assert_array_equal(output(body, "predict"), models["demand"].predict(X))
    assert [o["name"] for o in body["outputs"]] == ["predict"]


def test_imported_forest_with_float32_inputs(server, models):
    X = features(9, seed=5).astype(np.float32)
    body = server.infer("rf", {"inputs": [tensor(X, datatype="FP32")]}).json()
    np.testing.assert_array_equal(output(body, "predict"), models["rf"].predict(X))


def test_binary_tensor_extension_in_and_out(server, models):
    X = features(300, seed=6)
    header = orjson.dumps(
        {
            "inputs": [
                {"name": "x", "shape": [300, 5], "datatype": "FP64",
                 "parameters": {"binary_data_size": X.nbytes}},
            ],
            "outputs": [{"name": "predict_proba", "parameters": {"binary_data": True}},
                        {"name": "predict"}],
        }
    )  # fmt: skip
    response = server.client.post(
        "/v2/models/churn/infer",
        content=header + X.astype("<f8").tobytes(),
        headers={"Inference-Header-Content-Length": str(len(header))},
    )
    assert response.status_code == 200, response.text
    length = int(response.headers["inference-header-content-length"])
    head = orjson.loads(response.content[:length])
    proba_spec, predict_spec = head["outputs"]
    assert proba_spec["parameters"]["binary_data_size"] == 300 * 2 * 8
    proba = np.frombuffer(response.content[length:], dtype="<f8").reshape(proba_spec["shape"])
    import pandas as pd

    frame = pd.DataFrame(X, columns=FEATURE_NAMES)
    np.testing.assert_array_equal(proba, models["churn"].predict_proba(frame))
    np.testing.assert_array_equal(predict_spec["data"], models["churn"].predict(frame))


def test_binary_bytes_output_is_length_prefixed(server, models):
    X = features(3, seed=7)
    request = {"inputs": [tensor(X)], "parameters": {"binary_data_output": True}}
    response = server.infer("species", request, params=None)
    length = int(response.headers["inference-header-content-length"])
    head = orjson.loads(response.content[:length])
    data, labels = response.content[length:], []
    sizes = [o["parameters"]["binary_data_size"] for o in head["outputs"]]
    predict_bytes = data[: sizes[0]]
    while predict_bytes:
        (n,) = struct.unpack("<I", predict_bytes[:4])
        labels.append(predict_bytes[4 : 4 + n].decode())
        predict_bytes = predict_bytes[4 + n :]
    assert labels == models["species"].predict(X).tolist()


def test_versioned_paths_for_a_file_model_are_404(server):
    response = server.infer("demand/versions/1", {"inputs": [tensor(features(1))]})
    assert response.status_code == 404
    assert "has no versions" in response.json()["error"]


# ------------------------------------------------------------ other endpoints
def test_health_metadata_and_openapi(server, models):
    assert server.client.get("/v2/health/live").json() == {"live": True}
    assert server.client.get("/v2/health/ready").json() == {"ready": True}
    assert server.client.get("/v2/models/churn/ready").json() == {"name": "churn", "ready": True}
    meta = server.client.get("/v2/models/churn").json()
    assert meta["inputs"] == [{"name": "input-0", "datatype": "FP64", "shape": [-1, 5]}]
    assert meta["parameters"]["feature_names"] == FEATURE_NAMES
    assert meta["parameters"]["source"] == "file"  # never the file's path
    assert {o["name"] for o in meta["outputs"]} == {"predict", "predict_proba"}
    assert server.client.get("/v2/models/rf").json()["inputs"][0]["datatype"] == "FP32"
    assert server.client.get("/v2/models/nope").status_code == 404
    assert "binary_tensor_data" in server.client.get("/v2").json()["extensions"]
    schema = server.client.get("/openapi.json").json()
    assert "/v2/models/{name}/infer" in schema["paths"]
    assert "InferenceRequest" in schema["components"]["schemas"]


def test_responses_match_the_documented_schema(server):
    from mlarsenal.serving._schema import InferenceResponse, ModelMetadata

    body = server.infer("churn", {"inputs": [tensor(features(2))]}).content
    InferenceResponse.model_validate_json(body)
    ModelMetadata.model_validate_json(server.client.get("/v2/models/species").content)


def test_metrics_parse_as_prometheus_text(server):
    from prometheus_client.parser import text_string_to_metric_families

    server.infer("demand", {"inputs": [tensor(features(3))]})
    server.infer("demand", {"inputs": [tensor(features(1)[:, :2])]})
    text = server.client.get("/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    requests = {
        (s.labels["endpoint"], s.labels["model"], s.labels["status"]): s.value
        for s in families["mlarsenal_serving_requests"].samples
        if s.name.endswith("_total")
    }
    assert requests[("infer", "demand", "200")] >= 1
    assert requests[("infer", "demand", "422")] >= 1
    states = {
        (s.labels["model"], s.labels["state"]): s.value
        for s in families["mlarsenal_serving_model_state"].samples
    }
    assert states[("demand", "ready")] == 1
    assert "mlarsenal_serving_batch_rows" in families
    assert "mlarsenal_serving_queue_depth" in families
    assert families["mlarsenal_serving_ready"].samples[0].value == 1


# ------------------------------------------------------------- bad requests
def post_raw(server, model, content, **headers):
    return server.client.post(f"/v2/models/{model}/infer", content=content, headers=headers)


@pytest.mark.parametrize(
    ("body", "status", "phrase"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b'{"inputs": [{"name": "x", "shape": [1, 5], "datatype": "FP64", "data": [NaN, 1, 2, 3, 4]}]}',
         400, "send null for a missing value"),
        (b"[" * 5000 + b"]" * 5000, 400, "not valid JSON"),
        (b"[1, 2]", 422, "JSON object with an 'inputs' list"),
        (b'{"inputs": []}', 422, "'inputs' must be a non-empty list"),
    ],
)  # fmt: skip
def test_unreadable_bodies(server, body, status, phrase):
    response = post_raw(server, "demand", body)
    assert response.status_code == status
    assert phrase in response.json()["error"]


def bad_input(**changes):
    spec = {"name": "x", "shape": [2, 5], "datatype": "FP64", "data": features(2).tolist()}
    spec.update(changes)
    return {"inputs": [spec]}


@pytest.mark.parametrize(
    ("request_body", "phrase"),
    [
        (bad_input(shape=[2, 4]), "'data' has shape [2, 5]"),
        (bad_input(shape=[3, 5]), "'data' has shape [2, 5]"),
        (bad_input(shape=[2, 5, 1]), "'shape' must be [rows, columns]"),
        (bad_input(shape=[2, -5]), "'shape' must be"),
        (bad_input(datatype="FP128"), "'datatype' must be one of"),
        (bad_input(datatype="BYTES"), "datatype BYTES is not accepted"),
        (bad_input(datatype="INT64"), "non-integer numbers"),
        (bad_input(data=[["a"] * 5] * 2), "holds strings"),
        (bad_input(data=[[1, 2, 3, 4, 5], [1, 2]]), "not a regular array"),
        (bad_input(data=[[[[[[[1.0]]]]]]] * 10, shape=[2, 5]), "'data' has shape"),
        (bad_input(data=[[1, 2, 3, 4, {"a": 1}]] * 2), "only numbers and null"),
        (bad_input(data=None), "'data' must be a list"),
        ({"inputs": [tensor(features(2)[:, :3])]}, "has 3 columns, but model 'demand' takes 5"),
        ({"inputs": [tensor(np.empty((0, 5)))]}, "no rows"),
        ({"inputs": [tensor(features(2))], "outputs": [{"name": "predict_proba"}]},
         "has outputs 'predict', got 'predict_proba'"),
        ({"inputs": [{"name": "f0", "shape": [2], "datatype": "FP64", "data": [1, 2]}]},
         "has no feature names"),
    ],
)  # fmt: skip
def test_invalid_requests_get_422_naming_the_field(server, request_body, phrase):
    response = server.infer("demand", request_body)
    assert response.status_code == 422, response.text
    assert phrase in response.json()["error"]


def test_named_inputs_must_match_the_feature_names(server):
    inputs = [
        {"name": name, "shape": [1], "datatype": "FP64", "data": [0.0]}
        for name in [*FEATURE_NAMES[:-1], "zzz"]
    ]
    error = server.infer("churn", {"inputs": inputs}).json()["error"]
    assert "missing features 'f4'" in error and "unknown inputs 'zzz'" in error


def test_infinity_rejected_by_the_model_is_422(server):
    X = features(2)
    X[0, 0] = np.inf
    header = orjson.dumps(
        {"inputs": [{"name": "x", "shape": [2, 5], "datatype": "FP64",
                     "parameters": {"binary_data_size": 80}}]}
    )  # fmt: skip
    response = post_raw(
        server,
        "demand",
        header + X.tobytes(),
        **{"Inference-Header-Content-Length": str(len(header))},
    )
    assert response.status_code == 422
    assert "infinity" in response.json()["error"]


@pytest.mark.parametrize(
    ("length", "size", "phrase"),
    [("abc", 80, "Inference-Header-Content-Length must be"),
     ("10", 80, "not valid JSON"),
     (None, 79, "binary_data_size must be 80")],
)  # fmt: skip
def test_bad_binary_framing(server, length, size, phrase):
    header = orjson.dumps(
        {"inputs": [{"name": "x", "shape": [2, 5], "datatype": "FP64",
                     "parameters": {"binary_data_size": size}}]}
    )  # fmt: skip
    length = str(len(header)) if length is None else length
    response = post_raw(
        server, "demand", header + bytes(80), **{"Inference-Header-Content-Length": length}
    )
    assert response.status_code in (400, 422)
    assert phrase in response.json()["error"]


def test_huge_body_gets_413_before_it_is_read(server):
    response = post_raw(server, "demand", b" " * (8 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "8,388,608 bytes" in response.json()["error"]


def test_errors_never_show_server_paths(server, model_files):
    folder = str(model_files["demand"]).rsplit("/", 1)[0]
    texts = [
        server.client.get("/v2/models/demand").text,
        server.infer("nope", {"inputs": []}).text,
        post_raw(server, "demand", b"{").text,
    ]
    assert all(folder not in text for text in texts)


# ------------------------------------------------------------ HTTP/1.1 framing
def raw_responses(server, *chunks, count=1, pause=0.0):
    """Send `chunks` on one connection; the (status, headers, body) of `count` responses."""
    import socket
    import time
    from urllib.parse import urlsplit

    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        for chunk in chunks:
            sock.sendall(chunk)
            time.sleep(pause)
        data, responses = b"", []
        while len(responses) < count:
            while b"\r\n\r\n" not in data:
                more = sock.recv(65536)
                assert more, f"connection closed after {responses}"
                data += more
            head, _, data = data.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            if lines[0].split()[1] == b"100":
                continue  # 100 Continue, then the real response
            headers = dict(line.lower().split(b": ", 1) for line in lines[1:])
            length = int(headers.get(b"content-length", b"0"))
            while len(data) < length:
                data += sock.recv(65536)
            responses.append((int(lines[0].split()[1]), headers, data[:length]))
            data = data[length:]
        return responses


def request_bytes(body: bytes, *extra: bytes, version=b"HTTP/1.1") -> bytes:
    head = [b"POST /v2/models/demand/infer " + version, b"Host: test", *extra]
    if not any(line.lower().startswith(b"transfer-encoding") for line in extra):
        head.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def test_pipelined_split_and_closing_requests(server, models):
    X = features(2, seed=11)
    body = orjson.dumps({"inputs": [tensor(X)]})
    expected = models["demand"].predict(X)
    # Two requests in one packet: answered in order.
    responses = raw_responses(server, request_bytes(body) * 2, count=2)
    for status, _, payload in responses:
        assert status == 200
        np.testing.assert_array_equal(output(orjson.loads(payload), "predict"), expected)
    # A head and body in several pieces.
    whole = request_bytes(body)
    pieces = [whole[:10], whole[10:60], whole[60:-5], whole[-5:]]
    assert raw_responses(server, *pieces, pause=0.01)[0][0] == 200
    # Connection: close is honoured.
    ((status, headers, _),) = raw_responses(server, request_bytes(body, b"Connection: close"))
    assert status == 200 and headers[b"connection"] == b"close"


@pytest.mark.parametrize(
    "extra",
    [
        (b"Transfer-Encoding: chunked",),
        (b"Expect: 100-continue",),
    ],
)
def test_unusual_requests_are_served_by_h11(server, models, extra):
    X = features(3, seed=12)
    body = orjson.dumps({"inputs": [tensor(X)]})
    if extra[0].startswith(b"Transfer-Encoding"):
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    ((status, _, payload),) = raw_responses(server, request_bytes(body, *extra))
    assert status == 200, payload
    np.testing.assert_array_equal(
        output(orjson.loads(payload), "predict"), models["demand"].predict(X)
    )


def test_http_10_and_garbage(server):
    body = orjson.dumps({"inputs": [tensor(features(1))]})
    ((status, _, _),) = raw_responses(server, request_bytes(body, version=b"HTTP/1.0"))
    assert status == 200
    ((status, _, _),) = raw_responses(server, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400
