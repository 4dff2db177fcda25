"""Overload and slowness: 503 beyond max_queue, 504 past request_timeout, then recovery."""

import threading
import time

import httpx
import numpy as np
import orjson
from conftest import features, tensor


def big_binary_request(rows):
    X = np.random.default_rng(0).normal(size=(rows, 5))
    header = orjson.dumps(
        {"inputs": [{"name": "x", "shape": [rows, 5], "datatype": "FP64",
                     "parameters": {"binary_data_size": X.nbytes}}]}
    )  # fmt: skip
    return header + X.tobytes(), {"Inference-Header-Content-Length": str(len(header))}


def test_overload_gets_503_slow_requests_504_then_recovery(start_server, model_files):
    server = start_server(
        model_files["species"],
        "--max-queue", "2", "--predict-threads", "1", "--inline-limit-ms", "0",
        "--n-jobs", "1", "--request-timeout", "0.02", "--max-body-size", "64MiB",
    )  # fmt: skip
    # 300,000 rows through 30 trees: the only worker thread is busy for a while.
    content, headers = big_binary_request(300_000)
    slow = server.client.post("/v2/models/species/infer", content=content, headers=headers)
    assert slow.status_code == 504
    assert "request_timeout_s" in slow.json()["error"]

    statuses, retry_after = [], []
    barrier = threading.Barrier(16)

    def small_request():
        with httpx.Client(base_url=server.url, timeout=10.0) as http:
            barrier.wait()
            response = http.post("/v2/models/species/infer", json={"inputs": [tensor(features(2))]})
            statuses.append(response.status_code)
            if response.status_code == 503:
                retry_after.append(response.headers.get("retry-after"))
                assert "max_queue" in response.json()["error"]

    threads = [threading.Thread(target=small_request) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(statuses) == 16 and set(statuses) <= {503, 504}
    assert 503 in statuses and set(retry_after) == {"1"}

    deadline = time.monotonic() + 20
    while True:  # recovers once the long prediction is done
        response = server.infer("species", {"inputs": [tensor(features(2))]})
        if response.status_code == 200:
            break
        assert response.status_code in (503, 504) and time.monotonic() < deadline
        time.sleep(0.05)
    assert server.stop() == 0
