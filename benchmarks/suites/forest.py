"""Forest inference: mlarsenal.forest.Forest vs LightGBM's and XGBoost's own predict.

The model is the gradient-boosting benchmark's (100 trees of 31 leaves on 28 features), trained
once by each peer and imported into a Forest; both then predict the same rows. Cases: batch
raw scores on `rows` rows, and single-row latency (1,000 one-row calls per timed call, so the
reported time / 1,000 is the time of one call from Python). Two more model shapes, batch only:
a deep forest (scikit-learn's random forest, 100 full-depth trees) and a wide boosted model
(LightGBM, 1,000 trees of 255 leaves).
"""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case
from benchmarks.quality import array_agreement
from benchmarks.suite import Peer, Suite

TRAIN_ROWS = 100_000
# The deep forest's training rows: its trees grow until pure, about 2 x 0.63 x rows nodes each.
DEEP_TRAIN_ROWS = 50_000
SINGLE_ROW_CALLS = 1_000
_MODELS: dict = {}
_SHAPES: dict = {}


def _models():
    """The trained peers and their imported forests, built once per process."""
    if _MODELS:
        return _MODELS
    import lightgbm
    import xgboost

    from mlarsenal.forest import from_lightgbm, from_xgboost

    X, y = _training_data(TRAIN_ROWS)
    lgb = lightgbm.LGBMClassifier(n_estimators=100, num_leaves=31, verbose=-1).fit(X, y)
    xgb = xgboost.XGBClassifier(
        n_estimators=100, tree_method="hist", grow_policy="lossguide", max_leaves=31, max_depth=0
    ).fit(X, y)
    _MODELS.update(
        lightgbm=(lgb.booster_, from_lightgbm(lgb.booster_)),
        xgboost=(xgb.get_booster(), from_xgboost(xgb.get_booster())),
    )
    return _MODELS


def _training_data(rows: int):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=rows, n_features=28, n_informative=14, n_redundant=6, flip_y=0.05,
        class_sep=0.8, random_state=0,
    )  # fmt: skip
    return X.astype(np.float32), y


def _shapes():
    """The deep forest and the wide boosted model with their imports, built once per process."""
    if _SHAPES:
        return _SHAPES
    import lightgbm
    from sklearn.ensemble import RandomForestClassifier

    from mlarsenal.forest import from_lightgbm, from_sklearn

    X, y = _training_data(DEEP_TRAIN_ROWS)
    deep = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=-1).fit(X, y)
    X, y = _training_data(TRAIN_ROWS)
    wide = lightgbm.LGBMClassifier(n_estimators=1000, num_leaves=255, verbose=-1).fit(X, y)
    _SHAPES.update(
        deep=(deep, from_sklearn(deep)),
        wide=(wide.booster_, from_lightgbm(wide.booster_)),
    )
    return _SHAPES


def rows_data(rows: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 28)).astype(np.float32)
    X[rng.random(X.shape) < 0.01] = np.nan
    return (X,)


def finite_rows_data(rows: int, seed: int) -> tuple:
    # scikit-learn's forests accept NaN at predict time only if they saw NaN in training.
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(rows, 28)).astype(np.float32),)


def build_cases() -> list[Case]:
    def ours(peer):
        def call(data, n_jobs):
            return _models()[peer][1].predict(data[0], output="raw", n_jobs=n_jobs)

        return call

    def lightgbm_batch(data, n_jobs):
        return _models()["lightgbm"][0].predict(data[0], raw_score=True, num_threads=n_jobs or 0)

    def xgboost_batch(data, n_jobs):
        booster = _models()["xgboost"][0]
        booster.set_param({"nthread": n_jobs or 0})
        return booster.inplace_predict(data[0], predict_type="margin")

    def single_rows(predict_one):
        def call(data, n_jobs):
            rows = data[0][:SINGLE_ROW_CALLS]
            out = np.empty(len(rows))
            for i in range(len(rows)):
                out[i] = np.ravel(predict_one(rows[i : i + 1]))[0]
            return out

        return call

    def ours_one(peer):
        return lambda row: _models()[peer][1].predict(row, output="raw")

    def lgb_one(row):
        return _models()["lightgbm"][0].predict(row, raw_score=True)

    def xgb_one(row):
        return _models()["xgboost"][0].inplace_predict(row, predict_type="margin")

    def deep_ours(data, n_jobs):
        return _shapes()["deep"][1].predict(data[0], output="value", n_jobs=n_jobs)

    def deep_sklearn(data, n_jobs):
        model = _shapes()["deep"][0]
        model.set_params(n_jobs=n_jobs)
        return model.predict_proba(data[0])

    def wide_ours(data, n_jobs):
        return _shapes()["wide"][1].predict(data[0], output="raw", n_jobs=n_jobs)

    def wide_lightgbm(data, n_jobs):
        return _shapes()["wide"][0].predict(data[0], raw_score=True, num_threads=n_jobs or 0)

    return [
        Case("deep_forest_batch_vs_sklearn", finite_rows_data, deep_ours, deep_sklearn,
             "scikit-learn", array_agreement),
        Case("wide_boosted_batch_vs_lightgbm", rows_data, wide_ours, wide_lightgbm, "LightGBM",
             array_agreement),
        Case("batch_raw_vs_lightgbm", rows_data, ours("lightgbm"), lightgbm_batch, "LightGBM",
             array_agreement),
        Case("batch_raw_vs_xgboost", rows_data, ours("xgboost"), xgboost_batch, "XGBoost",
             array_agreement),
        Case("single_row_x1000_vs_lightgbm", rows_data, single_rows(ours_one("lightgbm")),
             single_rows(lgb_one), "LightGBM", array_agreement),
        Case("single_row_x1000_vs_xgboost", rows_data, single_rows(ours_one("xgboost")),
             single_rows(xgb_one), "XGBoost", array_agreement),
    ]  # fmt: skip


SUITE = Suite(
    name="forest",
    description="Forest inference (100 trees x 31 leaves, 28 features, imported from LightGBM and "
    "XGBoost) vs the source library's own predict: batch raw scores and 1,000 single-row calls; "
    "also a deep forest (scikit-learn, 100 full-depth trees) and a wide boosted model "
    "(LightGBM, 1,000 trees x 255 leaves), batch",
    peers=(
        Peer(module="lightgbm", distribution="lightgbm"),
        Peer(module="xgboost", distribution="xgboost-cpu"),
        Peer(module="sklearn", distribution="scikit-learn"),
    ),
    default_rows=200_000,
    quick_rows=2_000,
    build_cases=build_cases,
    notes="Single-row cases time 1,000 calls from Python, one row each: divide by 1,000 for the "
    "latency of one call. Both sides return raw margins; quality compares them (XGBoost sums "
    "in float32, so expect ~1e-6 differences there). The deep forest is trained on "
    f"{DEEP_TRAIN_ROWS:,} rows and both sides predict class probabilities of rows without NaN "
    f"(scikit-learn rejects them for a forest trained without); the wide model on {TRAIN_ROWS:,} rows. Prediction is mlarsenal's "
    "straightforward traversal (the compiled engine is planned).",
)
