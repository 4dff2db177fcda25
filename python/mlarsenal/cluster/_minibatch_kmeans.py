"""MiniBatchKMeans: Sculley's mini-batch k-means, following scikit-learn's algorithm.

The random draws (validation rows, seeding subsets, batches, re-seeded
centres) are taken in the same order as scikit-learn's, so a given
`random_state` gives the same clustering up to floating-point rounding. The
nearest-centre search runs on the native kernel (exact near-ties); the
centre updates are vectorised NumPy on batch-sized arrays.
"""

from __future__ import annotations

import numbers
import warnings
from typing import ClassVar

import numpy as np
from sklearn.utils import check_random_state

from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_sample_weight, validate_features
from mlarsenal.cluster._kmeans_common import FLOAT_DTYPES, KMeansBase, labels_inertia


class MiniBatchKMeans(KMeansBase):
    """Mini-batch k-means, as :class:`sklearn.cluster.MiniBatchKMeans`.

    Each step assigns a random batch to its nearest centres and moves every
    centre towards its batch points with a per-centre learning rate (the
    inverse of the weight it has absorbed); centres that attract almost
    nothing are re-seeded. Stops after `max_iter` passes over the data, when
    the centres move less than `tol`, or after `max_no_improvement` steps
    without a better smoothed batch inertia. `partial_fit` runs one step.

    >>> import numpy as np
    >>> from mlarsenal.cluster import MiniBatchKMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 0], [4, 4],
    ...               [4, 5], [0, 1], [2, 2], [3, 2], [5, 5], [1, -1]], dtype=float)
    >>> model = MiniBatchKMeans(n_clusters=2, random_state=0, batch_size=6, n_init=3).fit(X)
    >>> model.cluster_centers_.shape, model.labels_.shape
    ((2, 2), (12,))
    """

    # The running state too, so that partial_fit carries on after a load.
    _fitted_arrays: ClassVar[dict] = {
        "cluster_centers_": ("clusters", "features"),
        "labels_": ("samples",),
        "_counts": ("clusters",),
    }
    _fitted_scalars = (
        "inertia_", "n_iter_", "n_steps_", "_n_features_out", "_n_init", "_batch_size",
        "_init_size", "_tol", "_ewa_inertia", "_ewa_inertia_min", "_no_improvement",
        "_n_since_last_reassign",
    )  # fmt: skip
    # partial_fit alone sets neither n_iter_ nor the fit loop's convergence state.
    _optional_scalars = (
        "n_iter_", "_ewa_inertia", "_ewa_inertia_min", "_no_improvement",
    )  # fmt: skip
    _random_states = ("_random_state",)

    _n_init_for_random = 3
    _positive_int_params = ("n_clusters", "max_iter", "batch_size")

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means++",
        max_iter=100,
        batch_size=1024,
        verbose=0,
        compute_labels=True,
        random_state=None,
        tol=0.0,
        max_no_improvement=10,
        init_size=None,
        n_init="auto",
        reassignment_ratio=0.01,
        n_jobs=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.verbose = verbose
        self.compute_labels = compute_labels
        self.random_state = random_state
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ parameters
    def _check_params(self, X):
        """Validate, derive the batch/seeding sizes and tolerance; return init."""
        self._n_init, init = self._check_common_params(X)
        if (
            not isinstance(self.reassignment_ratio, numbers.Real)
            or not self.reassignment_ratio >= 0
        ):
            raise ValueError(
                f"reassignment_ratio must be a number >= 0, got {self.reassignment_ratio!r}"
            )
        if self.max_no_improvement is not None and (
            not isinstance(self.max_no_improvement, numbers.Integral) or self.max_no_improvement < 0
        ):
            raise ValueError(
                "max_no_improvement must be None or an integer >= 0, "
                f"got {self.max_no_improvement!r}"
            )
        n_samples = X.shape[0]
        self._batch_size = min(self.batch_size, n_samples)
        init_size = 3 * self._batch_size if self.init_size is None else self.init_size
        if init_size < self.n_clusters:
            warnings.warn(
                f"init_size={init_size} should be larger than n_clusters={self.n_clusters}; "
                f"setting it to 3*n_clusters",
                RuntimeWarning,
                stacklevel=3,
            )
            init_size = 3 * self.n_clusters
        self._init_size = min(init_size, n_samples)
        self._tol = float(np.mean(np.var(X, axis=0)) * self.tol) if self.tol else 0.0
        return init

    # ------------------------------------------------------------------ one step
    def _step(self, X, weight, centers, random_state, n_threads):
        """Assign a batch, move the centres (in place), maybe re-seed; batch inertia."""
        reassign = self._random_reassign()  # decided before this batch's counts land
        labels, inertia = labels_inertia(X, weight, centers, n_threads)
        k = self.n_clusters
        batch_weight = np.bincount(labels, weights=weight, minlength=k).astype(X.dtype)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, X * weight[:, None])
        hit = batch_weight > 0
        counts = self._counts
        updated = centers[hit] * counts[hit, None] + sums[hit]
        counts[hit] += batch_weight[hit]
        centers[hit] = updated / counts[hit, None]
        if reassign and self.reassignment_ratio > 0:
            to_reassign = counts < self.reassignment_ratio * counts.max()
            # Re-seed at most half a batch worth of centres.
            if to_reassign.sum() > 0.5 * X.shape[0]:
                to_reassign[np.argsort(counts)[int(0.5 * X.shape[0]) :]] = False
            n_reassign = int(to_reassign.sum())
            if n_reassign:
                new = random_state.choice(X.shape[0], replace=False, size=n_reassign)
                centers[to_reassign] = X[new]
                # Not too small, or they would be re-seeded again at once.
                counts[to_reassign] = np.min(counts[~to_reassign])
        return inertia

    def _random_reassign(self):
        self._n_since_last_reassign += self._batch_size
        if (self._counts == 0).any() or self._n_since_last_reassign >= 10 * self.n_clusters:
            self._n_since_last_reassign = 0
            return True
        return False

    def _converged(self, step, n_samples, shift, batch_inertia):
        batch_inertia /= self._batch_size
        if step == 0:  # the first step's inertia is mostly the seeding's
            return False
        if self._ewa_inertia is None:
            self._ewa_inertia = batch_inertia
        else:
            alpha = min(self._batch_size * 2.0 / (n_samples + 1), 1.0)
            self._ewa_inertia = self._ewa_inertia * (1 - alpha) + batch_inertia * alpha
        if self._tol > 0.0 and shift <= self._tol:
            return True
        if self._ewa_inertia_min is None or self._ewa_inertia < self._ewa_inertia_min:
            self._no_improvement = 0
            self._ewa_inertia_min = self._ewa_inertia
        else:
            self._no_improvement += 1
        return (
            self.max_no_improvement is not None and self._no_improvement >= self.max_no_improvement
        )

    # ------------------------------------------------------------------ fit
    def fit(self, X, y=None, sample_weight=None):
        X = np.ascontiguousarray(validate_features(self, X, reset=True, dtype=FLOAT_DTYPES))
        init = self._check_params(X)
        weight = check_sample_weight(
            sample_weight, X.shape[0], dtype=X.dtype, only_non_negative=True, allow_all_zero=False
        )
        weight = np.ones(X.shape[0], dtype=X.dtype) if weight is None else weight
        random_state = check_random_state(self.random_state)
        n_threads = effective_n_jobs(self.n_jobs)
        n_samples = X.shape[0]

        # Several seedings on random subsets, judged on a common validation subset.
        valid = random_state.randint(0, n_samples, self._init_size)
        X_valid, weight_valid = X[valid], weight[valid]
        best_centers, best_inertia = None, None
        for _ in range(self._n_init):
            centers = self._seed(X, init, weight, random_state, n_threads, self._init_size)
            _, inertia = labels_inertia(X_valid, weight_valid, centers, n_threads)
            if best_inertia is None or inertia < best_inertia:
                best_centers, best_inertia = centers, inertia
        centers = np.ascontiguousarray(best_centers, dtype=X.dtype)

        self._counts = np.zeros(self.n_clusters, dtype=X.dtype)
        self._ewa_inertia = self._ewa_inertia_min = None
        self._no_improvement = 0
        self._n_since_last_reassign = 0
        n_steps = (self.max_iter * n_samples) // self._batch_size
        # Batches are drawn with probability proportional to the sample weights
        # and then count with unit weight (an unbiased estimate of the weighted
        # objective, as in scikit-learn).
        probability = weight / weight.sum()
        unit = np.ones(self._batch_size, dtype=X.dtype)
        step = 0
        for step in range(n_steps):
            batch = random_state.choice(n_samples, self._batch_size, p=probability, replace=True)
            previous = centers.copy() if self._tol > 0.0 else None
            batch_inertia = self._step(X[batch], unit, centers, random_state, n_threads)
            shift = float(np.sum((centers - previous) ** 2)) if previous is not None else 0.0
            if self._converged(step, n_samples, shift, batch_inertia):
                break
        self.cluster_centers_ = centers
        self._n_features_out = self.n_clusters
        self.n_steps_ = step + 1
        self.n_iter_ = int(np.ceil(((step + 1) * self._batch_size) / n_samples))
        if self.compute_labels:
            self.labels_, self.inertia_ = labels_inertia(X, weight, centers, n_threads)
        else:
            self.inertia_ = self._ewa_inertia * n_samples
        return self

    def partial_fit(self, X, y=None, sample_weight=None):
        """One mini-batch step on X (the first call also seeds the centres from X)."""
        has_centers = hasattr(self, "cluster_centers_")
        X = np.ascontiguousarray(
            validate_features(self, X, reset=not has_centers, dtype=FLOAT_DTYPES)
        )
        n_threads = effective_n_jobs(self.n_jobs)
        weight = check_sample_weight(
            sample_weight, X.shape[0], dtype=X.dtype, only_non_negative=True
        )
        weight = np.ones(X.shape[0], dtype=X.dtype) if weight is None else weight
        # As scikit-learn: one random stream across partial_fit calls (a fresh
        # one after fit), and steps counted on from fit's.
        if not hasattr(self, "_random_state"):
            self._random_state = check_random_state(self.random_state)
        self.n_steps_ = getattr(self, "n_steps_", 0)
        if not has_centers:
            init = self._check_params(X)
            self.cluster_centers_ = np.ascontiguousarray(
                self._seed(X, init, weight, self._random_state, n_threads, self._init_size),
                dtype=X.dtype,
            )
            self._counts = np.zeros(self.n_clusters, dtype=X.dtype)
            self._n_since_last_reassign = 0
        else:
            X = X.astype(self.cluster_centers_.dtype, copy=False)
            weight = weight.astype(X.dtype, copy=False)
        self._step(X, weight, self.cluster_centers_, self._random_state, n_threads)
        if self.compute_labels:
            self.labels_, self.inertia_ = labels_inertia(
                X, weight, self.cluster_centers_, n_threads
            )
        self.n_steps_ += 1
        self._n_features_out = self.n_clusters
        return self
