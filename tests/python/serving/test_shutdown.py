"""SIGTERM under load: readiness 503, drain, every admitted request answered, exit 0."""

import signal
import threading
import time

import httpx
from conftest import features, tensor


def test_sigterm_under_load_drops_no_admitted_request(start_server, model_files):
    server = start_server(model_files["churn"], "--drain-seconds", "0.6")
    body = {"inputs": [tensor(features(2000))]}  # offloaded to the worker threads
    statuses, errors, answered_after_term = [], [], []
    term_sent = threading.Event()
    stop = threading.Event()

    def client():
        with httpx.Client(base_url=server.url, timeout=30.0) as http:
            while not stop.is_set():
                try:
                    response = http.post("/v2/models/churn/infer", json=body)
                except httpx.TransportError as exc:
                    # The server closed this idle keep-alive connection, or no
                    # longer accepts: requests it never received.
                    errors.append(type(exc).__name__)
                    return
                statuses.append(response.status_code)
                if term_sent.is_set():
                    answered_after_term.append(response.status_code)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    server.process.send_signal(signal.SIGTERM)
    term_sent.set()
    with httpx.Client(base_url=server.url, timeout=5.0) as probe:
        assert probe.get("/v2/health/ready").status_code == 503  # draining
        assert probe.get("/v2/health/live").status_code == 200
    assert server.process.wait(30) == 0
    stop.set()
    for thread in threads:
        thread.join(30)
    assert statuses and set(statuses) == {200}
    assert answered_after_term, "no request was served during the drain"
    stopped = server.find_log("stopped serving")
    assert stopped["admitted_requests"] == stopped["answered_requests"] == len(statuses)
