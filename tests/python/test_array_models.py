"""Model files of kind "array_model" (linear models, naive Bayes, neighbours, clustering): round
trips and hostile content."""

import pickle

import numpy as np
import pytest

import mlarsenal
from mlarsenal import ModelFormatError
from mlarsenal._serialization import dumps, loads
from mlarsenal._serialization.array_models import _ESTIMATORS, KIND, _estimator_class
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

CLASSIFIERS = [LogisticRegression, GaussianNB, MultinomialNB, BernoulliNB, ComplementNB]


def count_data(n_classes=3):
    rng = np.random.RandomState(0)
    X = rng.poisson(2.0, size=(90, 5)).astype(np.float64)
    return X, np.arange(90) % n_classes


def fitted(cls, n_classes=3):
    X, y = count_data(n_classes)
    return cls().fit(X, y), X, y


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("cls", CLASSIFIERS, ids=lambda c: c.__name__)
def test_round_trip_is_bit_identical(cls, n_classes, tmp_path):
    est, X, _ = fitted(cls, n_classes)
    path = tmp_path / "model.mla"
    est.save(path)
    loaded = mlarsenal.load(path)
    assert type(loaded) is cls
    assert loaded.get_params() == est.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    np.testing.assert_array_equal(loaded.classes_, est.classes_)
    unpickled = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(unpickled.predict_proba(X), est.predict_proba(X))


def test_pickle_holds_the_model_file_not_the_object_state():
    est, _, _ = fitted(LogisticRegression)
    assert est.__getstate__() == {"model_file": est.to_bytes()}


@pytest.mark.parametrize("cls", [GaussianNB, MultinomialNB], ids=lambda c: c.__name__)
def test_partial_fit_continues_after_load(cls):
    est, X, y = fitted(cls)
    loaded = mlarsenal.load(est.to_bytes())
    est.partial_fit(X[:30], y[:30])
    loaded.partial_fit(X[:30], y[:30])
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_string_labels_and_feature_names_survive():
    pd = pytest.importorskip("pandas")
    X, y = count_data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    labels = np.array(["ant", "bee", "cat"], dtype=object)[y]
    est = MultinomialNB().fit(frame, labels)
    loaded = mlarsenal.load(est.to_bytes())
    assert list(loaded.classes_) == ["ant", "bee", "cat"]
    assert list(loaded.feature_names_in_) == list(frame.columns)
    assert list(loaded.predict(frame)) == list(est.predict(frame))


def test_unfitted_estimator_cannot_be_saved():
    with pytest.raises(Exception, match="not fitted"):
        LogisticRegression().to_bytes()


def test_every_allowed_class_is_exported_where_listed():
    for name in _ESTIMATORS:
        assert _estimator_class(name).__name__ == name


def parts_of(est):
    kind, meta, arrays = loads(est.to_bytes())
    assert kind == KIND
    return meta, dict(arrays)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m, a: m.update(estimator="os.system"), "unknown estimator"),
        (lambda m, a: m.update(n_features_in=0), "n_features_in"),
        (lambda m, a: a.update(coef_=np.zeros((1, 4))), "coef_ has 4 entries along axis 1"),
        (lambda m, a: a.update(intercept_=np.zeros(3)), "intercept_"),
        (lambda m, a: a.update(coef_=np.zeros(5)), "2 dimension"),
        (lambda m, a: a.pop("coef_"), "no coef_"),
        (lambda m, a: m["scalars"].pop("objective_"), "scalars"),
        (lambda m, a: m["scalars"].update(objective_=[1, 2]), "cannot be saved"),
        (lambda m, a: m["params"].update(bogus=1), "unknown parameters"),
        (lambda m, a: a.update(classes=np.array([1])), "at least 2 classes"),
    ],
)
def test_inconsistent_files_are_rejected(change, message):
    meta, arrays = parts_of(fitted(LogisticRegression, n_classes=2)[0])
    change(meta, arrays)
    with pytest.raises(ModelFormatError, match=message):
        mlarsenal.load(dumps(KIND, meta, arrays))


def test_row_count_must_match_the_classes():
    meta, arrays = parts_of(fitted(LogisticRegression, n_classes=2)[0])
    arrays["coef_"] = np.zeros((3, 5))
    arrays["intercept_"] = np.zeros(3)
    with pytest.raises(ModelFormatError, match="1 row"):
        mlarsenal.load(dumps(KIND, meta, arrays))


def test_symbols_bind_across_arrays():
    meta, arrays = parts_of(fitted(GaussianNB)[0])
    arrays["_seen_mean"] = np.zeros(4)
    with pytest.raises(ModelFormatError, match="_seen_mean"):
        mlarsenal.load(dumps(KIND, meta, arrays))


@pytest.mark.parametrize("targets", [1, 3])
@pytest.mark.parametrize(
    "cls", [LinearRegression, Ridge, Lasso, ElasticNet], ids=lambda c: c.__name__
)
def test_regressors_round_trip(cls, targets):
    rng = np.random.RandomState(0)
    X = rng.randn(50, 4)
    y = X @ rng.randn(4, targets) + 1.0
    est = cls().fit(X, y.ravel() if targets == 1 else y)
    loaded = pickle.loads(pickle.dumps(est))
    assert np.shape(loaded.coef_) == np.shape(est.coef_)
    for name in ("intercept_", "n_iter_", "dual_gap_"):
        if hasattr(est, name):
            assert type(getattr(loaded, name)) is type(getattr(est, name)), name
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_one_target_coefficients_need_a_scalar_intercept():
    rng = np.random.RandomState(0)
    meta, arrays = parts_of(Ridge().fit(rng.randn(20, 3), rng.randn(20)))
    arrays["intercept_"] = np.zeros(2)
    with pytest.raises(ModelFormatError, match="2-d coef_"):
        mlarsenal.load(dumps(KIND, meta, arrays))


@pytest.mark.parametrize(
    "make",
    [
        lambda: LinearSVC(C=0.01, random_state=0),
        lambda: SGDClassifier(random_state=0),
        lambda: SGDClassifier(average=True, random_state=0),
        lambda: SGDClassifier(loss="log_loss", random_state=0),
    ],
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_row_solver_classifiers_round_trip(make, n_classes):
    est, X, _ = fitted(make, n_classes)
    loaded = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(loaded.decision_function(X), est.decision_function(X))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


@pytest.mark.parametrize("average", [False, True])
def test_sgd_partial_fit_continues_after_load(average):
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    y = X @ rng.randn(5)
    est = SGDRegressor(average=average, random_state=0).partial_fit(X[:100], y[:100])
    loaded = mlarsenal.load(est.to_bytes())
    est.partial_fit(X[100:], y[100:])
    loaded.partial_fit(X[100:], y[100:])
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    assert loaded.t_ == est.t_


@pytest.mark.parametrize(
    "make",
    [
        lambda: NearestNeighbors(n_neighbors=3),
        lambda: KNeighborsClassifier(n_neighbors=3, weights="distance"),
        lambda: KNeighborsRegressor(n_neighbors=3, metric="manhattan"),
        lambda: KMeans(n_clusters=3, n_init=1, random_state=0),
        lambda: MiniBatchKMeans(n_clusters=3, random_state=0),
        lambda: DBSCAN(eps=3.0, min_samples=3),
    ],
    ids=["nn", "knn_classifier", "knn_regressor", "kmeans", "minibatch_kmeans", "dbscan"],
)
def test_neighbors_and_clustering_round_trip(make):
    X, y = count_data()
    est = make()
    est.fit(X, y if hasattr(est, "predict") and not hasattr(est, "cluster_centers_") else None)
    loaded = mlarsenal.load(est.to_bytes())
    assert type(loaded) is type(est)
    if hasattr(est, "kneighbors"):
        for a, b in zip(loaded.kneighbors(X[:7]), est.kneighbors(X[:7]), strict=True):
            np.testing.assert_array_equal(a, b)
    if hasattr(est, "cluster_centers_"):
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
        np.testing.assert_array_equal(loaded.transform(X), est.transform(X))
    if isinstance(est, (KNeighborsClassifier, KNeighborsRegressor)):
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
    np.testing.assert_array_equal(
        getattr(loaded, "labels_", np.zeros(1)), getattr(est, "labels_", np.zeros(1))
    )


def test_minibatch_kmeans_partial_fit_continues_after_load():
    X, _ = count_data()
    est = MiniBatchKMeans(n_clusters=3, random_state=0).partial_fit(X[:45])
    loaded = mlarsenal.load(est.to_bytes())
    est.partial_fit(X[45:])
    loaded.partial_fit(X[45:])
    np.testing.assert_array_equal(loaded.cluster_centers_, est.cluster_centers_)


def test_neighbor_targets_must_index_the_classes():
    X, y = count_data()
    meta, arrays = parts_of(KNeighborsClassifier().fit(X, y))
    arrays["_y"] = np.full_like(arrays["_y"], 7)
    with pytest.raises(ModelFormatError, match="class codes"):
        mlarsenal.load(dumps(KIND, meta, arrays))
