"""Forest: prediction against a pure-Python traversal, round trips, hostile files."""

import math
import pickle
import threading

import numpy as np
import pytest

import mlarsenal
from mlarsenal import ModelFormatError
from mlarsenal._serialization import dumps
from mlarsenal.forest import Forest


# ------------------------------------------------------------------ reference
def reference_leaf(a, tree, row):
    """The leaf index of `row` in `tree`, following forest.hpp's decision rules."""
    base, node = int(a["tree_offsets"][tree]), 0
    while a["left"][base + node] >= 0:
        at = base + node
        v = float(row[a["feature"][at]])
        if math.isnan(v):
            go_left = bool(a["default_left"][at])
        elif a["split_kind"][at] == 0:
            go_left = v <= a["threshold"][at]
        else:
            words = int(a["cat_size"][at])
            go_left = False
            if 0.0 <= v < 32.0 * words:
                category = int(v)
                word = int(a["cat_bits"][a["cat_begin"][at] + category // 32])
                go_left = bool((word >> (category % 32)) & 1)
        node = int(a["left"][at] if go_left else a["right"][at])
    return node


def reference_raw(forest, X, trees=None):
    a = forest.arrays
    trees = range(forest.n_trees) if trees is None else trees
    out = np.tile(a["base_score"], (len(X), 1))
    for i, row in enumerate(X):
        for t in trees:
            leaf = reference_leaf(a, t, row)
            out[i, a["tree_output"][t]] += a["value"][a["tree_offsets"][t] + leaf]
    return out


def reference_leaves(forest, X, trees):
    a = forest.arrays
    return np.array([[reference_leaf(a, t, row) for t in trees] for row in X], dtype=np.int32)


# -------------------------------------------------------------------- forests
def stump(default_left, feature=0, threshold=0.5, n_features=3):
    return {
        "left": [1, -1, -1],
        "right": [2, -1, -1],
        "feature": [feature, -1, -1],
        "threshold": [threshold, 0.0, 0.0],
        "value": [0.0, -1.0, 2.0],
        "default_left": [default_left, 0, 0],
        "gain": [3.0, 0.0, 0.0],
        "cover": [10.0, 4.0, 6.0],
        "count": [10, 4, 6],
    }


def depth3_tree():
    # Pre-order numbering, children always after their parent.
    left = [1, 2, 3, -1, -1, 6, -1, -1, 9, 10, -1, -1, 13, -1, -1]
    right = [8, 5, 4, -1, -1, 7, -1, -1, 12, 11, -1, -1, 14, -1, -1]
    feature = [0, 1, 2, -1, -1, 2, -1, -1, 1, 0, -1, -1, 2, -1, -1]
    threshold = [0.0, -0.5, 0.25, 0, 0, 1.0, 0, 0, 0.5, 1.5, 0, 0, -1.0, 0, 0]
    default_left = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]
    n = len(left)
    return {
        "left": left,
        "right": right,
        "feature": feature,
        "threshold": threshold,
        "value": [0.1 * i - 0.6 if left[i] < 0 else 0.0 for i in range(n)],
        "default_left": default_left,
        "gain": [float(i + 1) if left[i] >= 0 else 0.0 for i in range(n)],
        "cover": [1.0] * n,
        "count": [1] * n,
    }


def categorical_tree():
    # Node 0 sends categories {1, 3, 40} of feature 2 left (a two-word bitset);
    # node 2 sends {0} of feature 1 left, NaN right.
    return {
        "left": [1, -1, 3, -1, -1],
        "right": [2, -1, 4, -1, -1],
        "feature": [2, -1, 1, -1, -1],
        "threshold": [0.0] * 5,
        "value": [0.0, 5.0, 0.0, -3.0, 0.25],
        "default_left": [1, 0, 0, 0, 0],
        "categories": {0: [1, 3, 40], 2: [0]},
        "gain": [2.0, 0.0, 1.0, 0.0, 0.0],
        "cover": [1.0] * 5,
        "count": [1] * 5,
    }


def with_values(tree, scale, shift):
    """The same splits with other leaf values."""
    return {**tree, "value": [scale * v + shift for v in tree["value"]]}


def complete_tree(depth, seed):
    """A complete binary tree of 2**(depth+1) - 1 nodes (breadth-first), random splits."""
    rng = np.random.default_rng(seed)
    n = 2 ** (depth + 1) - 1
    inner = 2**depth - 1
    left = [2 * i + 1 if i < inner else -1 for i in range(n)]
    right = [2 * i + 2 if i < inner else -1 for i in range(n)]
    return {
        "left": left,
        "right": right,
        "feature": [int(rng.integers(3)) if i < inner else -1 for i in range(n)],
        "threshold": [
            float(rng.choice([-1.0, -0.25, 0.0, 0.5, 1.5])) if i < inner else 0.0 for i in range(n)
        ],
        "value": rng.normal(size=n).tolist(),
        "default_left": [int(rng.integers(2)) for _ in range(n)],
    }


FORESTS = {
    "stump_nan_left": lambda: Forest.from_trees([stump(1)], n_features=3, base_score=0.5),
    "stump_nan_right": lambda: Forest.from_trees([stump(0)], n_features=3),
    "depth3_logistic": lambda: Forest.from_trees(
        [depth3_tree(), stump(0, feature=2, threshold=-0.25)],
        n_features=3,
        base_score=-0.2,
        link="logistic",
    ),
    "categorical": lambda: Forest.from_trees(
        [categorical_tree(), stump(1, feature=0)], n_features=3, link="exp"
    ),
    # Consecutive trees with the same splits and other values (one copy per
    # class, as classifier forests store them): walked once, both values added.
    "shared_structure": lambda: Forest.from_trees(
        [
            depth3_tree(),
            with_values(depth3_tree(), -2.0, 0.5),
            categorical_tree(),
            with_values(categorical_tree(), 3.0, -1.0),
        ],
        n_features=3,
        n_outputs=2,
        link="identity",
        trees_per_iteration=2,
    ),
    # Trees of 4,095 nodes: the large-tree row blocks of the batch path.
    "deep_trees": lambda: Forest.from_trees(
        [complete_tree(11, seed) for seed in range(3)], n_features=3
    ),
    "softmax_two_outputs": lambda: Forest.from_trees(
        [depth3_tree(), categorical_tree(), stump(0), stump(1, feature=1)],
        n_features=3,
        n_outputs=2,
        base_score=[0.3, -0.1],
        link="softmax",
        trees_per_iteration=2,
    ),
}


def edge_data(rng, n_rows=150, dtype=np.float64):
    """Random rows mixed with NaN, ±inf, threshold values, categories and their neighbours."""
    specials = np.array(
        [np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5, -0.5, 0.25, 1.0, 1.5, -1.0, -0.25,
         1, 3, 40, 41, 63, 64, 3.7, -1e-300, 1e300, 2**40]
    )  # fmt: skip
    X = rng.normal(scale=2.0, size=(n_rows, 3))
    mask = rng.random(X.shape) < 0.5
    X[mask] = rng.choice(specials, size=int(mask.sum()))
    with np.errstate(over="ignore"):
        return X.astype(dtype)


@pytest.fixture(params=sorted(FORESTS))
def forest(request):
    return FORESTS[request.param]()


# ------------------------------------------------------------------ prediction
LAYOUTS = {
    "C": lambda X: np.ascontiguousarray(X),
    "F": lambda X: np.asfortranarray(X),
    "strided": lambda X: np.repeat(X, 2, axis=0)[::2, :],
    "reversed": lambda X: X[::-1][::-1],
    "transposed_view": lambda X: np.ascontiguousarray(X.T).T,
    "read_only": lambda X: _read_only(X),
}


def _read_only(X):
    X = X.copy()
    X.flags.writeable = False
    return X


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_raw_and_leaf_match_the_reference(forest, dtype, layout, rng):
    X = LAYOUTS[layout](edge_data(rng, dtype=dtype))
    expected = reference_raw(forest, X)
    raw = forest.predict(X, output="raw")
    if forest.n_outputs == 1:
        assert raw.shape == (len(X),)
        expected = expected[:, 0]
    np.testing.assert_array_equal(raw, expected)
    leaves = forest.predict(X, output="leaf")
    assert leaves.dtype == np.int32 and leaves.shape == (len(X), forest.n_trees)
    np.testing.assert_array_equal(leaves, reference_leaves(forest, X, range(forest.n_trees)))


def test_negative_strides_are_read_in_place(rng):
    forest = FORESTS["depth3_logistic"]()
    X = edge_data(rng)
    np.testing.assert_array_equal(
        forest.predict(X[::-1, ::-1][:, ::-1], output="raw"),
        reference_raw(forest, X[::-1])[:, 0],
    )


def test_values_apply_the_link(forest, rng):
    X = edge_data(rng)
    raw = forest.predict(X, output="raw")
    value = forest.predict(X)
    if forest.link == "logistic":
        np.testing.assert_allclose(value, 1.0 / (1.0 + np.exp(-raw)), rtol=1e-15)
    elif forest.link == "softmax":
        e = np.exp(raw - raw.max(axis=1, keepdims=True))
        np.testing.assert_allclose(value, e / e.sum(axis=1, keepdims=True), rtol=1e-14)
        np.testing.assert_allclose(value.sum(axis=1), 1.0)
    elif forest.link == "exp":
        np.testing.assert_array_equal(value, np.exp(raw))
    else:
        np.testing.assert_array_equal(value, raw)


def test_predict_proba(rng):
    X = edge_data(rng)
    binary = FORESTS["depth3_logistic"]()
    proba = binary.predict_proba(X)
    p = binary.predict(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_array_equal(proba[:, 1], p)
    np.testing.assert_array_equal(proba[:, 0], 1.0 - p)
    multi = FORESTS["softmax_two_outputs"]()
    np.testing.assert_array_equal(multi.predict_proba(X), multi.predict(X))
    with pytest.raises(ValueError, match=r"predict_proba needs a classifier.*'exp'"):
        FORESTS["categorical"]().predict_proba(X)


def test_sigmoid_is_stable_for_huge_margins():
    big = Forest.from_trees(
        [{"left": [-1], "right": [-1], "feature": [-1], "threshold": [0.0], "value": [0.0]}],
        n_features=1,
        base_score=800.0,
        link="logistic",
    )
    assert big.predict_proba(np.zeros((1, 1))).tolist() == [[0.0, 1.0]]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert big.predict(np.zeros((1, 1)))[0] == 1.0


def test_iteration_range_selects_whole_iterations(rng):
    forest = FORESTS["softmax_two_outputs"]()
    X = edge_data(rng, n_rows=40)
    assert forest.n_iterations == 2
    for start, end in [(0, 0), (0, 1), (1, 2), (0, 2)]:
        trees = range(2 * start, 2 * end)
        np.testing.assert_array_equal(
            forest.predict(X, output="raw", iteration_range=(start, end)),
            reference_raw(forest, X, trees),
        )
        np.testing.assert_array_equal(
            forest.predict(X, output="leaf", iteration_range=(start, end)),
            reference_leaves(forest, X, trees).reshape(len(X), len(trees)),
        )
    np.testing.assert_array_equal(
        forest.predict(X, output="raw", iteration_range=(0, 2)), forest.predict(X, output="raw")
    )


@pytest.mark.parametrize(
    "bad", [(0, 3), (-1, 1), (2, 1), (0,), (0, 1, 2), (0.0, 1), (False, 1), "01"]
)
def test_iteration_range_is_validated(bad):
    forest = FORESTS["softmax_two_outputs"]()
    with pytest.raises(
        ValueError, match=r"iteration_range must be \(start, end\) with 0 <= start <= end <= 2"
    ):
        forest.predict(np.zeros((1, 3)), iteration_range=bad)


def test_bad_inputs_and_arguments():
    forest = FORESTS["depth3_logistic"]()
    with pytest.raises(ValueError, match="X has 2 features, but this forest expects 3"):
        forest.predict(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="2-d"):
        forest.predict(np.zeros(3))
    with pytest.raises(ValueError, match="output must be"):
        forest.predict(np.zeros((1, 3)), output="proba")
    with pytest.raises(ValueError, match="n_jobs"):
        forest.predict(np.zeros((1, 3)), n_jobs=0)
    with pytest.raises(TypeError):
        forest.predict(np.array([["a", "b", "c"]]))


def test_other_inputs_are_converted(rng):
    forest = FORESTS["categorical"]()
    X = edge_data(rng, n_rows=20)
    expected = forest.predict(X)
    np.testing.assert_array_equal(forest.predict(X.tolist()), expected)
    Xi = rng.integers(-2, 45, size=(30, 3))
    np.testing.assert_array_equal(forest.predict(Xi), forest.predict(Xi.astype(np.float64)))
    assert forest.predict(np.zeros((0, 3))).shape == (0,)


def test_feature_names_are_checked_on_data_frames():
    pd = pytest.importorskip("pandas")
    forest = Forest.from_trees([stump(0)], n_features=3, feature_names=["a", "b", "c"])
    frame = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, np.inf], "c": [np.nan, 2.0]})
    np.testing.assert_array_equal(forest.predict(frame), forest.predict(frame.to_numpy()))
    with pytest.raises(ValueError, match="do not match the forest's feature_names"):
        forest.predict(frame[["b", "a", "c"]])


def test_results_do_not_depend_on_threads(rng):
    forest = FORESTS["softmax_two_outputs"]()
    X = edge_data(rng, n_rows=3000)
    serial = forest.predict(X, output="raw", n_jobs=1)
    np.testing.assert_array_equal(forest.predict(X, output="raw", n_jobs=4), serial)
    np.testing.assert_array_equal(forest.predict(X, output="raw", n_jobs=-1), serial)


def test_python_threads_calling_predict_at_once_equal_serial(rng):
    # 16 Python threads at once, each also using native threads (n_jobs=2).
    forest = FORESTS["softmax_two_outputs"]()
    inputs = [edge_data(rng, n_rows=2000, dtype=dt) for dt in [np.float64, np.float32] * 8]
    expected = [(forest.predict(X), forest.predict(X, output="leaf")) for X in inputs]
    results = [None] * len(inputs)
    barrier = threading.Barrier(len(inputs))

    def work(i):
        barrier.wait()
        for _ in range(5):
            results[i] = (
                forest.predict(inputs[i], n_jobs=2),
                forest.predict(inputs[i], output="leaf"),
            )

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (value, leaf), (expected_value, expected_leaf) in zip(results, expected, strict=True):
        np.testing.assert_array_equal(value, expected_value)
        np.testing.assert_array_equal(leaf, expected_leaf)


# --------------------------------------------------------- structure & stats
def test_properties_and_repr():
    forest = FORESTS["softmax_two_outputs"]()
    assert repr(forest) == "Forest(n_trees=4, n_features=3, n_outputs=2, link='softmax')"
    assert (forest.n_trees, forest.n_features, forest.n_outputs) == (4, 3, 2)
    assert (forest.trees_per_iteration, forest.n_iterations) == (2, 2)
    assert forest.n_nodes == 15 + 5 + 3 + 3
    assert forest.n_leaves == 8 + 3 + 2 + 2
    assert forest.tree_depths.tolist() == [3, 2, 1, 1]
    assert forest.max_depth == 3
    assert forest.arrays["tree_output"].tolist() == [0, 1, 0, 1]
    for name, array in forest.arrays.items():
        assert not array.flags.writeable, name


def test_empty_forest_predicts_its_base_score():
    arrays = Forest.from_trees([], n_features=2, n_outputs=2, base_score=[1.0, -1.0]).arrays
    forest = Forest(arrays, n_features=2)
    assert forest.n_trees == 0 and forest.max_depth == 0 and forest.n_iterations == 0
    np.testing.assert_array_equal(forest.predict(np.zeros((2, 2)), output="raw"), [[1, -1]] * 2)
    assert forest.predict(np.zeros((2, 2)), output="leaf").shape == (2, 0)


def test_feature_importances():
    forest = Forest.from_trees([depth3_tree(), stump(0, feature=1)], n_features=4)
    gains = np.zeros(4)
    tree = depth3_tree()
    for node, f in enumerate(tree["feature"]):
        if tree["left"][node] >= 0:
            gains[f] += tree["gain"][node]
    gains[1] += 3.0
    np.testing.assert_allclose(forest.feature_importances("gain"), gains / gains.sum())
    np.testing.assert_allclose(forest.feature_importances("split"), np.array([2, 3, 3, 0]) / 8)
    leaf_only = Forest.from_trees(
        [{"left": [-1], "right": [-1], "feature": [-1], "threshold": [0.0], "value": [1.0]}],
        n_features=2,
    )
    assert leaf_only.feature_importances("split").tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="no per-node 'gain'"):
        leaf_only.feature_importances("gain")
    with pytest.raises(ValueError, match="kind"):
        forest.feature_importances("cover")


# ---------------------------------------------------------------- construction
def test_constructor_copies_and_converts_losslessly(rng):
    arrays = {k: np.array(v) for k, v in FORESTS["depth3_logistic"]().arrays.items()}
    forest = Forest(arrays, n_features=3, link="logistic")
    X = edge_data(rng)
    before = forest.predict(X)
    arrays["left"][:] = 10_000  # the caller's arrays are not the forest's
    arrays["value"][:] = 0.0
    np.testing.assert_array_equal(forest.predict(X), before)
    as_int64 = dict(arrays, left=np.array(forest.arrays["left"], dtype=np.int64))
    assert Forest(as_int64 | {"value": forest.arrays["value"]}, n_features=3).n_trees == 2


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"left": np.full(18, 2**40)}, ValueError, "do not fit dtype int32"),
        ({"threshold": np.array(["a"] * 18)}, TypeError, "dtype"),
        ({"value": np.ones(17)}, ValueError, "'value' has 17 entries, expected 18"),
        ({"base_score": np.ones(2)}, ValueError, "'base_score' has 2 entries, expected 1"),
        ({"typo": np.ones(1)}, ValueError, "unknown forest arrays: typo"),
        ({"feature": np.ones((18, 1))}, ValueError, "1-d"),
        ({"tree_offsets": np.zeros(0)}, ValueError, "tree_offsets"),
        ({"tree_offsets": np.array([0, 15, 20])}, ValueError, "node count"),
    ],
)
def test_constructor_rejects_bad_arrays(change, error, match):
    arrays = dict(FORESTS["depth3_logistic"]().arrays, **change)
    with pytest.raises(error, match=match):
        Forest(arrays, n_features=3, n_outputs=1)


def test_constructor_rejects_bad_settings():
    arrays = FORESTS["softmax_two_outputs"]().arrays
    with pytest.raises(ValueError, match="link must be one of"):
        Forest(arrays, n_features=3, link="probit")
    with pytest.raises(ValueError, match="n_features must be >= 1"):
        Forest(arrays, n_features=0)
    with pytest.raises(TypeError, match="n_features must be an int"):
        Forest(arrays, n_features=3.0)
    with pytest.raises(ValueError, match="does not divide"):
        Forest(arrays, n_features=3, trees_per_iteration=3)
    with pytest.raises(ValueError, match="feature 2 outside"):
        Forest(arrays, n_features=2)
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        Forest(arrays, n_features=3, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="meta must hold only JSON"):
        Forest(arrays, n_features=3, meta={"x": np.nan})
    stump_arrays = FORESTS["stump_nan_left"]().arrays
    with pytest.raises(ValueError, match="softmax' needs n_outputs >= 2"):
        Forest(stump_arrays, n_features=3, link="softmax")
    with pytest.raises(ValueError, match="categories must be non-negative"):
        Forest.from_trees([dict(categorical_tree(), categories={0: [-1]})], n_features=3)
    with pytest.raises(ValueError, match="base_score"):
        Forest.from_trees([stump(0)], n_features=3, n_outputs=2, base_score=[1, 2, 3])
    with pytest.raises(ValueError, match="unknown keys"):
        Forest.from_trees([dict(stump(0), typo=1)], n_features=3)


# ----------------------------------------------------------------- round trips
def assert_same_predictions(copy, forest, X):
    assert type(copy) is Forest
    assert repr(copy) == repr(forest)
    assert copy.to_bytes() == forest.to_bytes()
    for output in ("raw", "value", "leaf"):
        np.testing.assert_array_equal(
            copy.predict(X, output=output, n_jobs=1), forest.predict(X, output=output, n_jobs=1)
        )


def test_round_trips_predict_bit_identically(forest, rng):
    X = edge_data(rng)
    data = forest.to_bytes()
    assert_same_predictions(Forest.from_bytes(data), forest, X)
    assert_same_predictions(mlarsenal.load(memoryview(data)), forest, X)
    assert_same_predictions(mlarsenal.load(bytearray(data)), forest, X)
    assert_same_predictions(pickle.loads(pickle.dumps(forest)), forest, X)


def test_file_round_trip(tmp_path, rng):
    forest = FORESTS["softmax_two_outputs"]()
    path = tmp_path / "model.mla"
    forest.save(path)
    X = edge_data(rng)
    assert_same_predictions(mlarsenal.load(path), forest, X)
    assert_same_predictions(mlarsenal.load(str(path)), forest, X)
    assert path.read_bytes() == forest.to_bytes()


def test_round_trip_keeps_names_meta_and_statistics(tmp_path):
    forest = Forest.from_trees(
        [stump(0)], n_features=3, feature_names=["a", "b", "ç"], meta={"objective": "l2", "n": [1]}
    )
    copy = mlarsenal.load(forest.to_bytes())
    assert copy.feature_names == ["a", "b", "ç"]
    assert copy.meta == {"objective": "l2", "n": [1]}
    for name in ("gain", "cover", "count"):
        np.testing.assert_array_equal(copy.arrays[name], forest.arrays[name])
    copy.meta["objective"] = "changed"  # a copy: the forest's meta stays
    assert copy.meta["objective"] == "l2"


def test_pickle_carries_only_the_model_file():
    forest = FORESTS["categorical"]()
    state = forest.__getstate__()
    assert list(state) == ["model_file"] and isinstance(state["model_file"], bytes)


def test_forest_file_of_another_kind_is_rejected():
    with pytest.raises(ModelFormatError, match="expected 'forest'"):
        Forest.from_bytes(dumps("other", {}, {}))


# ------------------------------------------------------------- hostile files
def edited(forest, *, meta=None, drop=(), **arrays):
    """The forest's file with some parts replaced, re-checksummed (so only the content is wrong)."""
    file_meta, file_arrays = forest.to_parts()
    file_meta = dict(file_meta, **(meta or {}))
    file_arrays = {k: np.array(v) for k, v in file_arrays.items() if k not in drop}
    for name, change in arrays.items():
        file_arrays[name] = change(file_arrays[name]) if callable(change) else change
    return dumps("forest", file_meta, file_arrays)


def _set(index, value):
    def change(array):
        array[index] = value
        return array

    return change


@pytest.mark.parametrize(
    "edit, match",
    [
        ({"left": _set(0, 99)}, "child index out of range"),
        ({"right": _set(0, -7)}, "child index out of range"),
        ({"left": _set(1, 0)}, "not after its parent"),  # a cycle back to the root
        ({"left": _set(2, 2)}, "not after its parent"),  # a self-loop
        ({"right": _set(3, -1), "left": _set(3, 4)}, "child index out of range|not after"),
        ({"feature": _set(0, 3)}, "feature 3 outside"),
        ({"feature": _set(0, -1)}, "feature -1 outside"),
        ({"tree_output": _set(1, 1)}, "adds to output 1"),
        ({"tree_offsets": _set(1, 0)}, "tree 0 has no nodes"),
        ({"tree_offsets": _set(2, 17)}, "end at the node count"),
        ({"tree_offsets": _set(0, 1)}, "start at 0"),
        ({"split_kind": _set(0, 64)}, "unknown split kind 64"),
        ({"split_kind": _set(0, 16)}, "category bits on a numerical split"),
        ({"threshold": _set(0, np.nan)}, "threshold is NaN"),
        (
            {"split_kind": _set(0, 1), "cat_size": _set(0, 1), "cat_begin": _set(0, 0)},
            "bitset outside",
        ),
        ({"feature": lambda a: a.astype(np.int64)}, "'feature' must have dtype int32"),
        ({"value": lambda a: a[:-1]}, "'value' has 17 entries"),
        ({"base_score": np.zeros((1, 1))}, "1-d"),
        ({"extra": np.zeros(1)}, "unknown forest arrays: extra"),
        ({"drop": ("cat_bits",)}, "missing: cat_bits"),
        ({"meta": {"link": "probit"}}, "link must be one of"),
        ({"meta": {"n_outputs": 0}}, "n_outputs must be >= 1"),
        ({"meta": {"n_outputs": 2}}, "'base_score' has 1 entries, expected 2"),
        ({"meta": {"n_features": 2}}, "feature 2 outside"),
        ({"meta": {"n_features": True}}, "n_features must be an int"),
        ({"meta": {"n_features": "3"}}, "n_features must be an int"),
        ({"meta": {"trees_per_iteration": 4}}, "does not divide"),
        ({"meta": {"feature_names": ["a"]}}, "feature_names has 1 names"),
        ({"meta": {"feature_names": [1, 2, 3]}}, "feature_names must all be str"),
        ({"meta": {"meta": [1]}}, "meta must be a dict"),
        ({"meta": {"surprise": 1}}, "unknown keys"),
    ],
)
def test_crafted_files_with_valid_checksums_are_rejected(edit, match):
    forest = FORESTS["depth3_logistic"]()
    edit = dict(edit)
    data = edited(forest, meta=edit.pop("meta", None), drop=edit.pop("drop", ()), **edit)
    with pytest.raises(ModelFormatError, match=match):
        mlarsenal.load(data)
    with pytest.raises(ModelFormatError, match=match):
        Forest.from_bytes(data)


def test_missing_meta_keys_are_rejected():
    meta, arrays = FORESTS["stump_nan_left"]().to_parts()
    del meta["link"]
    with pytest.raises(ModelFormatError, match=r"missing keys \['link'\]"):
        mlarsenal.load(dumps("forest", meta, arrays))


def test_every_single_byte_flip_of_a_forest_file_is_rejected():
    data = bytearray(FORESTS["stump_nan_left"]().to_bytes())
    for i in range(len(data)):
        data[i] ^= 1 << (i % 8)
        with pytest.raises(ModelFormatError):
            Forest.from_bytes(data)
        data[i] ^= 1 << (i % 8)


def test_every_truncation_of_a_forest_file_is_rejected():
    data = FORESTS["stump_nan_left"]().to_bytes()
    for length in range(len(data)):
        with pytest.raises(ModelFormatError):
            mlarsenal.load(data[:length])


def test_random_structural_edits_never_crash_or_hang(rng):
    """Random values in the integer arrays (re-checksummed): an error or a working forest."""
    forest = FORESTS["softmax_two_outputs"]()
    meta, arrays = forest.to_parts()
    X = edge_data(rng, n_rows=20)
    names = [
        "left",
        "right",
        "feature",
        "tree_offsets",
        "tree_output",
        "cat_begin",
        "cat_size",
        "split_kind",
    ]
    loaded = 0
    for _ in range(300):
        changed = {k: np.array(v) for k, v in arrays.items()}
        for _ in range(rng.integers(1, 3)):
            target = changed[names[rng.integers(len(names))]]
            target[rng.integers(len(target))] = rng.choice([-2, -1, 0, 1, 2, 3, 5, 25, 2**31 - 1])
        try:
            copy = Forest.from_bytes(dumps("forest", meta, changed))
        except ModelFormatError:
            continue
        loaded += 1
        copy.predict(X, output="raw")
        copy.predict(X, output="leaf")
        assert copy.max_depth >= 0
    assert loaded > 0


def test_splits_sharing_a_child_predict_like_the_reference(rng):
    # Children after their parents, but two splits point at the same leaves:
    # a valid file, which the packed layout must not unfold into more nodes
    # than the tree has (it keeps the general traversal).
    shared = {
        "left": [1, 3, 3, -1, -1],
        "right": [2, 4, 4, -1, -1],
        "feature": [0, 1, 2, -1, -1],
        "threshold": [0.0, 0.5, -0.5, 0.0, 0.0],
        "value": [0.0, 0.0, 0.0, -1.0, 1.0],
    }
    plain_stump = {k: v for k, v in stump(1).items() if k not in ("gain", "cover", "count")}
    forest = Forest.from_trees([shared, plain_stump], n_features=3)
    X = edge_data(rng)
    np.testing.assert_array_equal(forest.predict(X, output="raw"), reference_raw(forest, X)[:, 0])
    np.testing.assert_array_equal(
        forest.predict(X, output="leaf"), reference_leaves(forest, X, range(2))
    )
