"""A fuzzer for model files: mutate valid files, re-checksum them, load and predict.

Every mutated file must either be rejected with ModelFormatError or load into a model
that predicts; anything else (another exception, a crash of the interpreter, a hang)
is a bug. The test suite runs a few thousand mutations (test_forest_fuzz.py); a longer
run is a command (docs/developer/model_format.md records the last one):

    .venv/bin/python tests/python/forest/forest_fuzz.py --iterations 200000 --seed 1

Mutations, one or more per file: bytes of the header or payload overwritten, flipped,
inserted or deleted (the SHA-256 is then recomputed, so the checks behind it are what is
exercised); integer node arrays set to boundary values; meta counts set to huge or
negative values; arrays replaced by ones of another dtype or length.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
import time

import numpy as np

import mlarsenal
from mlarsenal import ModelFormatError
from mlarsenal._serialization import dumps, loads
from mlarsenal._serialization.layout import CHECKSUM_SIZE

BOUNDARY_INTS = [-(2**31), -2, -1, 0, 1, 2, 3, 7, 255, 2**31 - 1, 2**62]
BOUNDARY_FLOATS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e308, -1e-300]


def seed_files() -> list[bytes]:
    """Valid files of several kinds: plain, categorical and multiclass forests, estimators."""
    from sklearn.datasets import make_classification

    from mlarsenal.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from mlarsenal.forest import Forest

    rng = np.random.default_rng(0)
    X, y = make_classification(n_samples=200, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=3, random_state=0)  # fmt: skip
    X[rng.random(X.shape) < 0.05] = np.nan
    categorical = X.copy()
    categorical[:, 3] = rng.integers(0, 40, size=len(X))
    gb = GradientBoostingClassifier(max_iter=3, max_leaf_nodes=6, early_stopping=False,
                                    categorical_features=[3], n_jobs=1)  # fmt: skip
    rf = RandomForestClassifier(n_estimators=2, max_depth=4, random_state=0, n_jobs=1)
    stump = {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -1, -1],
             "threshold": [0.5, 0.0, 0.0], "value": [0.0, -1.0, 1.0],
             "categories": {0: [1, 3]}}  # fmt: skip
    return [
        gb.fit(categorical, y).forest_.to_bytes(),
        gb.to_bytes(),
        rf.fit(X, y).to_bytes(),
        Forest.from_trees([stump], n_features=2, link="logistic").to_bytes(),
    ]


def _rechecksum(body: bytes) -> bytes:
    return body + hashlib.sha256(body).digest()


def mutate_bytes(data: bytes, rng) -> bytes:
    body = bytearray(data[:-CHECKSUM_SIZE])
    for _ in range(int(rng.integers(1, 4))):
        i = int(rng.integers(len(body)))
        op = rng.integers(4)
        if op == 0:
            body[i] = int(rng.integers(256))
        elif op == 1:
            body[i] ^= 1 << int(rng.integers(8))
        elif op == 2:
            body.insert(i, int(rng.integers(256)))
        else:
            del body[i]
    return _rechecksum(bytes(body))


def mutate_parts(data: bytes, rng) -> bytes:
    kind, meta, arrays = loads(data)
    meta = copy.deepcopy(meta)
    arrays = {k: np.array(v) for k, v in arrays.items()}
    for _ in range(int(rng.integers(1, 3))):
        op = rng.integers(4)
        name = sorted(arrays)[int(rng.integers(len(arrays)))]
        target = arrays[name]
        if op == 0 and target.size and target.dtype.kind in "iu":
            value = BOUNDARY_INTS[int(rng.integers(len(BOUNDARY_INTS)))]
            target.flat[int(rng.integers(target.size))] = np.array(value).astype(target.dtype)
        elif op == 1 and target.size and target.dtype.kind == "f":
            value = BOUNDARY_FLOATS[int(rng.integers(len(BOUNDARY_FLOATS)))]
            target.flat[int(rng.integers(target.size))] = value
        elif op == 2:
            cut = int(rng.integers(target.size + 1)) if target.size else 0
            arrays[name] = (
                target.reshape(-1)[:cut]
                if rng.random() < 0.5
                else target.astype([np.int32, np.int64, np.float64, np.uint8][int(rng.integers(4))])
            )
        else:
            _mutate_meta(meta, rng)
    return dumps(kind, meta, arrays)


def _mutate_meta(meta: dict, rng) -> None:
    holder = meta.get("forest") if isinstance(meta.get("forest"), dict) else meta
    keys = sorted(holder)
    if not keys:
        return
    key = keys[int(rng.integers(len(keys)))]
    choices = [-1, 0, 1, 3, 2**40, None, "x", [], {}]
    holder[key] = choices[int(rng.integers(len(choices)))]


def check_one(data: bytes, X: np.ndarray) -> bool:
    """True when the file loaded (and predicted), False when it was rejected cleanly."""
    try:
        model = mlarsenal.load(data)
    except ModelFormatError:
        return False
    forest = getattr(model, "forest_", model)
    # A file may declare up to 2**31 - 1 features; rows that wide are not worth building.
    if forest.n_features <= 4 * X.shape[1]:
        rows = np.resize(X, (X.shape[0], forest.n_features))
        forest.predict(rows, output="leaf")
        forest.predict(rows, output="raw")
    return True


def run(iterations: int, seed: int, report_every: int = 0) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    files = seed_files()
    X = rng.normal(size=(8, 8))
    X[0, :] = np.nan
    counts = {"loaded": 0, "rejected": 0}
    start = time.perf_counter()
    for i in range(iterations):
        data = files[int(rng.integers(len(files)))]
        mutated = mutate_bytes(data, rng) if rng.random() < 0.5 else mutate_parts(data, rng)
        counts["loaded" if check_one(mutated, X) else "rejected"] += 1
        if report_every and (i + 1) % report_every == 0:
            rate = (i + 1) / (time.perf_counter() - start)
            print(f"{i + 1} files, {counts}, {rate:.0f} files/s", flush=True)
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = run(args.iterations, args.seed, report_every=max(args.iterations // 20, 1))
    print(f"done: {args.iterations} mutated files, {counts}, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
