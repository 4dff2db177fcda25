"""Saving and loading fitted trees and forests: model files, pickle, crafted files."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

import mlarsenal
from mlarsenal._serialization import dumps, loads
from mlarsenal.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from mlarsenal.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _fitted(cls, labels="int"):
    if "Regressor" in cls.__name__:
        X, y = make_regression(n_samples=300, n_features=5, random_state=0)
    else:
        X, y = make_classification(n_samples=300, n_features=5, n_classes=3, n_informative=3,
                                   random_state=0)  # fmt: skip
        if labels == "str":
            y = np.array(["a", "b", "c"])[y]
    X[::17, 2] = np.nan
    params = {"random_state": 0}
    if "Forest" in cls.__name__ or "Extra" in cls.__name__:
        params["n_estimators"] = 6
    if cls is RandomForestClassifier or cls is RandomForestRegressor:
        params["oob_score"] = True
    return X, cls(**params).fit(X, y)


ALL = [
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
    ExtraTreesClassifier,
    ExtraTreesRegressor,
]


def _outputs(est, X):
    out = [est.predict(X), est.apply(X)]
    if hasattr(est, "predict_proba"):
        out.append(est.predict_proba(X))
    return out


@pytest.mark.filterwarnings("ignore:.*out-of-bag")
@pytest.mark.parametrize("cls", ALL)
def test_save_load_and_pickle_round_trip(tmp_path, cls):
    X, est = _fitted(cls)
    path = tmp_path / "model.mla"
    est.save(path)
    for loaded in (mlarsenal.load(path), pickle.loads(pickle.dumps(est))):
        assert type(loaded) is cls
        for a, b in zip(_outputs(loaded, X), _outputs(est, X), strict=True):
            np.testing.assert_array_equal(a, b)
        assert loaded.get_params() == est.get_params()
        np.testing.assert_array_equal(loaded.feature_importances_, est.feature_importances_)
        if hasattr(est, "oob_score_"):
            assert loaded.oob_score_ == est.oob_score_


def test_string_classes_round_trip():
    X, est = _fitted(ExtraTreesClassifier, labels="str")
    loaded = mlarsenal.load(est.to_bytes())
    assert loaded.predict(X).tolist() == est.predict(X).tolist()


def _crafted(edit):
    _, est = _fitted(ExtraTreesClassifier)
    kind, meta, arrays = loads(est.to_bytes())
    edit(meta, arrays)
    return dumps(kind, meta, arrays)


@pytest.mark.parametrize(
    "edit",
    [
        lambda m, a: m.update(estimator="Pickle"),
        lambda m, a: m.update(params=[]),
        lambda m, a: m.update(params={"no_such_param": 1}),
        lambda m, a: m.update(forest=[]),
        lambda m, a: m.update(n_features_in=9),
        lambda m, a: m.update(feature_names_in=["a"]),
        lambda m, a: a.update(classes=np.array([0])),
        lambda m, a: a.update(classes=np.array([0, 1])),
        lambda m, a: a.update(tree_seeds=np.zeros(2, np.uint64)),
        lambda m, a: a.update({"forest/left": np.full_like(a["forest/left"], 5)}),
        lambda m, a: a.update({"forest/feature": np.full_like(a["forest/feature"], 7)}),
    ],
)
def test_crafted_files_raise_model_format_error(edit):
    with pytest.raises(mlarsenal.ModelFormatError):
        mlarsenal.load(_crafted(edit))


def test_unfitted_estimator_has_nothing_to_save():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        RandomForestClassifier().to_bytes()
    assert pickle.loads(pickle.dumps(RandomForestClassifier(n_estimators=3))).n_estimators == 3
