"""--workers 2: TCP_NODELAY on every connection (no 40 ms delayed-ACK stalls), shared metrics."""

import os
import signal
import statistics
import time

import httpx
from conftest import features, tensor


def worker_pids(server, timeout=30.0):
    """The two workers' process ids, once both report a ready model (any worker's /metrics)."""
    pids = set()
    deadline = time.monotonic() + timeout
    while len(pids) < 2:
        assert time.monotonic() < deadline
        with httpx.Client(base_url=server.url, timeout=10.0) as http:
            text = http.get("/metrics").text
        pids = {
            int(line.split('pid="')[1].split('"')[0])
            for line in text.splitlines()
            if line.startswith("mlarsenal_serving_model_state{")
            and 'state="ready"' in line
            and line.endswith(" 1.0")
        }
        time.sleep(0.05)
    return pids


def test_two_workers_answer_fast_and_report_all_metrics(start_server, model_files):
    server = start_server(model_files["demand"], "--workers", "2")
    worker_pids(server)
    request = {"inputs": [tensor(features(1))]}
    with httpx.Client(base_url=server.url, timeout=10.0) as http:
        for _ in range(5):
            http.post("/v2/models/demand/infer", json=request)
        durations = []
        for _ in range(40):
            start = time.perf_counter()
            assert http.post("/v2/models/demand/infer", json=request).status_code == 200
            durations.append(time.perf_counter() - start)
    # With Nagle's algorithm left on, each response waits ~40 ms for a delayed ACK.
    assert statistics.median(durations) < 0.02, durations
    assert server.stop() == 0


def test_a_model_that_fails_to_load_stops_every_worker(start_server, model_files, tmp_path):
    broken = tmp_path / "broken.mlarsenal"
    with open(model_files["demand"], "rb") as f:
        data = bytearray(f.read())
    data[-1] ^= 0xFF  # the checksum no longer matches
    broken.write_bytes(bytes(data))
    server = start_server(broken, "--workers", "2", wait_ready=False)
    assert server.process.wait(60) == 3
    server._reader.join(5)
    failure = server.find_log("model load failed")
    assert failure["model"] == "broken" and "checksum" in failure["error"].lower()


def test_workers_stop_when_their_supervisor_is_killed(start_server, model_files):
    server = start_server(model_files["demand"], "--workers", "2")
    pids = worker_pids(server)
    server.process.send_signal(signal.SIGKILL)  # cannot be forwarded
    deadline = time.monotonic() + 20
    while pids:
        assert time.monotonic() < deadline, f"orphaned workers {pids}"
        for pid in list(pids):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                pids.discard(pid)
        time.sleep(0.1)
