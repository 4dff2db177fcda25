"""The boosting loop shared by GradientBoostingClassifier and GradientBoostingRegressor.

Each iteration: native gradients of the loss at the current raw predictions,
one native tree per output grown on the binned rows, leaf values added to the
training scores through the row partition the grower already holds (no
traversal), and to the validation scores through the new tree. The fitted
model is a :class:`mlarsenal.forest.Forest`, which predicts, saves and loads.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted, check_random_state

from mlarsenal import _core
from mlarsenal._serialization.estimator_files import ModelFileMixin
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import (
    check_consistent_length,
    check_feature_names,
    check_sample_weight,
)
from mlarsenal._validation.features import check_n_features, feature_name_list, plain_float_matrix
from mlarsenal.ensemble._gb_features import mask_unseen_categories, resolve_categorical, to_matrix
from mlarsenal.ensemble._gb_params import (
    AUTO_EARLY_STOPPING_ROWS,
    BIN_SAMPLE_ROWS,
    check_interaction_cst,
    check_monotonic_cst,
    check_shared_params,
)
from mlarsenal.ensemble._gb_progress import Progress
from mlarsenal.ensemble._gb_trees import single_tree_forest, split_forest_trees
from mlarsenal.forest import Forest
from mlarsenal.forest._from_trees import forest_arrays

logger = logging.getLogger("mlarsenal.ensemble")


class BaseGradientBoosting(ModelFileMixin, BaseEstimator):
    """Fitting and prediction common to both estimators; subclasses define the target side."""

    _model_file_io = "mlarsenal.ensemble._gb_persistence"

    # ------------------------------------------------------------ subclass API
    def _encode_target(self, y, *, fitting):  # pragma: no cover - abstract
        raise NotImplementedError

    def _make_loss(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _stratify(self, y):
        return None

    def _class_weights(self, y):
        return None

    # --------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Fit the ensemble.

        eval_set: an optional ``(X_val, y_val)`` or ``(X_val, y_val, sample_weight_val)``
        used for early stopping instead of a split of the training data.
        """
        started = time.perf_counter()
        tree_params = check_shared_params(self)
        n_threads = effective_n_jobs(self.n_jobs)
        first_fit = not (self.warm_start and hasattr(self, "forest_"))

        X, y, weight, monotonic, interaction_groups = self._fit_inputs(
            X, y, sample_weight, first_fit
        )
        loss = self._make_loss()
        if loss.refit_quantile is not None and monotonic.any():
            raise ValueError(f"monotonic_cst is not supported with loss={self.loss!r}")
        self._check_target_for_loss(loss, y, weight)

        rng = check_random_state(self.random_state)
        # Seeds drawn once, in a fixed order: results do not depend on threads.
        split_seed, bin_seed, tree_seed = (int(s) for s in rng.randint(0, 2**31 - 1, size=3))
        if first_fit:
            self._split_seed = split_seed
        else:
            # Warm start keeps the first fit's validation rows (scikit-learn's rule).
            split_seed = getattr(self, "_split_seed", split_seed)

        stops_early = self._stops_early(eval_set, X.shape[0])
        X_train, y_train, w_train, validation = self._split_validation(
            X, y, weight, eval_set, split_seed, hold_out=stops_early
        )
        if first_fit or getattr(self, "_bins", None) is None:
            # (A model loaded from a file keeps no bins: they are learnt again.)
            self._bins = self._fit_bins(X_train, bin_seed, n_threads)
            self._known_categories = {
                int(f): self._bins.categories(int(f)) for f in np.flatnonzero(self.is_categorical_)
            }
        if validation is not None:
            # Validation rows see categories as predict will: unseen -> missing.
            validation = (self._mask_categories(validation[0]), *validation[1:])
        binned = self._bins.apply(X_train, n_threads)

        if first_fit:
            self._base_score = loss.baseline(y_train, w_train)
            trees, outputs = [], []
            self.train_score_, self.validation_score_ = [], []
        else:
            trees, outputs = split_forest_trees(self.forest_)
            if self.max_iter < self.n_iter_:
                raise ValueError(
                    f"max_iter={self.max_iter} must be >= the {self.n_iter_} iterations already "
                    "fitted when warm_start=True"
                )
            self.train_score_ = list(self.train_score_)
            self.validation_score_ = list(self.validation_score_)
        n_outputs = loss.n_outputs
        raw = self._start_scores(X_train, trees, outputs, n_outputs, n_threads)
        raw_val = None
        if validation is not None:
            raw_val = self._start_scores(validation[0], trees, outputs, n_outputs, n_threads)

        grower = _core.gbdt.TreeGrower(
            binned,
            self._bins,
            tree_params.native(monotonic, interaction_groups, n_threads),
        )
        n_rows = X_train.shape[0]
        grad = np.empty((n_outputs, n_rows), dtype=np.float32)
        hess = np.empty((n_outputs, n_rows), dtype=np.float32)
        tree_rng = np.random.RandomState(tree_seed)
        done = len(trees) // n_outputs
        # Rows scoring the training loss (early stopping) and estimating Huber's delta.
        score_rows = np.sort(np.random.RandomState(split_seed).permutation(n_rows)[:10_000])
        if first_fit:
            self._record_scores(
                loss, y_train, raw, w_train, score_rows, validation, raw_val, n_threads
            )
        progress = Progress(self.max_iter, done, self.verbose)
        for iteration in range(done, self.max_iter):
            if loss.adaptive_huber:
                loss = loss.with_huber_delta(y_train, raw, score_rows)
            loss.gradients(y_train, raw, w_train, n_threads, grad, hess)
            rows = self._sample_rows(tree_rng, n_rows)
            feature_mask = self._sample_features(tree_rng, X.shape[1])
            for k in range(n_outputs):
                grower.grow(grad[k], hess[k], rows, feature_mask, int(tree_rng.randint(2**31 - 1)))
                if loss.refit_quantile is not None:
                    grower.refit_leaves_quantile(y_train, raw, k, w_train, loss.refit_quantile)
                tree = grower.tree()
                grower.add_leaf_values(raw, k)
                if rows is not None or raw_val is not None:
                    self._add_to_other_scores(
                        tree, k, X_train, raw, rows, validation, raw_val, n_threads
                    )
                trees.append(tree)
                outputs.append(k)
            self._record_scores(
                loss, y_train, raw, w_train, score_rows, validation, raw_val, n_threads
            )
            progress.update(
                iteration + 1,
                self.train_score_[-1] if self.train_score_ else None,
                self.validation_score_[-1] if self.validation_score_ else None,
            )
            if validation is not None and stops_early and self._should_stop():
                break
        progress.close()
        self.n_iter_ = len(trees) // n_outputs
        self.train_score_ = np.asarray(self.train_score_)
        self.validation_score_ = np.asarray(self.validation_score_)
        self.do_early_stopping_ = validation is not None and stops_early
        self.forest_ = Forest(
            forest_arrays(trees, outputs, self._base_score),
            n_features=X.shape[1],
            n_outputs=n_outputs,
            link=loss.link,
            trees_per_iteration=n_outputs,
            feature_names=feature_name_list(self),
            meta={"estimator": type(self).__name__, "loss": loss.name},
        )
        logger.info("fit %d iterations in %.3f s", self.n_iter_, time.perf_counter() - started)
        return self

    # ---------------------------------------------------------------- helpers
    def _fit_inputs(self, X, y, sample_weight, first_fit):
        """Validated (X, y, weight, monotonic constraints, interaction groups) of a fit.

        On a first fit also records the feature count, names and categorical
        features; a warm start checks X against them instead.
        """
        n_features_before = getattr(self, "n_features_in_", None)
        check_feature_names(self, X, reset=first_fit)
        original = X
        X, pandas_categories = to_matrix(
            X, None if first_fit else getattr(self, "_pandas_categories", None)
        )
        categorical_mask = resolve_categorical(self.categorical_features, original, X.shape[1])
        if not first_fit and X.shape[1] != n_features_before:
            raise ValueError(
                f"X has {X.shape[1]} features, but the model being warm-started has "
                f"{n_features_before}"
            )
        y = self._encode_target(y, fitting=first_fit)
        check_consistent_length(X=X, y=y)
        weight = check_sample_weight(sample_weight, X.shape[0], only_non_negative=True)
        class_weight = self._class_weights(y)
        if class_weight is not None:
            weight = class_weight if weight is None else weight * class_weight
        if weight is not None and not weight.any():
            raise ValueError("sample_weight is zero everywhere; at least one weight must be > 0")

        if first_fit:
            self.n_features_in_ = X.shape[1]
            self._pandas_categories = pandas_categories
            self.is_categorical_ = categorical_mask
        monotonic = check_monotonic_cst(
            self.monotonic_cst,
            X.shape[1],
            getattr(self, "feature_names_in_", None),
            self.is_categorical_,
        )
        interaction_groups = check_interaction_cst(
            self.interaction_cst, X.shape[1], getattr(self, "feature_names_in_", None)
        )
        return X, y, weight, monotonic, interaction_groups

    @staticmethod
    def _add_to_other_scores(tree, k, X_train, raw, rows, validation, raw_val, n_threads):
        """Adds a new tree's values where the grower's partition does not reach:
        training rows left out by subsampling, and the validation rows."""
        one = single_tree_forest(tree, X_train.shape[1])
        if rows is not None:
            outside = np.ones(X_train.shape[0], dtype=bool)
            outside[rows] = False
            raw[outside, k] += one.predict(X_train[outside], output="raw", n_jobs=n_threads)
        if raw_val is not None:
            raw_val[:, k] += one.predict(validation[0], output="raw", n_jobs=n_threads)

    def _check_target_for_loss(self, loss, y, weight):
        if loss.name == "poisson":
            if (y < 0).any():
                raise ValueError("loss='poisson' needs y >= 0")
            if np.average(y, weights=weight) <= 0:
                raise ValueError("loss='poisson' needs a positive (weighted) mean of y")

    def _stops_early(self, eval_set, n_rows):
        """Whether iterations stop early: True always, False never, "auto" with an
        eval_set or above 10,000 rows (scikit-learn's rule)."""
        if self.early_stopping == "auto":
            return eval_set is not None or n_rows > AUTO_EARLY_STOPPING_ROWS
        return bool(self.early_stopping)

    def _split_validation(self, X, y, weight, eval_set, seed, *, hold_out):
        """(X, y, weight) to train on and the validation triple, or None without one.

        An eval_set is always scored (validation_score_); without one, rows are
        held out only when hold_out (early stopping is on).
        """
        if eval_set is None and not hold_out:
            return X, y, weight, None
        if eval_set is not None:
            if not isinstance(eval_set, (tuple, list)) or len(eval_set) not in (2, 3):
                raise ValueError("eval_set must be (X_val, y_val) or (X_val, y_val, sample_weight)")
            check_feature_names(self, eval_set[0], reset=False)
            X_val, _ = to_matrix(eval_set[0], self._pandas_categories or None, name="eval_set X")
            if X_val.shape[1] != X.shape[1]:
                raise ValueError(f"eval_set X has {X_val.shape[1]} features, X has {X.shape[1]}")
            y_val = self._encode_target(eval_set[1], fitting=False)
            check_consistent_length(X_val=X_val, y_val=y_val)
            w_val = check_sample_weight(
                eval_set[2] if len(eval_set) == 3 else None, X_val.shape[0], only_non_negative=True
            )
            return X, y, weight, (X_val, y_val, w_val)
        stratify = self._stratify(y)
        indices = np.arange(X.shape[0])
        train, val = train_test_split(
            indices, test_size=self.validation_fraction, stratify=stratify, random_state=seed
        )
        train.sort()
        val.sort()
        w_train = None if weight is None else weight[train]
        w_val = None if weight is None else weight[val]
        return X[train], y[train], w_train, (X[val], y[val], w_val)

    def _fit_bins(self, X, seed, n_threads):
        sample = None
        if X.shape[0] > BIN_SAMPLE_ROWS:
            sample = np.sort(
                np.random.RandomState(seed).choice(X.shape[0], BIN_SAMPLE_ROWS, replace=False)
            ).astype(np.int64)
        return _core.gbdt.fit_bins(
            X, sample, int(self.max_bins), self.is_categorical_.astype(np.uint8), n_threads
        )

    def _start_scores(self, X, trees, outputs, n_outputs, n_threads):
        raw = np.empty((X.shape[0], n_outputs))
        if trees:
            forest = Forest(
                forest_arrays(trees, outputs, self._base_score),
                n_features=X.shape[1],
                n_outputs=n_outputs,
            )
            raw[:] = forest.predict(X, output="raw", n_jobs=n_threads).reshape(X.shape[0], -1)
        else:
            raw[:] = self._base_score
        return raw

    def _sample_rows(self, rng, n_rows):
        if self.subsample >= 1.0:
            return None
        size = max(1, round(self.subsample * n_rows))
        return np.sort(rng.choice(n_rows, size, replace=False)).astype(np.int32)

    def _sample_features(self, rng, n_features):
        if self.colsample_bytree >= 1.0:
            return None
        size = max(1, int(np.ceil(self.colsample_bytree * n_features)))
        mask = np.zeros(n_features, dtype=np.uint8)
        mask[rng.choice(n_features, size, replace=False)] = 1
        return mask

    def _record_scores(self, loss, y, raw, weight, rows, validation, raw_val, n_threads):
        """Scores (minus the mean loss) when early stopping; the training one on a subset.

        As scikit-learn: without early stopping both stay empty (no cost per
        iteration); with it, the training loss uses at most 10,000 rows.
        """
        if validation is None:
            return
        train = loss.mean_loss(
            y[rows],
            np.ascontiguousarray(raw[rows]),
            None if weight is None else weight[rows],
            n_threads,
        )
        self.train_score_.append(np.nan if train is None else -train)
        value = loss.mean_loss(validation[1], raw_val, validation[2], n_threads)
        if value is None:
            value = self._custom_validation_loss(loss, validation, raw_val)
        self.validation_score_.append(-value)

    def _custom_validation_loss(self, loss, validation, raw_val):
        raise ValueError(
            "early stopping with a custom objective needs a built-in loss to monitor; "
            "set early_stopping=False"
        )

    def _should_stop(self):
        """scikit-learn's rule: no score of the last n_iter_no_change beats the one before by tol."""
        scores = self.validation_score_
        reference = self.n_iter_no_change + 1
        if len(scores) < reference:
            return False
        reference_score = scores[-reference] + self.tol
        return not any(score > reference_score for score in scores[-reference + 1 :])

    # -------------------------------------------------------------- prediction
    def _mask_categories(self, X):
        known = getattr(self, "_known_categories", None)
        return mask_unseen_categories(X, known) if known else X

    def _prepared(self, X):
        check_is_fitted(self, "forest_")
        plain = plain_float_matrix(self, X)
        if plain is not None:
            return self._mask_categories(plain)
        check_feature_names(self, X, reset=False)
        X, _ = to_matrix(X, self._pandas_categories or None)
        check_n_features(self, X.shape[1])
        return self._mask_categories(X)

    def _raw_predict(self, X, iteration_range=None):
        X = self._prepared(X)  # checks fitted first
        raw = self.forest_.predict(
            X, output="raw", iteration_range=iteration_range, n_jobs=effective_n_jobs(self.n_jobs)
        )
        return raw.reshape(raw.shape[0], -1)

    def apply(self, X):
        """Leaf index (node number within its tree) reached in every tree: (n_samples, n_trees)."""
        X = self._prepared(X)  # checks fitted first
        return self.forest_.predict(X, output="leaf", n_jobs=effective_n_jobs(self.n_jobs))

    @property
    def feature_importances_(self):
        """Total split gain of each feature, normalised to sum to 1."""
        check_is_fitted(self, "forest_")
        return self.forest_.feature_importances("gain")

    def feature_importances(self, importance_type="gain"):
        """Per-feature importance: ``"gain"`` (total gain) or ``"split"`` (number of splits), normalised."""
        check_is_fitted(self, "forest_")
        return self.forest_.feature_importances(importance_type)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        return tags
