"""Models saved once per session, and a real server process on a free loopback port."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

N_FEATURES = 5
FEATURE_NAMES = [f"f{j}" for j in range(N_FEATURES)]


def features(n, seed=0):
    X = np.random.default_rng(seed).normal(size=(n, N_FEATURES))
    return X


@pytest.fixture(scope="session")
def model_files(tmp_path_factory):
    """{served name: path} of small models of every kind the server handles."""
    pd = pytest.importorskip("pandas")
    from sklearn.ensemble import RandomForestClassifier

    from mlarsenal import GradientBoostingClassifier, GradientBoostingRegressor
    from mlarsenal.forest import from_sklearn

    folder = tmp_path_factory.mktemp("models")
    X = features(400)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    frame = pd.DataFrame(X, columns=FEATURE_NAMES)
    paths = {}
    # Binary classifier with feature names (named inputs).
    GradientBoostingClassifier(max_iter=15, random_state=0).fit(frame, y).save(
        folder / "churn.mlarsenal"
    )
    # Three classes with text labels: predict comes back as BYTES.
    species = np.array(["ant", "bee", "cat"])[np.digitize(X[:, 2], [-0.5, 0.5])]
    GradientBoostingClassifier(max_iter=10, random_state=0).fit(X, species).save(
        folder / "species.mlarsenal"
    )
    GradientBoostingRegressor(max_iter=15, random_state=0).fit(X, X[:, 0] * 3 + X[:, 3]).save(
        folder / "demand.mlarsenal"
    )
    # An imported scikit-learn forest: float32 inputs, one output per class.
    rf = RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0)
    from_sklearn(rf.fit(X, species)).save(folder / "rf.mlarsenal")
    for name in ("churn", "species", "demand", "rf"):
        paths[name] = str(folder / f"{name}.mlarsenal")
    return paths


class ServerProcess:
    """``python -m mlarsenal.serving ... --port 0`` with its JSON log lines collected."""

    def __init__(self, args, *, env=None, wait_ready=True, timeout=60.0):
        args = [str(a) for a in args]
        if "--drain-seconds" not in args:
            args += ["--drain-seconds", "0"]  # tests stop at once unless they test draining
        command = [sys.executable, "-m", "mlarsenal.serving", *args, "--port", "0"]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.logs: list[dict] = []
        self._listening = threading.Event()
        self._reader = threading.Thread(target=self._read_logs, daemon=True)
        self._reader.start()
        if not self._listening.wait(timeout):
            self.kill()
            raise RuntimeError(f"server did not start:\n{self.log_text()}")
        self.url = self.find_log("listening")["url"]
        self.client = httpx.Client(base_url=self.url, timeout=30.0)
        if wait_ready:
            self.wait_ready(timeout)

    def _read_logs(self):
        for line in self.process.stderr:
            try:
                entry = json.loads(line)
            except ValueError:
                entry = {"message": line.rstrip()}
            self.logs.append(entry)
            if entry.get("message") == "listening":
                self._listening.set()

    def find_log(self, message):
        for entry in self.logs:
            if entry.get("message") == message:
                return entry
        return None

    def log_text(self):
        return "\n".join(json.dumps(entry) for entry in self.logs)

    def wait_ready(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log_text()}")
            try:
                if self.client.get("/v2/health/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.log_text()}")

    def infer(self, model, body, **kwargs):
        return self.client.post(f"/v2/models/{model}/infer", json=body, **kwargs)

    def stop(self, sig=signal.SIGTERM, timeout=30.0):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        finally:
            self.client.close()
            self._reader.join(5)
        return code

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_server():
    """start_server(args...) -> ServerProcess; every one started is stopped at the end."""
    started = []

    def start(*args, **kwargs):
        server = ServerProcess(args, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


def tensor(X, name="input-0", datatype="FP64"):
    X = np.asarray(X)
    return {"name": name, "shape": list(X.shape), "datatype": datatype, "data": X.tolist()}


def output(response, name):
    """The named output of an infer response as a numpy array of its shape."""
    for item in response["outputs"]:
        if item["name"] == name:
            return np.asarray(item["data"]).reshape(item["shape"])
    raise KeyError(name)
