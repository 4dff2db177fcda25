"""mlarsenal.batch.predict_file: CSV/Parquet in, predictions out, chunked, in order, atomic."""

import os
import sys
import types

import numpy as np
import pandas as pd
import pytest

from mlarsenal.batch import predict_file
from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def make_frame(n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": np.arange(n_rows) * 10 + 7,
            "x1": rng.normal(size=n_rows),
            "x2": rng.integers(0, 6, size=n_rows).astype(np.float64),
            "color": rng.choice(["red", "green", "blue"], size=n_rows),
        }
    )


@pytest.fixture(scope="module")
def frame():
    return make_frame(500)


@pytest.fixture(scope="module")
def classifier(frame):
    X = frame[["x1", "x2", "color"]].astype({"color": "category"})
    y = np.where(X["x1"] + (X["color"] == "red") > 0.3, "yes", "no")
    return GradientBoostingClassifier(max_iter=15, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def regressor_without_names(frame):
    X = frame[["x1", "x2"]].to_numpy()
    return GradientBoostingRegressor(max_iter=15, random_state=0).fit(X, X[:, 0] * 3 + X[:, 1])


def _model_frame(frame):
    return frame[["x1", "x2", "color"]].astype({"color": "category"})


@pytest.mark.parametrize(
    ("src_name", "dst_name"), [("in.csv", "out.parquet"), ("in.parquet", "out.csv")]
)
def test_predictions_match_the_model_in_row_order(tmp_path, frame, classifier, src_name, dst_name):
    src, dst = tmp_path / src_name, tmp_path / dst_name
    if src_name.endswith(".csv"):
        frame.to_csv(src, index=False)
    else:
        frame.to_parquet(src)
    rows = predict_file(classifier, src, dst, chunk_rows=37, keep_columns=["id"])
    out = pd.read_csv(dst) if dst_name.endswith(".csv") else pd.read_parquet(dst)
    assert rows == len(frame) == len(out)
    assert list(out.columns) == ["id", "prediction"]
    np.testing.assert_array_equal(out["id"], frame["id"])
    np.testing.assert_array_equal(out["prediction"], classifier.predict(_model_frame(frame)))


def test_predict_proba_has_one_column_per_class(tmp_path, frame, classifier):
    frame.to_parquet(tmp_path / "in.parquet")
    predict_file(
        classifier, tmp_path / "in.parquet", tmp_path / "out.parquet", method="predict_proba"
    )
    out = pd.read_parquet(tmp_path / "out.parquet")
    assert list(out.columns) == ["proba_no", "proba_yes"]
    np.testing.assert_allclose(out.to_numpy(), classifier.predict_proba(_model_frame(frame)))


def test_each_model_call_sees_at_most_chunk_rows(tmp_path, frame, classifier):
    calls = []

    class Recording:
        feature_names_in_ = classifier.feature_names_in_

        def predict(self, X):
            calls.append(len(X))
            return classifier.predict(X)

    frame.to_csv(tmp_path / "in.csv", index=False)
    predict_file(Recording(), tmp_path / "in.csv", tmp_path / "out.csv", chunk_rows=64)
    assert calls == [64] * 7 + [500 - 7 * 64]


def test_csv_blocks_with_blanks_and_decimals_after_integers(tmp_path, monkeypatch, classifier):
    # Tiny parse blocks: the first infers x2 as integers, later ones hold a
    # decimal and a blank (a missing value); both must still parse.
    monkeypatch.setattr("mlarsenal.batch._read.CSV_BLOCK_BYTES", 64)
    lines = ["id,x1,x2,color"] + [f"{i},{i / 10},{i % 5},red" for i in range(40)]
    lines += ["40,0.5,2.5,blue", "41,0.25,,green"]
    (tmp_path / "in.csv").write_text("\n".join(lines) + "\n")
    predict_file(classifier, tmp_path / "in.csv", tmp_path / "out.csv", keep_columns=["id"])
    out = pd.read_csv(tmp_path / "out.csv")
    expected_input = pd.read_csv(tmp_path / "in.csv")
    np.testing.assert_array_equal(out["id"], np.arange(42))
    np.testing.assert_array_equal(
        out["prediction"], classifier.predict(_model_frame(expected_input))
    )


def test_model_without_feature_names_reads_the_other_columns(tmp_path, regressor_without_names):
    X = np.random.default_rng(1).normal(size=(50, 2))
    pd.DataFrame({"a": X[:, 0], "key": np.arange(50), "b": X[:, 1]}).to_csv(
        tmp_path / "in.csv", index=False
    )
    predict_file(
        regressor_without_names, tmp_path / "in.csv", tmp_path / "out.parquet", keep_columns=["key"]
    )
    out = pd.read_parquet(tmp_path / "out.parquet")
    np.testing.assert_allclose(out["prediction"], regressor_without_names.predict(X))
    predict_file(
        regressor_without_names,
        tmp_path / "in.csv",
        tmp_path / "out2.parquet",
        feature_columns=["a", "b"],
    )
    out2 = pd.read_parquet(tmp_path / "out2.parquet")
    np.testing.assert_allclose(out2["prediction"], out["prediction"])
    with pytest.raises(ValueError, match="expects 2 features, but the input has 3"):
        predict_file(regressor_without_names, tmp_path / "in.csv", tmp_path / "bad.csv")


def test_model_file_and_registry_reference(tmp_path, frame, classifier):
    from mlarsenal.registry import Registry

    frame.to_csv(tmp_path / "in.csv", index=False)
    classifier.save(tmp_path / "model.mla")
    registry = Registry(tmp_path / "store")
    registry.register("clf", classifier, aliases=["champion"])
    expected = classifier.predict(_model_frame(frame))
    for model, kwargs in [
        (tmp_path / "model.mla", {}),
        (str(tmp_path / "model.mla"), {}),
        ("models:/clf@champion", {"registry": registry}),
        ("models:/clf/1", {"registry": str(tmp_path / "store")}),
    ]:
        predict_file(model, tmp_path / "in.csv", tmp_path / "out.csv", **kwargs)
        np.testing.assert_array_equal(pd.read_csv(tmp_path / "out.csv")["prediction"], expected)


def test_a_failure_leaves_the_old_output_and_no_temporary_file(
    tmp_path, monkeypatch, frame, classifier
):
    # Small parse blocks: the bad value is met after several chunks were written.
    monkeypatch.setattr("mlarsenal.batch._read.CSV_BLOCK_BYTES", 512)
    bad = frame.astype({"x1": object})
    bad.loc[300, "x1"] = "not a number"
    bad.to_csv(tmp_path / "in.csv", index=False)
    (tmp_path / "out.csv").write_text("previous result\n")
    with pytest.raises(ValueError, match="not a number"):
        predict_file(classifier, tmp_path / "in.csv", tmp_path / "out.csv", chunk_rows=50)
    assert (tmp_path / "out.csv").read_text() == "previous result\n"
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "out.csv"]


def test_input_without_rows_gives_the_header_only(tmp_path, classifier):
    (tmp_path / "in.csv").write_text("id,x1,x2,color\n")
    assert (
        predict_file(classifier, tmp_path / "in.csv", tmp_path / "out.csv", keep_columns=["id"])
        == 0
    )
    assert (tmp_path / "out.csv").read_text().splitlines() == ['"id","prediction"']
    predict_file(classifier, tmp_path / "in.csv", tmp_path / "p.parquet", method="predict_proba")
    assert list(pd.read_parquet(tmp_path / "p.parquet").columns) == ["proba_no", "proba_yes"]


def test_progress_bar_counts_every_row(tmp_path, monkeypatch, frame, classifier):
    bars = []

    class FakeBar:
        def __init__(self, total, **kwargs):
            self.total, self.count, self.closed = total, 0, False
            bars.append(self)

        def update(self, n):
            self.count += n

        def close(self):
            self.closed = True

    package = types.ModuleType("tqdm")
    package.__spec__ = types.SimpleNamespace(name="tqdm")
    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm", package)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    frame.to_parquet(tmp_path / "in.parquet")
    predict_file(
        classifier, tmp_path / "in.parquet", tmp_path / "o.csv", chunk_rows=128, progress=True
    )
    assert len(bars) == 1
    assert (bars[0].total, bars[0].count, bars[0].closed) == (500, 500, True)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"chunk_rows": 0}, ValueError, "chunk_rows must be >= 1"),
        ({"chunk_rows": "10"}, TypeError, "chunk_rows must be an integer"),
        ({"chunk_rows": True}, TypeError, "chunk_rows must be an integer"),
        ({"keep_columns": "id"}, TypeError, "keep_columns must be a list"),
        ({"keep_columns": ["nope"]}, ValueError, r"no column\(s\) \['nope'\]"),
        ({"keep_columns": [1]}, TypeError, "keep_columns must hold column names"),
        ({"method": "transform"}, ValueError, "method must be one of"),
        ({"dst_format": "xlsx"}, ValueError, "dst_format must be one of"),
    ],
)
def test_bad_arguments_name_themselves(tmp_path, frame, classifier, kwargs, error, match):
    frame.to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(error, match=match):
        predict_file(classifier, tmp_path / "in.csv", tmp_path / "out.csv", **kwargs)
    assert not (tmp_path / "out.csv").exists()


def test_bad_files_and_models(tmp_path, frame, classifier, regressor_without_names):
    frame.to_csv(tmp_path / "in.csv", index=False)
    with pytest.raises(ValueError, match="src: cannot tell the format"):
        predict_file(classifier, tmp_path / "in.txt", tmp_path / "out.csv")
    with pytest.raises(ValueError, match="dst: cannot tell the format"):
        predict_file(classifier, tmp_path / "in.csv", tmp_path / "out.json")
    with pytest.raises(FileNotFoundError, match="src: no such file"):
        predict_file(classifier, tmp_path / "missing.csv", tmp_path / "out.csv")
    with pytest.raises(ValueError, match="dst must be another file"):
        predict_file(classifier, tmp_path / "in.csv", tmp_path / "in.csv", dst_format="csv")
    with pytest.raises(ValueError, match="dst: the folder"):
        predict_file(classifier, tmp_path / "in.csv", tmp_path / "no" / "out.csv")
    with pytest.raises(TypeError, match="model must be a fitted model"):
        predict_file(42, tmp_path / "in.csv", tmp_path / "out.csv")
    with pytest.raises(ValueError, match="has no predict_proba method"):
        predict_file(
            regressor_without_names,
            tmp_path / "in.csv",
            tmp_path / "o.csv",
            method="predict_proba",
            feature_columns=["x1", "x2"],
        )
    frame.rename(columns={"id": "prediction"}).to_csv(tmp_path / "clash.csv", index=False)
    with pytest.raises(ValueError, match="have the name of an output column"):
        predict_file(
            classifier, tmp_path / "clash.csv", tmp_path / "out.csv", keep_columns=["prediction"]
        )
    assert not (tmp_path / "out.csv").exists()
