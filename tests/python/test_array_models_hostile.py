"""Hostile array_model files: every array of every estimator swapped for arrays of other
dtypes and shapes. The loader must reject what prediction could not use (ModelFormatError),
and whatever it accepts must predict: no crash, no IndexError from deep inside a method."""

import itertools
import warnings

import numpy as np
import pytest

import mlarsenal
from mlarsenal import ModelFormatError
from mlarsenal._serialization import dumps, loads
from mlarsenal._serialization.array_models import KIND
from mlarsenal.cluster import DBSCAN, KMeans, MiniBatchKMeans
from mlarsenal.linear_model import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LinearSVC,
    LogisticRegression,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from mlarsenal.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB
from mlarsenal.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

RNG = np.random.RandomState(0)
X = np.abs(RNG.randn(40, 4))
Y = np.arange(40) % 3
ESTIMATORS = {
    "classifier": [
        LogisticRegression(), LinearSVC(C=0.1), SGDClassifier(random_state=0), GaussianNB(),
        MultinomialNB(), BernoulliNB(), ComplementNB(), KNeighborsClassifier(3),
    ],
    "regressor": [
        LinearRegression(), Ridge(), Lasso(alpha=0.01), ElasticNet(alpha=0.01),
        SGDRegressor(random_state=0), KNeighborsRegressor(3),
    ],
    "unsupervised": [NearestNeighbors(n_neighbors=3), KMeans(3, n_init=1), MiniBatchKMeans(3),
                     DBSCAN()],
}  # fmt: skip
DTYPES = ("bool", "int8", "int32", "uint64", "float32", "float64")
SHAPES = ((), (0,), (1,), (3,), (40,), (3, 4), (1, 4), (40, 4), (4, 3), (3, 5))
METHODS = ("predict", "predict_proba", "decision_function", "transform", "kneighbors")


def fitted(group, est):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if group == "classifier":
            return est.fit(X, Y)
        return est.fit(X, X[:, 0]) if group == "regressor" else est.fit(X)


CASES = [(group, est) for group, ests in ESTIMATORS.items() for est in ests]


@pytest.mark.parametrize(("group", "est"), CASES, ids=[type(e).__name__ for _, e in CASES])
def test_swapped_arrays_are_rejected_or_usable(group, est):
    kind, meta, arrays = loads(fitted(group, est).to_bytes())
    assert kind == KIND
    for name, dtype, shape in itertools.product(list(arrays), DTYPES, SHAPES):
        mutated = dict(arrays)
        mutated[name] = np.asarray(RNG.randn(*shape) * 10).astype(dtype)
        try:
            model = mlarsenal.load(dumps(KIND, meta, mutated))
        except ModelFormatError:
            continue
        for method in METHODS:
            if hasattr(model, method):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    getattr(model, method)(X)
