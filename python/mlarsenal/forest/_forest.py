"""Forest: the one tree-ensemble object every tree model predicts and saves with."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from mlarsenal import _core
from mlarsenal._gpu import forest as gpu_forest
from mlarsenal._gpu.arrays import is_gpu_array, to_host
from mlarsenal._gpu.device import resolve_device
from mlarsenal._gpu.links import inverse_link, two_columns
from mlarsenal._serialization import ModelFormatError, dumps, loads, save
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import check_array, feature_names_of
from mlarsenal._validation.arrays import FLOAT_DTYPES
from mlarsenal._version import __version__
from mlarsenal.forest import _structure
from mlarsenal.forest._from_trees import arrays_from_trees
from mlarsenal.forest._links import INVERSE_LINKS, sigmoid
from mlarsenal.forest._schema import (
    MAX_FEATURES,
    NATIVE_ARRAYS,
    OPTIONAL_META,
    REQUIRED_META,
    check_arrays,
    check_feature_names,
    check_int,
    check_link,
    check_meta,
)

KIND = "forest"
_OUTPUTS = ("value", "raw", "leaf")


class Forest:
    """A validated tree ensemble with native, multi-threaded prediction.

    Parameters
    ----------
    arrays : dict of str -> 1-d array
        The flat node arrays of ``cpp/include/mlarsenal/forest/forest.hpp``
        (``tree_offsets``, ``tree_output``, ``base_score``, ``feature``,
        ``threshold``, ``left``, ``right``, ``default_left``, ``split_kind``,
        ``value``, ``cat_begin``, ``cat_size``, ``cat_bits``) and, optionally,
        per-node ``gain``, ``cover`` (sum of hessians) and ``count`` (training
        rows). Values are converted to the documented dtypes when no value
        changes, and copied: later changes to the caller's arrays do not
        reach the forest.
    n_features : int
        Number of columns prediction expects.
    n_outputs : int, optional
        Number of output columns; defaults to ``len(arrays["base_score"])``.
    link : {"identity", "logistic", "softmax", "exp"}
        Inverse link applied by ``predict(output="value")``.
    trees_per_iteration : int
        Trees added per boosting iteration (n_outputs for multiclass
        boosting, else 1); ``iteration_range`` counts in these units.
    feature_names : list of str, optional
    meta : dict, optional
        Free JSON data saved with the model (objective, trainer settings...).
        ``meta["input_dtype"] == "float32"`` makes prediction cast float64
        rows to float32 first (for models that compare ``float32(x)``, such
        as scikit-learn's trees).

    Raises ValueError (TypeError for wrong types) naming the first problem;
    a structure the native checks reject (a child index out of range or not
    after its parent, a feature >= n_features...) never reaches prediction.

    Examples
    --------
    A stump on feature 0: x <= 0.5 gives -1, larger gives +1, NaN goes left.

    >>> import numpy as np
    >>> from mlarsenal.forest import Forest
    >>> stump = Forest.from_trees(
    ...     [{"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -1, -1],
    ...       "threshold": [0.5, 0.0, 0.0], "value": [0.0, -1.0, 1.0],
    ...       "default_left": [1, 0, 0]}],
    ...     n_features=1,
    ... )
    >>> stump
    Forest(n_trees=1, n_features=1, n_outputs=1, link='identity')
    >>> stump.predict(np.array([[0.0], [0.5], [2.0], [np.nan]]))
    array([-1., -1.,  1., -1.])
    """

    def __init__(
        self,
        arrays: Mapping[str, np.ndarray],
        *,
        n_features: int,
        n_outputs: int | None = None,
        link: str = "identity",
        trees_per_iteration: int = 1,
        feature_names: Sequence[str] | None = None,
        meta: Mapping | None = None,
    ):
        self._init(
            arrays,
            n_features=n_features,
            n_outputs=n_outputs,
            link=link,
            trees_per_iteration=trees_per_iteration,
            feature_names=feature_names,
            meta=meta,
            strict=False,
            copy=True,
        )

    def _init(
        self, arrays, *, n_features, n_outputs, link, trees_per_iteration, feature_names, meta,
        strict, copy
    ):  # fmt: skip
        n_features = check_int("n_features", n_features, 1, MAX_FEATURES)
        if n_outputs is None:
            if not isinstance(arrays, Mapping) or "base_score" not in arrays:
                raise ValueError("forest arrays missing: base_score")
            n_outputs = len(np.atleast_1d(arrays["base_score"]))
        n_outputs = check_int("n_outputs", n_outputs, 1)
        link = check_link(link)
        if link == "softmax" and n_outputs < 2:
            raise ValueError(f"link 'softmax' needs n_outputs >= 2, got {n_outputs}")
        trees_per_iteration = check_int("trees_per_iteration", trees_per_iteration, 1)
        checked = check_arrays(arrays, n_outputs=n_outputs, strict=strict, copy=copy)
        n_trees = len(checked["tree_offsets"]) - 1
        if n_trees % trees_per_iteration:
            raise ValueError(
                f"trees_per_iteration={trees_per_iteration} does not divide the "
                f"{n_trees} trees into whole iterations"
            )
        self._arrays = checked
        self._n_features = n_features
        self._n_outputs = n_outputs
        self._link = link
        self._trees_per_iteration = trees_per_iteration
        self._feature_names = check_feature_names(feature_names, n_features)
        self._meta = check_meta(meta)
        input_dtype = self._meta.get("input_dtype", "float64")
        if input_dtype not in ("float32", "float64"):
            raise ValueError(
                f"meta 'input_dtype' must be 'float32' or 'float64', got {input_dtype!r}"
            )
        self._float32_inputs = input_dtype == "float32"
        self._tree_depths = None
        # The native forest checks the structure (children in range and after
        # their parent, features < n_features, outputs in range, bitsets inside
        # cat_bits) and keeps references to these read-only arrays.
        native_arrays = {name: checked[name] for name in NATIVE_ARRAYS}
        self._native = _core.forest.Forest(n_features, n_outputs, native_arrays)

    # ----------------------------------------------------------- construction
    @classmethod
    def from_trees(
        cls,
        trees: Sequence[Mapping],
        *,
        n_features: int,
        n_outputs: int = 1,
        base_score=0.0,
        link: str = "identity",
        trees_per_iteration: int = 1,
        feature_names: Sequence[str] | None = None,
        meta: Mapping | None = None,
    ) -> Forest:
        """A Forest from one dict per tree (local node indices, -1 children at leaves).

        Each dict holds per-node lists ``left``, ``right``, ``feature``,
        ``threshold``, ``value``; optionally ``default_left`` (NaN goes left
        where 1; default 0), ``gain``/``cover``/``count`` (in every tree or
        none), ``categories`` ({node: categories sent left}, which makes those
        nodes categorical) and ``output`` (the column the tree adds to;
        default tree index % trees_per_iteration). `base_score` is a scalar or
        one value per output.
        """
        n_outputs = check_int("n_outputs", n_outputs, 1)
        trees_per_iteration = check_int("trees_per_iteration", trees_per_iteration, 1)
        base = np.asarray(base_score, dtype=np.float64)
        if base.ndim > 1 or base.size not in (1, n_outputs):
            raise ValueError(
                f"base_score must be a scalar or hold {n_outputs} values, got shape {base.shape}"
            )
        arrays = arrays_from_trees(
            trees, n_outputs=n_outputs, base_score=base, trees_per_iteration=trees_per_iteration
        )
        return cls(
            arrays,
            n_features=n_features,
            n_outputs=n_outputs,
            link=link,
            trees_per_iteration=trees_per_iteration,
            feature_names=feature_names,
            meta=meta,
        )

    def to_parts(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(meta, arrays): what a model file stores; :meth:`from_parts` inverts it.

        For models that embed a forest in their own file kind. The arrays are
        the forest's read-only arrays (no copy).
        """
        meta = {
            "n_features": self._n_features,
            "n_outputs": self._n_outputs,
            "link": self._link,
            "trees_per_iteration": self._trees_per_iteration,
            "feature_names": None if self._feature_names is None else list(self._feature_names),
            "meta": self.meta,
            "mlarsenal_version": __version__,
        }
        return meta, dict(self._arrays)

    @classmethod
    def from_parts(cls, meta: Mapping, arrays: Mapping, *, copy: bool = True) -> Forest:
        """The Forest of :meth:`to_parts`' output, checked strictly (exact dtypes and keys).

        Raises ValueError or TypeError for anything invalid. copy=False keeps
        the given arrays (marked read-only) instead of copying them: only for
        arrays nobody else holds, such as those ``loads`` returns.
        """
        if not isinstance(meta, Mapping):
            raise TypeError(f"forest meta must be a dict, got {type(meta).__name__}")
        missing = [key for key in REQUIRED_META if key not in meta]
        unknown = sorted(set(meta) - set(REQUIRED_META) - set(OPTIONAL_META))
        if missing or unknown:
            raise ValueError(
                f"forest meta: missing keys {missing}, unknown keys {unknown}"
                if missing and unknown
                else f"forest meta: missing keys {missing}"
                if missing
                else f"forest meta: unknown keys {unknown}"
            )
        forest = cls.__new__(cls)
        forest._init(
            arrays,
            n_features=meta["n_features"],
            n_outputs=meta["n_outputs"],
            link=meta["link"],
            trees_per_iteration=meta["trees_per_iteration"],
            feature_names=meta.get("feature_names"),
            meta=meta.get("meta"),
            strict=True,
            copy=copy,
        )
        return forest

    # ---------------------------------------------------------- serialization
    def to_bytes(self) -> bytes:
        """The model file's bytes (docs/developer/model_format.md); see :meth:`from_bytes`."""
        meta, arrays = self.to_parts()
        return dumps(KIND, meta, arrays)

    @classmethod
    def from_bytes(cls, data) -> Forest:
        """The Forest saved in `data` (bytes, bytearray or memoryview).

        Raises ModelFormatError for anything that is not a valid forest file.
        """
        _, meta, arrays = loads(data, expected_kind=KIND)
        return _from_file_parts(meta, arrays)

    def save(self, path) -> None:
        """Write the model file to `path` atomically; ``mlarsenal.load(path)`` reads it."""
        save(self, path)

    def __getstate__(self):
        # Pickle carries the model file, never the object's internals.
        return {"model_file": self.to_bytes()}

    def __setstate__(self, state):
        _, meta, arrays = loads(state["model_file"], expected_kind=KIND)
        try:
            self.__dict__.update(Forest.from_parts(meta, arrays, copy=False).__dict__)
        except (ValueError, TypeError) as exc:
            raise ModelFormatError(f"invalid {KIND!r} model: {exc}") from exc

    # ------------------------------------------------------------- properties
    @property
    def n_trees(self) -> int:
        return len(self._arrays["tree_offsets"]) - 1

    @property
    def n_nodes(self) -> int:
        return len(self._arrays["feature"])

    @property
    def n_features(self) -> int:
        return self._n_features

    @property
    def n_outputs(self) -> int:
        return self._n_outputs

    @property
    def link(self) -> str:
        return self._link

    @property
    def trees_per_iteration(self) -> int:
        return self._trees_per_iteration

    @property
    def n_iterations(self) -> int:
        return self.n_trees // self._trees_per_iteration

    @property
    def feature_names(self) -> list[str] | None:
        return None if self._feature_names is None else list(self._feature_names)

    @property
    def meta(self) -> dict:
        """A copy of the free JSON data saved with the model."""
        return check_meta(self._meta)

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """The forest's arrays by name (read-only numpy arrays, not copies)."""
        return dict(self._arrays)

    @property
    def n_leaves(self) -> int:
        return int(np.count_nonzero(self._arrays["left"] < 0))

    @property
    def tree_depths(self) -> np.ndarray:
        """Edges on each tree's longest root-to-leaf path (int64, one per tree)."""
        if self._tree_depths is None:
            a = self._arrays
            depths = _structure.tree_depths(a["tree_offsets"], a["left"], a["right"])
            depths.flags.writeable = False
            self._tree_depths = depths
        return self._tree_depths

    @property
    def max_depth(self) -> int:
        return int(self.tree_depths.max()) if self.n_trees else 0

    def feature_importances(self, kind: str = "gain") -> np.ndarray:
        """Per-feature importance, summing to 1 (all zeros when no tree splits).

        kind="split": how many split nodes use the feature; kind="gain": the
        total gain of those splits (needs the per-node ``gain`` array).
        """
        a = self._arrays
        if kind == "split":
            weights = None
        elif kind == "gain":
            if "gain" not in a:
                raise ValueError("this forest has no per-node 'gain'; use kind='split'")
            weights = a["gain"]
        else:
            raise ValueError(f"kind must be 'gain' or 'split', got {kind!r}")
        return _structure.importances(a["feature"], a["left"], weights, self._n_features)

    def __repr__(self) -> str:
        return (
            f"Forest(n_trees={self.n_trees}, n_features={self._n_features}, "
            f"n_outputs={self._n_outputs}, link={self._link!r})"
        )

    # ------------------------------------------------------------- prediction
    def predict(
        self, X, output: str = "value", iteration_range=None, n_jobs=None, device="auto"
    ) -> np.ndarray:
        """Predictions for the rows of `X` (float32 or float64; NaN and ±inf allowed).

        output:
          - "value": the margins through the link (probabilities of the
            positive class for "logistic", rows summing to 1 for "softmax");
          - "raw": the margins, base_score plus the leaf values;
          - "leaf": int32 (n_rows, n_trees in range), the leaf reached in
            each tree (node index within its tree).
        "value" and "raw" have shape (n_rows,) with one output, else
        (n_rows, n_outputs). iteration_range=(start, end) uses the trees of
        boosting iterations [start, end) only. n_jobs: native threads.

        device: "cpu", "cuda" or "auto" (docs/user_guide/gpu.md). On the GPU
        every row walks every tree as on the CPU (same raw scores and leaves);
        CuPy/torch rows are read in place and the result is an array of the
        same library; numpy rows are copied to the GPU and the result comes
        back as numpy. "auto" uses the GPU for GPU rows, or for large batches
        when a GPU is usable.
        """
        if output not in _OUTPUTS:
            raise ValueError(f"output must be 'value', 'raw' or 'leaf', got {output!r}")
        begin, end = self._tree_range(iteration_range)
        if self._predict_device(X, begin, end, device) == "cuda":
            return self._predict_gpu(X, output, begin, end)
        if is_gpu_array(X):
            X = to_host(X)
        X = self._check_X(X)
        n_threads = effective_n_jobs(n_jobs)
        if output == "leaf":
            return self._native.predict_leaf(X, begin, end, n_threads)
        raw = self._native.predict_raw(X, begin, end, n_threads)
        if output == "value":
            raw = INVERSE_LINKS[self._link](raw)
        return raw.reshape(len(raw)) if self._n_outputs == 1 else raw

    def predict_proba(self, X, iteration_range=None, n_jobs=None, device="auto") -> np.ndarray:
        """Class probabilities: (n_rows, 2) for "logistic", (n_rows, n_outputs) for "softmax".

        device: as in :meth:`predict`; GPU rows give probabilities in their library.
        """
        if self._link == "softmax":
            return self.predict(X, "value", iteration_range, n_jobs, device)
        if self._link != "logistic" or self._n_outputs != 1:
            raise ValueError(
                "predict_proba needs a classifier forest (link 'logistic' with one output, "
                f"or 'softmax'); this one has link {self._link!r} and {self._n_outputs} outputs"
            )
        raw = self.predict(X, "raw", iteration_range, n_jobs, device)
        if is_gpu_array(raw):
            library = "torch" if type(raw).__module__.startswith("torch") else "cupy"
            return two_columns(inverse_link("logistic", library)(raw), library)
        p = sigmoid(raw)
        return np.column_stack([1.0 - p, p])

    def _predict_device(self, X, begin: int, end: int, device) -> str:
        def work() -> float:
            shape = getattr(X, "shape", None)
            rows = shape[0] if shape is not None and len(shape) == 2 else 0
            return float(rows) * (end - begin)

        return resolve_device(
            device,
            on_gpu=is_gpu_array(X),
            work=work,
            threshold=gpu_forest.WORK_THRESHOLD,
            unsupported=gpu_forest.forest_unsupported(self._n_features),
        )

    def _predict_gpu(self, X, output: str, begin: int, end: int):
        if not is_gpu_array(X):
            X = self._check_X(X)
        result, placement = gpu_forest.predict(self, X, output, begin, end, self._float32_inputs)
        if output == "leaf":
            return result
        if output == "value":
            result = inverse_link(self._link, placement.library)(result)
        return result.reshape(result.shape[0]) if self._n_outputs == 1 else result

    def _check_X(self, X) -> np.ndarray:
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in FLOAT_DTYPES
            and X.flags.aligned
            and X.shape[1] == self._n_features
            and not (self._float32_inputs and X.dtype == np.float64)
        ):
            # A float matrix of the right width: nothing to convert or check
            # (NaN and ±inf are valid inputs), so a single row costs
            # microseconds, not the tens a full conversion takes.
            return X
        names = feature_names_of(X)
        known = self._feature_names
        if names is not None and known is not None and tuple(names) != known:
            raise ValueError(
                f"X's columns {list(names)} do not match the forest's feature_names {list(known)}"
            )
        X = check_array(
            X,
            dtype=(np.float64, np.float32),
            allow_nan=True,
            allow_inf=True,
            ensure_min_samples=0,
        )
        if X.shape[1] != self._n_features:
            raise ValueError(
                f"X has {X.shape[1]} features, but this forest expects {self._n_features}"
            )
        if self._float32_inputs and X.dtype == np.float64:
            # The source library (scikit-learn's trees) compares float32(x).
            X = X.astype(np.float32)
        elif not X.flags.aligned:
            X = X.copy()
        return X

    def _tree_range(self, iteration_range) -> tuple[int, int]:
        n = self.n_iterations
        if iteration_range is None:
            return 0, self.n_trees
        valid = (
            isinstance(iteration_range, Sequence)
            and len(iteration_range) == 2
            and all(
                isinstance(i, numbers.Integral) and not isinstance(i, bool) for i in iteration_range
            )
        )
        if not valid or not 0 <= iteration_range[0] <= iteration_range[1] <= n:
            raise ValueError(
                f"iteration_range must be (start, end) with 0 <= start <= end <= {n} "
                f"(the forest's iterations), got {iteration_range!r}"
            )
        tpi = self._trees_per_iteration
        return int(iteration_range[0]) * tpi, int(iteration_range[1]) * tpi


def _from_file_parts(meta: dict, arrays: dict) -> Forest:
    """from_parts for freshly loaded arrays (kept without a copy); errors as ModelFormatError."""
    try:
        return Forest.from_parts(meta, arrays, copy=False)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, ModelFormatError):
            raise
        raise ModelFormatError(f"invalid {KIND!r} model: {exc}") from exc
