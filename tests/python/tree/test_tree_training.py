"""Decision trees, random forests and extra trees: what they learn and how."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.tree import DecisionTreeClassifier as SkDecisionTreeClassifier
from sklearn.tree import DecisionTreeRegressor as SkDecisionTreeRegressor

from mlarsenal.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from mlarsenal.tree import DecisionTreeClassifier, DecisionTreeRegressor

FORESTS = [RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor]


def _classification(n=600, seed=0, n_classes=2):
    return make_classification(
        n_samples=n, n_features=8, n_informative=5, n_classes=n_classes, random_state=seed
    )


def _leaves(forest):
    return forest.arrays["left"] < 0


# ------------------------------------------------------ agreement with scikit-learn
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_decision_tree_matches_sklearn_when_bins_are_exact(criterion):
    # Under 255 distinct values per feature every midpoint is a bin edge, so
    # the binned search sees every split scikit-learn's exact search sees.
    # (Shallow: deep nodes of a few rows have tied splits, which each
    # library breaks by its own random feature order.)
    X, y = _classification(n=200)
    ours = DecisionTreeClassifier(criterion=criterion, max_depth=3, random_state=0).fit(X, y)
    theirs = SkDecisionTreeClassifier(criterion=criterion, max_depth=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)
    assert ours.forest_.n_nodes == theirs.tree_.node_count
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=1e-9)


def test_decision_tree_regressor_matches_sklearn_when_bins_are_exact():
    X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    ours = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    theirs = SkDecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12)


def test_full_depth_tree_fits_distinct_rows_exactly():
    X, y = _classification(n=300, n_classes=3)
    tree = DecisionTreeClassifier().fit(X, y)
    assert tree.score(X, y) == 1.0
    leaves = _leaves(tree.forest_)
    assert (tree.forest_.arrays["count"][leaves] >= 1).all()


@pytest.mark.parametrize("cls", [RandomForestClassifier, ExtraTreesClassifier])
def test_forest_accuracy_is_close_to_sklearns(cls):
    from sklearn import ensemble

    X, y = _classification(n=4000, seed=1)
    X_train, X_test, y_train, y_test = X[:3000], X[3000:], y[:3000], y[3000:]
    ours = cls(n_estimators=50, random_state=0).fit(X_train, y_train).score(X_test, y_test)
    peer = getattr(ensemble, cls.__name__)(n_estimators=50, random_state=0, n_jobs=1)
    theirs = peer.fit(X_train, y_train).score(X_test, y_test)
    assert ours > theirs - 0.02


def test_forest_regressor_quality_is_close_to_sklearns():
    from sklearn.ensemble import RandomForestRegressor as SkRandomForestRegressor

    X, y = make_regression(n_samples=3000, n_features=8, noise=5.0, random_state=0)
    ours = RandomForestRegressor(n_estimators=30, random_state=0).fit(X[:2000], y[:2000])
    theirs = SkRandomForestRegressor(n_estimators=30, random_state=0).fit(X[:2000], y[:2000])
    assert ours.score(X[2000:], y[2000:]) > theirs.score(X[2000:], y[2000:]) - 0.02


# ---------------------------------------------------------------- determinism
@pytest.mark.parametrize("cls", FORESTS)
def test_results_identical_for_any_thread_count(cls):
    X, y = _classification(n=800)
    one = cls(n_estimators=12, random_state=3, n_jobs=1).fit(X, y)
    two = cls(n_estimators=12, random_state=3, n_jobs=2).fit(X, y)
    four = cls(n_estimators=12, random_state=3, n_jobs=4).fit(X, y)
    for name, array in one.forest_.arrays.items():
        np.testing.assert_array_equal(array, two.forest_.arrays[name], err_msg=name)
        np.testing.assert_array_equal(array, four.forest_.arrays[name], err_msg=name)


def test_random_state_changes_the_forest():
    X, y = _classification()
    a = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    b = RandomForestClassifier(n_estimators=5, random_state=1).fit(X, y)
    assert a.forest_.n_nodes != b.forest_.n_nodes or not np.array_equal(
        a.forest_.arrays["feature"], b.forest_.arrays["feature"]
    )


# ------------------------------------------------------------------ parameters
def test_max_depth_and_min_samples_leaf_are_respected():
    X, y = _classification(n=1000)
    tree = DecisionTreeClassifier(max_depth=5, min_samples_leaf=7).fit(X, y)
    assert tree.forest_.max_depth <= 5
    assert tree.forest_.arrays["count"][_leaves(tree.forest_)].min() >= 7


def test_fractional_min_samples_leaf_and_split():
    X, y = _classification(n=1000)
    tree = DecisionTreeClassifier(min_samples_leaf=0.05, min_samples_split=0.2).fit(X, y)
    counts = tree.forest_.arrays["count"]
    assert counts[_leaves(tree.forest_)].min() >= 50
    assert counts[~_leaves(tree.forest_)].min() >= 200


@pytest.mark.parametrize("max_leaf_nodes", [2, 7, 20])
def test_max_leaf_nodes_grows_best_first(max_leaf_nodes):
    X, y = _classification(n=1000)
    tree = DecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes).fit(X, y)
    assert tree.forest_.n_leaves == max_leaf_nodes
    theirs = SkDecisionTreeClassifier(max_leaf_nodes=max_leaf_nodes, random_state=0).fit(X, y)
    assert abs(tree.score(X, y) - theirs.score(X, y)) < 0.02


def test_min_impurity_decrease_prunes():
    X, y = _classification(n=1000)
    full = DecisionTreeClassifier().fit(X, y)
    pruned = DecisionTreeClassifier(min_impurity_decrease=0.01).fit(X, y)
    assert pruned.forest_.n_nodes < full.forest_.n_nodes / 4
    gains = pruned.forest_.arrays["gain"][~_leaves(pruned.forest_)]
    assert (gains / 1000 >= 0.01 - 1e-12).all()


@pytest.mark.parametrize("max_features", ["sqrt", "log2", 3, 0.5, None])
def test_max_features_options(max_features):
    X, y = _classification()
    model = RandomForestClassifier(n_estimators=5, max_features=max_features, random_state=0)
    assert model.fit(X, y).score(X, y) > 0.9


def test_class_weight_balanced_shifts_predictions_to_the_rare_class():
    X, y = make_classification(
        n_samples=2000, n_features=6, weights=[0.95, 0.05], flip_y=0.05, random_state=0
    )
    plain = RandomForestClassifier(n_estimators=20, min_samples_leaf=20, random_state=0).fit(X, y)
    balanced = RandomForestClassifier(
        n_estimators=20, min_samples_leaf=20, class_weight="balanced", random_state=0
    ).fit(X, y)
    assert (balanced.predict(X) == 1).sum() > (plain.predict(X) == 1).sum()


def test_sample_weight_zero_is_like_dropping_rows():
    X, y = _classification(n=400)
    weight = np.ones(len(y))
    weight[::3] = 0.0
    weighted = ExtraTreesClassifier(n_estimators=5, random_state=0).fit(X, y, sample_weight=weight)
    dropped = ExtraTreesClassifier(n_estimators=5, random_state=0).fit(X[weight > 0], y[weight > 0])
    np.testing.assert_array_equal(weighted.predict_proba(X), dropped.predict_proba(X))


def test_missing_values_are_routed_to_the_better_side():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    y = (X[:, 0] > 0).astype(int)
    X[y == 1, 1] = np.nan  # missingness in feature 1 reveals the class
    X[:, 0] = rng.normal(size=1000)  # feature 0 carries no signal any more
    tree = DecisionTreeClassifier(max_depth=1).fit(X, y)
    assert tree.forest_.arrays["feature"][0] == 1
    assert tree.score(X, y) == 1.0
    assert tree.predict([[0.0, np.nan, 0.0]])[0] == 1


def test_missing_values_in_a_column_that_is_otherwise_constant():
    X = np.array([[1.0], [1.0], [np.nan], [np.nan]])
    tree = DecisionTreeClassifier().fit(X, [0, 0, 1, 1])
    assert tree.predict([[1.0], [np.nan], [5.0]]).tolist() == [0, 1, 0]


# ----------------------------------------------------------------- out of bag
def test_oob_score_estimates_held_out_accuracy():
    X, y = _classification(n=3000, seed=2)
    model = RandomForestClassifier(n_estimators=60, oob_score=True, random_state=0)
    model.fit(X[:2000], y[:2000])
    held_out = model.score(X[2000:], y[2000:])
    assert abs(model.oob_score_ - held_out) < 0.03
    assert model.oob_decision_function_.shape == (2000, 2)
    np.testing.assert_allclose(model.oob_decision_function_.sum(axis=1), 1.0)


def test_oob_regression_and_max_samples():
    X, y = make_regression(n_samples=1500, n_features=5, noise=3.0, random_state=0)
    model = RandomForestRegressor(n_estimators=40, oob_score=True, max_samples=0.5, random_state=0)
    model.fit(X, y)
    assert 0.7 < model.oob_score_ < 1.0
    assert model.oob_prediction_.shape == (1500,)


def test_oob_needs_bootstrap():
    X, y = _classification()
    with pytest.raises(ValueError, match="bootstrap"):
        ExtraTreesClassifier(n_estimators=3, oob_score=True).fit(X, y)
    with pytest.raises(ValueError, match="max_samples"):
        ExtraTreesClassifier(n_estimators=3, max_samples=0.5).fit(X, y)


def test_few_trees_warn_about_rows_without_oob_prediction():
    X, y = _classification(n=200)
    with pytest.warns(UserWarning, match="out-of-bag"):
        RandomForestClassifier(n_estimators=2, oob_score=True, random_state=0).fit(X, y)


# ------------------------------------------------------- apply, paths, importance
def test_apply_and_decision_path_agree():
    X, y = _classification(n=300, n_classes=3)
    model = RandomForestClassifier(n_estimators=4, max_depth=6, random_state=0).fit(X, y)
    leaves = model.apply(X)
    assert leaves.shape == (300, 4)
    indicator, offsets = model.decision_path(X)
    assert indicator.shape == (300, offsets[-1])
    assert len(offsets) == 5
    for t in range(4):
        block = indicator[:, offsets[t] : offsets[t + 1]].toarray()
        assert (block[:, 0] == 1).all()  # every path starts at the root
        assert (block[np.arange(300), leaves[:, t]] == 1).all()  # and ends at the leaf
    tree = DecisionTreeClassifier(max_depth=3).fit(X, y)
    assert tree.apply(X).shape == (300,)
    nodes_per_tree = tree.forest_.n_nodes // tree.forest_.trees_per_iteration  # a copy per class
    assert tree.decision_path(X).shape == (300, nodes_per_tree)


def test_feature_importances_find_the_informative_features():
    X, y = make_classification(
        n_samples=2000, n_features=10, n_informative=3, n_redundant=0, shuffle=False, random_state=0
    )
    importances = (
        RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y).feature_importances_
    )
    assert importances.sum() == pytest.approx(1.0)
    assert set(np.argsort(importances)[-3:]) == {0, 1, 2}


def test_multiclass_probabilities_sum_to_one():
    X, y = _classification(n=500, n_classes=4)
    model = ExtraTreesClassifier(n_estimators=10, random_state=0).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (500, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.forest_.n_trees == 40  # one tree per class per grown tree


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"criterion": "mae"}, "criterion"),
        ({"max_depth": 0}, "max_depth"),
        ({"min_samples_split": 1}, "min_samples_split"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
        ({"min_weight_fraction_leaf": 0.7}, "min_weight_fraction_leaf"),
        ({"max_features": "all"}, "max_features"),
        ({"max_features": 100}, "max_features"),
        ({"max_leaf_nodes": 1}, "max_leaf_nodes"),
        ({"min_impurity_decrease": -1.0}, "min_impurity_decrease"),
        ({"max_samples": 0}, "max_samples"),
        ({"max_bins": 300}, "max_bins"),
        ({"bootstrap": "yes"}, "bootstrap"),
    ],
)
def test_bad_parameters_name_themselves(params, match):
    X, y = _classification(n=100)
    with pytest.raises(ValueError, match=match):
        RandomForestClassifier(**params).fit(X, y)


def test_bad_data_gets_clear_errors():
    X, y = make_regression(n_samples=50, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="y"):
        RandomForestRegressor(n_estimators=2).fit(X, np.where(np.arange(50) == 3, np.nan, y))
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="X"):
        RandomForestRegressor(n_estimators=2).fit(X_inf, y)
    with pytest.raises(ValueError, match="sample_weight"):
        RandomForestRegressor(n_estimators=2).fit(X, y, sample_weight=np.zeros(50))
    with pytest.raises(ValueError, match="sample_weight"):
        RandomForestRegressor(n_estimators=2).fit(X, y, sample_weight=-np.ones(50))
    model = RandomForestRegressor(n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])
