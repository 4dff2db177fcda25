"""The four gradient-boosting libraries, each configured for the same model.

Same trees everywhere: 100 iterations of leaf-wise (best-first) growth to 31 leaves,
learning rate 0.1, 255 value bins per feature, at least 20 samples and a hessian sum of
at least 1e-3 per leaf, no L2 penalty, no row or column subsampling, no early stopping.
Each library receives the raw float32 arrays, so its fit time includes binning.
The per-library spellings of those settings, and the one that cannot be matched
exactly (XGBoost's leaf-size limit), are below and in ``docs/developer/benchmarks.md``.
"""

from __future__ import annotations

import numpy as np

from benchmarks.model_case import Library, ModelData

ITERATIONS = 100
LEAVES = 31
LEARNING_RATE = 0.1
# Value bins; each library keeps missing values apart from these (XGBoost's max_bin=255
# gives 255 bins too: its cut list holds one extra sentinel below the minimum).
BINS = 255
MIN_SAMPLES_LEAF = 20
# Smallest hessian sum of a leaf: LightGBM's min_child_weight default, scikit-learn's
# (fixed) min_hessian_to_split, and our min_child_weight.
MIN_HESSIAN = 1e-3
SEED = 0

TASKS = ("binary", "multiclass", "regression")


def gbdt_libraries(task: str, *, quantized: bool = False) -> tuple[Library, ...]:
    """LightGBM, XGBoost, scikit-learn, then ours (peers first, see ModelCase).

    ``quantized`` fits ours with ``quantized_gradients=True``; the peers keep their
    defaults (exact gradients).
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    predict = _predict_values if task == "regression" else _predict_probabilities
    ours = "mlarsenal (quantized_gradients=True)" if quantized else "mlarsenal"
    return (
        Library("LightGBM", _lightgbm_fit(task), predict),
        Library("XGBoost", _xgboost_fit(task), predict),
        Library("scikit-learn", _sklearn_fit(task), _sklearn_predict(predict)),
        Library(ours, _mlarsenal_fit(task, quantized), predict, ours=True,
                unavailable=_mlarsenal_unavailable()),
    )  # fmt: skip


def threads(n_jobs: int | None) -> int:
    """The runner's --n-jobs as a thread count, given to every library explicitly."""
    from mlarsenal import effective_n_jobs

    return effective_n_jobs(n_jobs)


def _predict_probabilities(model, data: ModelData, n_jobs: int | None) -> np.ndarray:
    # Probabilities, not labels: AUC and log-loss need them, and accuracy is their argmax.
    return model.predict_proba(data.X_test)


def _predict_values(model, data: ModelData, n_jobs: int | None) -> np.ndarray:
    return model.predict(data.X_test)


def _lightgbm_fit(task: str):
    def fit(data: ModelData, n_jobs: int | None):
        import lightgbm

        estimator = lightgbm.LGBMRegressor if task == "regression" else lightgbm.LGBMClassifier
        model = estimator(
            num_leaves=LEAVES, learning_rate=LEARNING_RATE, n_estimators=ITERATIONS,
            max_bin=BINS, min_child_samples=MIN_SAMPLES_LEAF, min_child_weight=MIN_HESSIAN,
            reg_lambda=0.0, subsample=1.0, colsample_bytree=1.0, random_state=SEED,
            n_jobs=threads(n_jobs), verbose=-1,
        )  # fmt: skip
        mask = data.categorical_features
        categorical = "auto" if mask is None else np.flatnonzero(mask).tolist()
        return model.fit(data.X_train, data.y_train, categorical_feature=categorical)

    return fit


def _xgboost_fit(task: str):
    # XGBoost limits a leaf only by its hessian sum (min_child_weight), not by a sample
    # count. Under squared error every row's hessian is 1, so 20 is exactly "at least 20
    # samples". Under log-loss a row's hessian p(1-p) shrinks as predictions firm up, so
    # no constant means "20 samples"; there XGBoost gets the others' hessian limit, 1e-3,
    # and has no sample-count limit (with 31 leaves over many rows it rarely binds).
    min_child_weight = float(MIN_SAMPLES_LEAF) if task == "regression" else MIN_HESSIAN

    def fit(data: ModelData, n_jobs: int | None):
        import xgboost

        estimator = xgboost.XGBRegressor if task == "regression" else xgboost.XGBClassifier
        mask = data.categorical_features
        categorical = {}
        if mask is not None:  # numpy input: feature types say which columns are categories
            categorical = {"enable_categorical": True,
                           "feature_types": ["c" if is_cat else "q" for is_cat in mask]}  # fmt: skip
        model = estimator(
            tree_method="hist", grow_policy="lossguide", max_leaves=LEAVES, max_depth=0,
            max_bin=BINS, learning_rate=LEARNING_RATE, n_estimators=ITERATIONS,
            min_child_weight=min_child_weight, reg_lambda=0.0, subsample=1.0,
            colsample_bytree=1.0, random_state=SEED, n_jobs=threads(n_jobs), **categorical,
        )  # fmt: skip
        return model.fit(data.X_train, data.y_train)

    return fit


def _sklearn_fit(task: str):
    def fit(data: ModelData, n_jobs: int | None):
        from sklearn import ensemble

        if task == "regression":
            estimator, loss = ensemble.HistGradientBoostingRegressor, "squared_error"
        else:
            estimator, loss = ensemble.HistGradientBoostingClassifier, "log_loss"
        model = estimator(
            loss=loss, learning_rate=LEARNING_RATE, max_iter=ITERATIONS, max_leaf_nodes=LEAVES,
            max_depth=None, min_samples_leaf=MIN_SAMPLES_LEAF, l2_regularization=0.0,
            max_bins=BINS, categorical_features=data.categorical_features,
            early_stopping=False, random_state=SEED,
        )  # fmt: skip
        with _sklearn_threads(n_jobs):
            return model.fit(data.X_train, data.y_train)

    return fit


def _sklearn_predict(predict):
    def call(model, data: ModelData, n_jobs: int | None):
        with _sklearn_threads(n_jobs):
            return predict(model, data, n_jobs)

    return call


def _sklearn_threads(n_jobs: int | None):
    """scikit-learn's OpenMP threads limited to --n-jobs, for one call.

    HistGradientBoosting takes no thread count and would use every core, so on a run
    with --n-jobs below the core count it would get more threads than the others.
    threadpoolctl sets the OpenMP limit and restores the previous one on exit.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads(n_jobs), user_api="openmp")


def _mlarsenal_fit(task: str, quantized: bool):
    def fit(data: ModelData, n_jobs: int | None):
        from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

        if task == "regression":
            estimator, loss = GradientBoostingRegressor, "squared_error"
        else:
            estimator, loss = GradientBoostingClassifier, "log_loss"
        model = estimator(
            loss=loss, learning_rate=LEARNING_RATE, max_iter=ITERATIONS, max_leaf_nodes=LEAVES,
            max_depth=None, min_samples_leaf=MIN_SAMPLES_LEAF, min_child_weight=MIN_HESSIAN,
            l2_regularization=0.0, max_bins=BINS,
            categorical_features=data.categorical_features, early_stopping=False,
            quantized_gradients=quantized, random_state=SEED, n_jobs=threads(n_jobs),
        )  # fmt: skip
        return model.fit(data.X_train, data.y_train)

    return fit


def _mlarsenal_unavailable() -> str | None:
    """Why ours cannot run, when its estimators do not import (the package is being written).

    Only an import failure skips ours, with the import error in the message so a broken
    build is seen; anything that fails after the import is an error in ours's row.
    """
    try:
        from mlarsenal.ensemble import (  # noqa: F401
            GradientBoostingClassifier,
            GradientBoostingRegressor,
        )
    except ImportError as exc:
        return f"mlarsenal not run: its gradient boosting does not import ({exc})"
    return None
