"""The boosting loop: early stopping, warm start, row/feature sampling,
determinism across thread counts, sample and class weights."""

import numpy as np
import pytest

from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

FAST = dict(n_jobs=1)


def _regression(seed=0, n=600, n_features=5, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + rng.normal(scale=noise, size=n)
    return X, y


def _stopping_rule_fires(scores, n_iter_no_change, tol):
    """scikit-learn's rule on the scores seen so far (baseline entry included)."""
    reference = n_iter_no_change + 1
    if len(scores) < reference:
        return False
    return not any(s > scores[-reference] + tol for s in scores[-reference + 1 :])


# ------------------------------------------------------------ early stopping
def test_early_stopping_stops_when_validation_loss_plateaus():
    X, y = _regression(noise=2.0)
    est = GradientBoostingRegressor(
        max_iter=300, early_stopping=True, n_iter_no_change=5, random_state=0, **FAST
    ).fit(X, y)
    assert est.do_early_stopping_
    assert est.n_iter_ < 300
    assert est.forest_.n_iterations == est.n_iter_
    # One score per iteration plus the baseline, as scikit-learn.
    assert len(est.validation_score_) == est.n_iter_ + 1
    assert len(est.train_score_) == est.n_iter_ + 1
    # It stopped exactly when the rule first fired.
    scores = list(est.validation_score_)
    assert _stopping_rule_fires(scores, 5, est.tol)
    assert not any(_stopping_rule_fires(scores[:k], 5, est.tol) for k in range(1, len(scores)))
    # Scores are minus the loss: the training one improves.
    assert est.train_score_[-1] > est.train_score_[0]


def test_validation_fraction_holds_out_rows():
    X, y = _regression(n=400)
    est = GradientBoostingRegressor(
        max_iter=5, early_stopping=True, validation_fraction=0.25, random_state=0, **FAST
    ).fit(X, y)
    assert est.forest_.arrays["count"][0] == 300  # the first tree's root saw 75% of rows


def test_eval_set_is_used_for_early_stopping():
    X, y = _regression(seed=1)
    X_val, y_val = _regression(seed=2, n=300)
    est = GradientBoostingRegressor(
        max_iter=300, early_stopping=True, n_iter_no_change=5, random_state=0, **FAST
    ).fit(X, y, eval_set=(X_val, y_val))
    assert est.n_iter_ < 300
    # All training rows are used (no split), and the scores are on eval_set.
    assert est.forest_.arrays["count"][0] == len(y)
    base = y.mean()
    assert est.validation_score_[0] == pytest.approx(-np.mean((y_val - base) ** 2), rel=1e-10)
    final = est.predict(X_val)
    assert est.validation_score_[-1] == pytest.approx(-np.mean((y_val - final) ** 2), rel=1e-9)


def test_eval_set_with_weights_and_classifier():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 4))
    y = (X[:, 0] + rng.normal(size=500) > 0).astype(int)
    X_val = rng.normal(size=(200, 4))
    y_val = (X_val[:, 0] + rng.normal(size=200) > 0).astype(int)
    w_val = rng.uniform(0.5, 2, 200)
    est = GradientBoostingClassifier(max_iter=200, n_iter_no_change=5, random_state=0, **FAST).fit(
        X, y, eval_set=(X_val, y_val, w_val)
    )
    assert est.do_early_stopping_
    p = est.predict_proba(X_val)[:, 1]
    logloss = -np.average(y_val * np.log(p) + (1 - y_val) * np.log(1 - p), weights=w_val)
    assert est.validation_score_[-1] == pytest.approx(-logloss, rel=1e-9)


def test_eval_set_errors():
    X, y = _regression(n=100)
    est = GradientBoostingRegressor(max_iter=3, **FAST)
    with pytest.raises(ValueError, match="eval_set"):
        est.fit(X, y, eval_set=(X,))
    with pytest.raises(ValueError, match="eval_set X has 2 features"):
        est.fit(X, y, eval_set=(X[:, :2], y))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        est.fit(X, y, eval_set=(X, y[:-1]))


def test_eval_set_feature_names_are_checked():
    pd = pytest.importorskip("pandas")
    X, y = _regression(n=300)
    df = pd.DataFrame(X, columns=list("abcde"))
    shuffled = df[list("edcba")]
    est = GradientBoostingRegressor(max_iter=5, random_state=0, **FAST)
    with pytest.raises(ValueError, match="feature names"):
        est.fit(df, y, eval_set=(shuffled, y))


def test_early_stopping_off_runs_max_iter():
    X, y = _regression(noise=2.0)
    est = GradientBoostingRegressor(max_iter=40, early_stopping=False, **FAST).fit(X, y)
    assert est.n_iter_ == 40 and est.forest_.n_iterations == 40
    assert not est.do_early_stopping_
    assert len(est.validation_score_) == 0


def test_early_stopping_auto_turns_on_above_10000_rows():
    rng = np.random.default_rng(4)
    for n, expected in ((10_000, False), (10_001, True)):
        X = rng.normal(size=(n, 2))
        y = X[:, 0] + rng.normal(size=n)
        est = GradientBoostingRegressor(max_iter=2, random_state=0, **FAST).fit(X, y)
        assert est.do_early_stopping_ is expected


def test_staged_predict_matches_iteration_range():
    X, y = _regression()
    est = GradientBoostingRegressor(max_iter=8, early_stopping=False, **FAST).fit(X, y)
    stages = list(est.staged_predict(X[:20]))
    assert len(stages) == 8
    np.testing.assert_array_equal(stages[-1], est.predict(X[:20]))
    np.testing.assert_array_equal(stages[2], est.predict(X[:20], iteration_range=(0, 3)))


def test_staged_predict_proba_multiclass():
    X, y = _regression(seed=12)
    labels = np.digitize(y, [-1, 0, 1])
    est = GradientBoostingClassifier(max_iter=4, early_stopping=False, **FAST).fit(X, labels)
    stages = list(est.staged_predict_proba(X[:10]))
    assert len(stages) == 4 and stages[0].shape == (10, 4)
    np.testing.assert_array_equal(stages[-1], est.predict_proba(X[:10]))
    np.testing.assert_array_equal(stages[1], est.predict_proba(X[:10], iteration_range=(0, 2)))
    np.testing.assert_allclose(stages[0].sum(axis=1), 1.0)
    assert est.apply(X[:10]).shape == (10, 16)  # one leaf per class per iteration


# ---------------------------------------------------------------- warm start
@pytest.mark.parametrize("kind", ["regression", "binary", "multiclass"])
def test_warm_start_equals_a_fresh_fit(kind):
    X, y = _regression(seed=5)
    if kind == "regression":
        cls, predict = GradientBoostingRegressor, "predict"
    else:
        cls, predict = GradientBoostingClassifier, "predict_proba"
        y = (y > 0).astype(int) if kind == "binary" else np.digitize(y, [-1, 0, 1])
    params = dict(early_stopping=False, random_state=0, **FAST)
    warm = cls(max_iter=20, warm_start=True, **params).fit(X, y)
    first_forest = warm.forest_
    warm.set_params(max_iter=40)
    warm.fit(X, y)
    assert warm.n_iter_ == 40 and warm.forest_.n_iterations == 40
    assert warm.forest_ is not first_forest
    fresh = cls(max_iter=40, **params).fit(X, y)
    np.testing.assert_allclose(
        getattr(warm, predict)(X), getattr(fresh, predict)(X), rtol=0, atol=1e-12
    )


def test_warm_start_rejects_fewer_iterations_and_other_features():
    X, y = _regression()
    est = GradientBoostingRegressor(max_iter=10, warm_start=True, early_stopping=False, **FAST).fit(
        X, y
    )
    est.set_params(max_iter=5)
    with pytest.raises(ValueError, match="max_iter=5 must be >= the 10 iterations"):
        est.fit(X, y)
    est.set_params(max_iter=10)
    est.fit(X, y)  # same max_iter: nothing to add
    assert est.n_iter_ == 10
    est.set_params(max_iter=12)
    with pytest.raises(ValueError, match="features"):
        est.fit(X[:, :3], y)


def test_warm_start_with_early_stopping_continues_scores():
    X, y = _regression(noise=0.3)
    est = GradientBoostingRegressor(
        max_iter=10,
        warm_start=True,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=0,
        **FAST,
    ).fit(X, y)
    assert len(est.validation_score_) == 11
    est.set_params(max_iter=15)
    est.fit(X, y)
    assert est.n_iter_ == 15
    assert len(est.validation_score_) == est.n_iter_ + 1


@pytest.mark.parametrize("seed", [None, "RandomState"])
def test_warm_start_keeps_the_validation_split(monkeypatch, seed):
    import mlarsenal.ensemble._gb_base as gb_base

    held_out = []
    split = gb_base.train_test_split

    def spy(*args, **kwargs):
        out = split(*args, **kwargs)
        held_out.append(np.sort(out[1]))
        return out

    monkeypatch.setattr(gb_base, "train_test_split", spy)
    X, y = _regression(n=400)
    random_state = np.random.RandomState(0) if seed else None
    est = GradientBoostingRegressor(
        max_iter=5,
        warm_start=True,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=random_state,
        **FAST,
    )
    est.fit(X, y)
    est.set_params(max_iter=10).fit(X, y)
    assert len(held_out) == 2
    np.testing.assert_array_equal(held_out[0], held_out[1])


def test_warm_start_with_an_int_seed_keeps_the_validation_split(monkeypatch):
    import mlarsenal.ensemble._gb_base as gb_base

    held_out = []
    split = gb_base.train_test_split

    def spy(*args, **kwargs):
        out = split(*args, **kwargs)
        held_out.append(np.sort(out[1]))
        return out

    monkeypatch.setattr(gb_base, "train_test_split", spy)
    X, y = _regression(n=400)
    est = GradientBoostingRegressor(
        max_iter=5,
        warm_start=True,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=7,
        **FAST,
    )
    est.fit(X, y)
    est.set_params(max_iter=10).fit(X, y)
    np.testing.assert_array_equal(held_out[0], held_out[1])


def test_without_warm_start_refit_starts_over():
    X, y = _regression()
    est = GradientBoostingRegressor(max_iter=10, early_stopping=False, **FAST).fit(X, y)
    first = est.predict(X)
    est.set_params(max_iter=5)
    est.fit(X, y)
    assert est.n_iter_ == 5
    est.set_params(max_iter=10)
    np.testing.assert_array_equal(est.fit(X, y).predict(X), first)


# --------------------------------------------------------- sampling, seeding
def test_subsample_draws_rows_per_iteration():
    X, y = _regression(n=500)
    est = GradientBoostingRegressor(
        max_iter=6, subsample=0.5, early_stopping=False, random_state=0, **FAST
    ).fit(X, y)
    a = est.forest_.arrays
    roots = a["tree_offsets"][:-1]
    np.testing.assert_array_equal(a["count"][roots], 250)
    # Reproducible with a fixed seed, different with another one.
    again = GradientBoostingRegressor(
        max_iter=6, subsample=0.5, early_stopping=False, random_state=0, **FAST
    ).fit(X, y)
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    other = GradientBoostingRegressor(
        max_iter=6, subsample=0.5, early_stopping=False, random_state=1, **FAST
    ).fit(X, y)
    assert not np.array_equal(other.predict(X), est.predict(X))


def test_subsample_out_of_bag_rows_still_get_scores():
    # With subsample, rows not drawn get the tree's value by traversal: the
    # training loss recorded for early stopping matches a fresh prediction.
    X, y = _regression(n=600, noise=0.3)
    est = GradientBoostingRegressor(
        max_iter=10,
        subsample=0.6,
        early_stopping=True,
        n_iter_no_change=50,
        validation_fraction=0.2,
        random_state=0,
        **FAST,
    ).fit(X, y)
    X_val, y_val = _regression(seed=9, n=200, noise=0.3)
    est2 = GradientBoostingRegressor(
        max_iter=10, subsample=0.6, n_iter_no_change=50, random_state=0, **FAST
    ).fit(X, y, eval_set=(X_val, y_val))
    final = est2.predict(X_val)
    assert est2.validation_score_[-1] == pytest.approx(-np.mean((y_val - final) ** 2), rel=1e-9)
    assert est.n_iter_ == 10


def test_colsample_bytree_limits_features_per_tree():
    X, y = _regression(n=400, n_features=6)
    X[:, 2:] += X[:, :1]  # make every feature useful
    est = GradientBoostingRegressor(
        max_iter=10, colsample_bytree=0.5, early_stopping=False, random_state=0, **FAST
    ).fit(X, y)
    a = est.forest_.arrays
    used_sets = []
    for t in range(est.forest_.n_trees):
        s = slice(a["tree_offsets"][t], a["tree_offsets"][t + 1])
        used = set(a["feature"][s][a["left"][s] >= 0].tolist())
        assert len(used) <= 3
        used_sets.append(frozenset(used))
    assert len(set(used_sets)) > 1  # the draw changes between trees


def test_random_state_none_still_fits_and_max_features_changes_the_model():
    X, y = _regression()
    full = GradientBoostingRegressor(max_iter=5, early_stopping=False, **FAST).fit(X, y)
    sampled = GradientBoostingRegressor(
        max_iter=5, max_features=0.3, early_stopping=False, random_state=0, **FAST
    ).fit(X, y)
    assert not np.array_equal(full.predict(X), sampled.predict(X))


# --------------------------------------------- determinism over thread counts
def _big(kind, seed=0, n=30_000):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    X[rng.random(n) < 0.05, 3] = np.nan
    signal = X[:, 0] + np.sin(X[:, 1]) + 0.5 * X[:, 2] * np.nan_to_num(X[:, 3])
    noisy = signal + rng.normal(size=n)
    if kind == "regression":
        return X, noisy
    if kind == "binary":
        return X, (noisy > 0).astype(int)
    return X, np.digitize(noisy, [-1, 0, 1])


@pytest.mark.parametrize(
    "sampling",
    [dict(), dict(subsample=0.7, max_features=0.5), dict(quantized_gradients=True)],
    ids=["full", "sampled", "quantized"],
)
@pytest.mark.parametrize("kind", ["regression", "binary", "multiclass"])
def test_bit_identical_across_thread_counts(kind, sampling):
    # 30k rows: histograms are summed over several row chunks, losses over blocks.
    X, y = _big(kind)
    cls = GradientBoostingRegressor if kind == "regression" else GradientBoostingClassifier
    params = dict(max_iter=4 if kind == "multiclass" else 6, random_state=0, **sampling)
    if kind == "binary":  # exercises the validation split and the scores too
        params.update(early_stopping=True, n_iter_no_change=2)
    else:
        params.update(early_stopping=False)
    fits = [
        cls(n_jobs=n_jobs, **params).fit(X, y)
        for n_jobs in ((1, 2, 3) if kind == "regression" else (1, 2))
    ]
    method = "predict" if kind == "regression" else "predict_proba"
    reference = getattr(fits[0], method)(X)
    for other in fits[1:]:
        assert np.array_equal(getattr(other, method)(X), reference)
        for name, array in fits[0].forest_.arrays.items():
            assert np.array_equal(other.forest_.arrays[name], array), name
        assert np.array_equal(other.validation_score_, fits[0].validation_score_)
    # Prediction itself does not depend on the thread count.
    fits[0].set_params(n_jobs=2)
    assert np.array_equal(getattr(fits[0], method)(X), reference)


# ------------------------------------------------------------ sample weights
def _integer_grid_data(seed, n=150):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 15, size=(n, 3)).astype(np.float64)
    y = X[:, 0] * 0.3 + np.sin(X[:, 1]) + rng.normal(scale=0.3, size=n)
    return X, y


@pytest.mark.parametrize("kind", ["regression", "binary"])
def test_integer_weights_equal_repeated_rows(kind):
    X, y = _integer_grid_data(6)
    if kind == "binary":
        y = (y > np.median(y)).astype(int)
    weight = np.random.default_rng(7).integers(1, 4, size=len(y))
    cls = GradientBoostingRegressor if kind == "regression" else GradientBoostingClassifier
    params = dict(max_iter=15, max_leaf_nodes=8, min_samples_leaf=1, early_stopping=False, **FAST)
    weighted = cls(**params).fit(X, y, sample_weight=weight.astype(np.float64))
    repeated = cls(**params).fit(np.repeat(X, weight, axis=0), np.repeat(y, weight))
    method = "predict" if kind == "regression" else "decision_function"
    # Same splits; sums of float32 gradients differ only in rounding.
    np.testing.assert_allclose(
        getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-5, atol=1e-5
    )
    a, b = weighted.forest_.arrays, repeated.forest_.arrays
    np.testing.assert_array_equal(a["feature"], b["feature"])
    np.testing.assert_array_equal(a["threshold"], b["threshold"])
    np.testing.assert_allclose(a["cover"], b["cover"], rtol=1e-5)


def test_zero_weights_equal_dropping_rows():
    X, y = _integer_grid_data(8, n=200)
    weight = np.ones(len(y))
    drop = np.random.default_rng(9).random(len(y)) < 0.3
    weight[drop] = 0.0
    params = dict(max_iter=15, max_leaf_nodes=8, min_samples_leaf=1, early_stopping=False, **FAST)
    zero = GradientBoostingRegressor(**params).fit(X, y, sample_weight=weight)
    dropped = GradientBoostingRegressor(**params).fit(X[~drop], y[~drop])
    np.testing.assert_allclose(
        zero.predict(X[~drop]), dropped.predict(X[~drop]), rtol=1e-6, atol=1e-6
    )


def test_class_weight_balanced_raises_the_minority_probability():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(1000, 3))
    y = (X[:, 0] + rng.normal(scale=1.5, size=1000) > 2.0).astype(int)
    assert 0.03 < y.mean() < 0.2
    params = dict(max_iter=20, early_stopping=False, **FAST)
    plain = GradientBoostingClassifier(**params).fit(X, y)
    balanced = GradientBoostingClassifier(class_weight="balanced", **params).fit(X, y)
    p_plain = plain.predict_proba(X)[:, 1]
    p_balanced = balanced.predict_proba(X)[:, 1]
    assert p_balanced.mean() > p_plain.mean() + 0.1
    # Under the balanced weights the two classes carry the same mass, and the
    # fitted probabilities average to it (the loss's gradient sums to ~0).
    w = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    assert np.average(p_balanced, weights=w) == pytest.approx(0.5, abs=0.03)
    assert p_plain.mean() == pytest.approx(y.mean(), abs=0.03)


def _class_weight_problem(labels):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(400, 3))
    y = np.asarray(labels)[(X[:, 0] > 0.8).astype(int)]
    return X, y


def test_class_weight_dict_equals_sample_weight_for_labels_0_1():
    X, y = _class_weight_problem([0, 1])
    params = dict(max_iter=10, early_stopping=False, **FAST)
    by_class = GradientBoostingClassifier(class_weight={0: 1.0, 1: 3.0}, **params).fit(X, y)
    by_sample = GradientBoostingClassifier(**params).fit(
        X, y, sample_weight=np.where(y == 1, 3.0, 1.0)
    )
    np.testing.assert_array_equal(by_class.predict_proba(X), by_sample.predict_proba(X))
    # Both multiply when given together (a uniform factor changes nothing).
    both = GradientBoostingClassifier(class_weight={0: 1.0, 1: 3.0}, **params).fit(
        X, y, sample_weight=np.full(400, 2.0)
    )
    np.testing.assert_allclose(both.predict_proba(X), by_class.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("labels", [["no", "yes"], [1, 2]], ids=["str", "int_1_2"])
def test_class_weight_dict_keyed_by_original_labels(labels):
    X, y = _class_weight_problem(labels)
    params = dict(max_iter=10, early_stopping=False, **FAST)
    by_class = GradientBoostingClassifier(
        class_weight={labels[0]: 1.0, labels[1]: 3.0}, **params
    ).fit(X, y)
    by_sample = GradientBoostingClassifier(**params).fit(
        X, y, sample_weight=np.where(y == labels[1], 3.0, 1.0)
    )
    np.testing.assert_array_equal(by_class.predict_proba(X), by_sample.predict_proba(X))


def test_uniform_weight_scale_does_not_change_the_model():
    X, y = _regression()
    params = dict(max_iter=10, early_stopping=False, min_child_weight=0.0, **FAST)
    a = GradientBoostingRegressor(**params).fit(X, y)
    b = GradientBoostingRegressor(**params).fit(X, y, sample_weight=np.full(len(y), 4.0))
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-6, atol=1e-6)


def test_concurrent_predict_equals_serial():
    from concurrent.futures import ThreadPoolExecutor

    X, y = _big("multiclass", n=4000)
    est = GradientBoostingClassifier(max_iter=5, early_stopping=False, n_jobs=1).fit(X, y)
    chunks = np.array_split(X, 16)
    serial = [est.predict_proba(c) for c in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(est.predict_proba, chunks))
    for a, b in zip(serial, parallel, strict=True):
        assert np.array_equal(a, b)


# ---------------------------------------------------------------- progress
def test_verbose_logs_scores_and_silent_by_default(caplog, capsys):
    import logging

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = X[:, 0] + rng.normal(scale=0.1, size=400)
    params = dict(max_iter=12, early_stopping=True, validation_fraction=0.2, n_iter_no_change=50)
    with caplog.at_level(logging.INFO, logger="mlarsenal.ensemble"):
        GradientBoostingRegressor(**params).fit(X, y)
    assert not [r for r in caplog.records if r.getMessage().startswith("iteration ")]
    assert capsys.readouterr().err == ""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mlarsenal.ensemble"):
        GradientBoostingRegressor(verbose=2, **params).fit(X, y)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("iteration ")]
    assert len(lines) == 12
    assert "validation score" in lines[-1]
