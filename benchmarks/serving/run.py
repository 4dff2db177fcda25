"""The serving load test: mlarsenal's server against a FastAPI + LightGBM baseline, same run.

``python -m benchmarks.serving [--quick] [--out DIR]`` trains one 100-tree
LightGBM model (28 features, 31 leaves, as the forest suite), imports it into a
Forest, starts each server in turn on loopback and drives it with the load
generator (``loadgen.py``, a separate process, one connection per concurrent
client). Both servers get the same request bytes (OIP v2 JSON, flat data,
asking for the ``predict`` output: LightGBM's probability). Results go to
``benchmarks/results/<UTC time>_serving.{json,md}`` (and ``latest.*``).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import orjson

from benchmarks.environment import capture_environment
from benchmarks.results_files import DEFAULT_RESULTS_DIR, write_results
from benchmarks.serving.report import render_markdown

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
N_FEATURES = 28
TRAIN_ROWS = 100_000
BATCH_ROWS = 1000
BIG_BATCH_ROWS = 10_000


# ------------------------------------------------------------------ models
def prepare_models(folder: Path, seed: int) -> dict:
    import lightgbm
    from sklearn.datasets import make_classification

    from mlarsenal.forest import from_lightgbm

    X, y = make_classification(
        n_samples=TRAIN_ROWS, n_features=N_FEATURES, n_informative=14, n_redundant=6,
        flip_y=0.05, class_sep=0.8, random_state=seed,
    )  # fmt: skip
    X = X.astype(np.float32)
    model = lightgbm.LGBMClassifier(n_estimators=100, num_leaves=31, verbose=-1).fit(X, y)
    booster_path = folder / "model.txt"
    model.booster_.save_model(str(booster_path))
    forest = from_lightgbm(model.booster_)
    forest_path = folder / "model.mlarsenal"
    forest.save(forest_path)
    rows = np.random.default_rng(seed).normal(size=(BIG_BATCH_ROWS, N_FEATURES)).astype(np.float32)
    return {"booster": booster_path, "forest": forest_path, "rows": rows, "n_trees": forest.n_trees}


# ---------------------------------------------------------------- requests
def http_request(path: str, body: bytes, headers: dict | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_body(X: np.ndarray) -> bytes:
    # A client with float32 features sends their shortest decimal form.
    return orjson.dumps(
        {
            "inputs": [{"name": "input-0", "shape": list(X.shape), "datatype": "FP32",
                        "data": X.reshape(-1)}],
            "outputs": [{"name": "predict"}],
        },
        option=orjson.OPT_SERIALIZE_NUMPY,
    )  # fmt: skip


def binary_body(X: np.ndarray) -> tuple[bytes, dict]:
    header = orjson.dumps(
        {
            "inputs": [{"name": "input-0", "shape": list(X.shape), "datatype": "FP32",
                        "parameters": {"binary_data_size": X.nbytes}}],
            "outputs": [{"name": "predict", "parameters": {"binary_data": True}}],
        }
    )  # fmt: skip
    return header + X.astype("<f4").tobytes(), {"Inference-Header-Content-Length": len(header)}


def request_sets(rows: np.ndarray, model: str) -> dict[str, list[bytes]]:
    path = f"/v2/models/{model}/infer"
    sets = {
        "single": [http_request(path, json_body(rows[i : i + 1])) for i in range(100)],
        "batch": [
            http_request(path, json_body(rows[i * BATCH_ROWS : (i + 1) * BATCH_ROWS]))
            for i in range(4)
        ],
    }
    sets["binary_batch"] = [
        http_request(path, *binary_body(rows[i * BATCH_ROWS : (i + 1) * BATCH_ROWS]))
        for i in range(4)
    ]
    sets["binary_big_batch"] = [http_request(path, *binary_body(rows))]
    return sets


# ----------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process on 127.0.0.1:port, started and stopped around a block of scenarios."""

    def __init__(self, command: list[str], port: int):
        self.port = port
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{command[:4]} exited: {self.process.stderr.read().decode()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/v2/health/ready", timeout=2
                ) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{command[:4]} not ready after 120 s")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def ours_command(model: Path, port: int, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "mlarsenal.serving", str(model), "--name", "model",
            "--port", str(port), "--workers", str(workers), "--drain-seconds", "0",
            "--log-level", "warning"]  # fmt: skip


def baseline_command(model: Path, port: int, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "benchmarks.serving.baseline", str(model),
            "--port", str(port), "--workers", str(workers)]  # fmt: skip


# --------------------------------------------------------------- scenarios
def load(port: int, requests: list[bytes], rows: int, **spec) -> dict:
    spec.update(
        host="127.0.0.1",
        port=port,
        rows_per_request=rows,
        requests=[base64.b64encode(r).decode() for r in requests],
    )
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.serving.loadgen"],
        input=json.dumps(spec).encode(),
        capture_output=True,
        cwd=REPO_ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr.decode()[-2000:]}")
    return json.loads(done.stdout)


def recovery_seconds(port: int, request: bytes, normal_ms: float, limit_s: float = 30.0):
    """Seconds after an overload until a single request is answered 200 within 3x normal."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sent = time.perf_counter()
                sock.sendall(request)
                reply = b""
                while b"\r\n\r\n" not in reply:
                    reply += sock.recv(65536)
                elapsed_ms = (time.perf_counter() - sent) * 1000
                if reply.startswith(b"HTTP/1.1 200") and elapsed_ms < max(3 * normal_ms, 2.0):
                    return round(time.perf_counter() - start, 3)
        except OSError:
            pass
        time.sleep(0.05)
    return None


def run_scenarios(name: str, port: int, requests: dict, quick: bool) -> dict:
    seconds = 1.5 if quick else 8.0
    results = {}
    print(f"[{name}] warm-up", file=sys.stderr, flush=True)
    load(port, requests["single"], 1, mode="closed", concurrency=4, duration_s=1.0)
    print(f"[{name}] sequential single row", file=sys.stderr, flush=True)
    results["sequential"] = load(
        port, requests["single"], 1, mode="sequential", n=500 if quick else 4000, warmup=200
    )
    print(f"[{name}] open loop 500 req/s", file=sys.stderr, flush=True)
    results["open_500"] = load(
        port, requests["single"], 1, mode="open", rate=500, duration_s=2.0 if quick else 10.0,
        max_connections=64,
    )  # fmt: skip
    print(f"[{name}] saturated single row", file=sys.stderr, flush=True)
    results["saturated"] = load(
        port, requests["single"], 1, mode="closed", concurrency=16, duration_s=seconds
    )
    print(f"[{name}] 1,000-row JSON batches", file=sys.stderr, flush=True)
    results["batch_json"] = load(
        port, requests["batch"], BATCH_ROWS, mode="closed", concurrency=4, duration_s=seconds
    )
    if name == "mlarsenal":
        for key, rows in (("binary_batch", BATCH_ROWS), ("binary_big_batch", BIG_BATCH_ROWS)):
            print(f"[{name}] {rows:,}-row binary batches", file=sys.stderr, flush=True)
            results[key] = load(
                port, requests[key], rows, mode="closed", concurrency=4, duration_s=seconds
            )
    capacity = results["saturated"]["requests_per_s"] or 1000
    print(f"[{name}] overload at 5x {capacity:.0f} req/s", file=sys.stderr, flush=True)
    overload = load(
        port, requests["single"], 1, mode="open", rate=5 * capacity,
        duration_s=1.5 if quick else 5.0, max_connections=2048,
    )  # fmt: skip
    overload["target_rate"] = round(5 * capacity)
    overload["recovery_s"] = recovery_seconds(
        port, requests["single"][0], results["sequential"]["p50_ms"]
    )
    results["overload"] = overload
    return results


def run_workers(name: str, command, model: Path, requests: list[bytes], quick: bool) -> dict:
    port = free_port()
    print(f"[{name}] --workers 2, sequential single row", file=sys.stderr, flush=True)
    server = Server(command(model, port, workers=2), port)
    try:
        time.sleep(2.0)  # let every worker finish starting
        return load(port, requests, 1, mode="sequential", n=100 if quick else 300, warmup=20)
    finally:
        server.stop()


def check_agreement(port_ours: int, port_base: int, requests: list[bytes]) -> dict:
    """The first batch answered by both servers: the same probabilities."""
    answers = []
    for port in (port_ours, port_base):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(requests[0])
            reply = b""
            while True:
                reply += sock.recv(1 << 20)
                head, _, body = reply.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                if len(body) >= length:
                    break
        answers.append(np.asarray(orjson.loads(body)["outputs"][0]["data"]))
    return {"max_abs_diff": float(np.max(np.abs(answers[0] - answers[1])))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serving", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short runs: a smoke test of the harness"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS_DIR, help="results directory")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = datetime.now(timezone.utc)
    command = "python -m benchmarks.serving " + shlex.join(sys.argv[1:] if argv is None else argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mlarsenal-serving-bench-") as folder:
        print("training the 100-tree LightGBM model", file=sys.stderr, flush=True)
        models = prepare_models(Path(folder), args.seed)
        requests = request_sets(models["rows"], "model")
        servers, agreement = {}, None
        port_ours, port_base = free_port(), free_port()
        ours = Server(ours_command(models["forest"], port_ours), port_ours)
        try:
            servers["mlarsenal"] = run_scenarios("mlarsenal", port_ours, requests, args.quick)
            base = Server(baseline_command(models["booster"], port_base), port_base)
            try:
                agreement = check_agreement(port_ours, port_base, requests["batch"])
            finally:
                base.stop()
        finally:
            ours.stop()
        base = Server(baseline_command(models["booster"], port_base), port_base)
        try:
            servers["baseline"] = run_scenarios("baseline", port_base, requests, args.quick)
        finally:
            base.stop()
        workers = {
            "mlarsenal": run_workers("mlarsenal", ours_command, models["forest"], requests["single"], args.quick),
            "baseline": run_workers("baseline", baseline_command, models["booster"], requests["single"], args.quick),
        }  # fmt: skip
    run = {
        "schema_version": 1,
        "started_utc": started.isoformat(timespec="seconds"),
        "command": command.strip(),
        "settings": {"quick": args.quick, "seed": args.seed},
        "model": {
            "kind": "LightGBM binary classifier",
            "n_trees": models["n_trees"],
            "num_leaves": 31,
            "n_features": N_FEATURES,
        },
        "agreement": agreement,
        "servers": servers,
        "workers_2": workers,
        "environment": capture_environment(None),
    }
    markdown = render_markdown(run)
    print(markdown)
    stem = started.strftime("%Y%m%dT%H%M%SZ") + "_serving"
    for path in write_results(run, markdown, args.out, stem):
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
