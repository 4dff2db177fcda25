"""GPU forest inference against the CPU engine: identical leaves and raw scores."""

import numpy as np
import pytest

from mlarsenal.forest import Forest

pytestmark = pytest.mark.gpu

KINDS = (0, 2, 4, 8, 2 | 4, 1, 1 | 16, 1 | 32, 1 | 16 | 32, 1 | 4)


def _grow(rng, nodes: list, level: int, depth: int) -> int:
    """Appends a random subtree in pre-order: ("leaf", value) or ("split", left, right)."""
    at = len(nodes)
    nodes.append(None)
    if level == depth or rng.random() < 0.15:
        nodes[at] = ("leaf", rng.normal())
        return at
    left = _grow(rng, nodes, level + 1, depth)
    right = _grow(rng, nodes, level + 1, depth)
    nodes[at] = ("split", left, right)
    return at


def random_forest(rng, n_trees=42, depth=6, n_features=9, n_outputs=1, link="identity"):
    """Random trees in pre-order with every split kind (numerical flags, categorical)."""
    columns = {name: [] for name in ("feature", "threshold", "left", "right", "default_left",
                                     "split_kind", "value", "cat_begin", "cat_size")}  # fmt: skip
    bits, offsets = [], [0]
    for _ in range(n_trees):
        nodes = []
        _grow(rng, nodes, 0, depth)
        for node in nodes:
            if node[0] == "leaf":
                for name, v in zip(columns, (-1, 0.0, -1, -1, 0, 0, node[1], 0, 0), strict=True):
                    columns[name].append(v)
                continue
            kind = int(rng.choice(KINDS))
            words = int(rng.integers(1, 3)) if kind & 1 else 0
            if words:
                columns["cat_begin"].append(len(bits))
                bits.extend(rng.integers(0, 2**32, size=words, dtype=np.uint64).tolist())
            else:
                columns["cat_begin"].append(0)
            columns["cat_size"].append(words)
            columns["feature"].append(int(rng.integers(0, n_features)))
            columns["threshold"].append(float(rng.choice([0.0, rng.normal(), 1e-36])))
            columns["left"].append(node[1])
            columns["right"].append(node[2])
            columns["default_left"].append(int(rng.integers(0, 2)))
            columns["split_kind"].append(kind)
            columns["value"].append(0.0)
        offsets.append(offsets[-1] + len(nodes))
    arrays = {name: np.asarray(values) for name, values in columns.items()}
    arrays["tree_offsets"] = np.asarray(offsets, dtype=np.int64)
    arrays["tree_output"] = (np.arange(n_trees) % n_outputs).astype(np.int32)
    arrays["base_score"] = rng.normal(size=n_outputs)
    arrays["cat_bits"] = np.asarray(bits, dtype=np.uint32)
    return Forest(arrays, n_features=n_features, n_outputs=n_outputs, link=link,
                  trees_per_iteration=n_outputs)  # fmt: skip


def rows(rng, n, n_features, dtype):
    """Values that exercise every rule: NaN, ±inf, zeros, tiny values, categories, negatives."""
    X = rng.normal(size=(n, n_features)) * 3
    special = rng.random(size=X.shape)
    X[special < 0.05] = np.nan
    X[(special >= 0.05) & (special < 0.1)] = 0.0
    X[(special >= 0.1) & (special < 0.12)] = 1e-36
    X[(special >= 0.12) & (special < 0.13)] = -0.5
    X[(special >= 0.13) & (special < 0.14)] = np.inf
    X[(special >= 0.14) & (special < 0.3)] = rng.integers(
        0, 70, size=int(((special >= 0.14) & (special < 0.3)).sum())
    )
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_leaves_and_raw_scores_are_the_cpus(rng, dtype, n_outputs):
    forest = random_forest(
        rng, n_outputs=n_outputs, link="softmax" if n_outputs > 1 else "logistic"
    )
    X = rows(rng, 20000, forest.n_features, dtype)
    np.testing.assert_array_equal(
        forest.predict(X, "leaf", device="cuda"), forest.predict(X, "leaf", device="cpu")
    )
    np.testing.assert_array_equal(
        forest.predict(X, "raw", device="cuda"), forest.predict(X, "raw", device="cpu")
    )
    np.testing.assert_array_equal(
        forest.predict_proba(X, device="cuda"), forest.predict_proba(X, device="cpu")
    )


def test_iteration_range(rng):
    forest = random_forest(rng, n_trees=30, n_outputs=1)
    X = rows(rng, 1000, forest.n_features, np.float64)
    for r in [(0, 0), (3, 17), (29, 30)]:
        np.testing.assert_array_equal(
            forest.predict(X, "raw", iteration_range=r, device="cuda"),
            forest.predict(X, "raw", iteration_range=r, device="cpu"),
        )


def test_large_forest_reads_nodes_from_global_memory(rng):
    from mlarsenal._gpu.forest import device_forest

    forest = random_forest(rng, n_trees=402, depth=9)
    plan = device_forest(forest, 0).plan(4, 1000, 0, forest.n_trees)
    assert not plan["nodes_in_shared"]
    X = rows(rng, 5000, forest.n_features, np.float32)
    np.testing.assert_array_equal(
        forest.predict(X, "leaf", device="cuda"), forest.predict(X, "leaf", device="cpu")
    )


def test_sklearn_forest_import(rng):
    ensemble = pytest.importorskip("sklearn.ensemble")
    X = rng.normal(size=(3000, 6)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = ensemble.RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0).fit(X, y)
    from mlarsenal.forest._import_sklearn import from_sklearn

    forest = from_sklearn(model)
    np.testing.assert_array_equal(
        forest.predict(X, "raw", device="cuda"), forest.predict(X, "raw", device="cpu")
    )


def test_torch_rows_stay_on_the_gpu(rng, torch_cuda):
    torch = torch_cuda
    forest = random_forest(rng, link="logistic")
    X = rows(rng, 4000, forest.n_features, np.float32)
    out = forest.predict(torch.from_numpy(X).cuda())  # auto: GPU input
    assert out.is_cuda and out.dtype == torch.float64
    np.testing.assert_allclose(out.cpu().numpy(), forest.predict(X, device="cpu"), rtol=1e-15)
    proba = forest.predict_proba(torch.from_numpy(X).cuda())
    assert proba.shape == (4000, 2) and proba.is_cuda


def test_concurrent_forests_with_different_shared_memory_needs(rng):
    """Threads predicting with a forest whose nodes need > 48 KiB of shared memory
    and one that needs little: the per-kernel shared-memory limit is process-wide,
    so one call must never lower it under another's launch."""
    from concurrent.futures import ThreadPoolExecutor

    from mlarsenal._gpu.forest import device_forest

    big = random_forest(rng, n_trees=70, depth=6)  # about 60 KiB of nodes
    small = random_forest(rng, n_trees=3, depth=3)
    plan = device_forest(big, 0).plan(4, 1000, 0, big.n_trees)
    if not (plan["nodes_in_shared"] and plan["shared_bytes"] > 48 * 1024):
        pytest.skip(f"this GPU plans the forest differently: {plan}")
    X = rows(rng, 3000, big.n_features, np.float32)
    expected = {id(f): f.predict(X, "leaf", device="cpu") for f in (big, small)}
    with ThreadPoolExecutor(8) as pool:
        jobs = [(f, pool.submit(f.predict, X, "leaf", device="cuda")) for f in [big, small] * 16]
        for f, job in jobs:
            np.testing.assert_array_equal(job.result(), expected[id(f)])
