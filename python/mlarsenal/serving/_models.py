"""A loaded model as the server sees it: its tensors, one call for every output, a cost estimate.

Every model ``mlarsenal.load`` returns is served through its own public API:
``predict`` and, for classifiers, ``predict_proba``, which is what a user
calls in-process, so served and in-process predictions are the same numbers.
Two shortcuts save a second native pass without changing a value: a
gradient-boosting classifier's ``predict`` is the class of the largest
probability, and a classifier Forest's probabilities are its ``predict``
values (softmax) or ``1 - p, p`` of them (logistic).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from mlarsenal._threads import effective_n_jobs
from mlarsenal.serving._sources import ModelSource

PLATFORM = "mlarsenal"
INPUT_NAME = "input-0"
WARMUP_CALLS = 3
TIMING_ROWS = 64

# numpy dtype -> Open Inference Protocol datatype, and back.
DATATYPE_OF_DTYPE = {
    np.dtype(np.bool_): "BOOL",
    np.dtype(np.int8): "INT8",
    np.dtype(np.int16): "INT16",
    np.dtype(np.int32): "INT32",
    np.dtype(np.int64): "INT64",
    np.dtype(np.uint8): "UINT8",
    np.dtype(np.uint16): "UINT16",
    np.dtype(np.uint32): "UINT32",
    np.dtype(np.uint64): "UINT64",
    np.dtype(np.float16): "FP16",
    np.dtype(np.float32): "FP32",
    np.dtype(np.float64): "FP64",
}


def datatype_of(dtype: np.dtype) -> str:
    """The protocol datatype of a numpy dtype (BYTES for text and objects)."""
    found = DATATYPE_OF_DTYPE.get(np.dtype(dtype))
    return found if found is not None else "BYTES"


@dataclass(frozen=True)
class TensorSpec:
    name: str
    datatype: str
    shape: tuple[int, ...]  # -1 for the rows

    def as_json(self) -> dict:
        return {"name": self.name, "datatype": self.datatype, "shape": list(self.shape)}


class UnservableModelError(TypeError):
    """A loaded object the server cannot predict with (no predict, no feature count)."""


class ServedModel:
    """A loaded model under its served name and version.

    ``predict(X, wanted)`` takes a C-contiguous (rows, n_features) array of
    ``input_dtype`` and returns {output name: array with one row per input
    row} for the outputs in `wanted` (None: all).
    It is safe to call from several threads at once (the models' predict
    paths keep no shared mutable state).
    """

    def __init__(self, model, *, name: str, version: str | None, source: ModelSource, n_jobs):
        self.name = name
        self.version = version
        self.source = source
        self.kind = type(model).__name__
        self._model = model
        # Resolved once: resolving None per call reads the CPU affinity each time.
        self._n_jobs = effective_n_jobs(n_jobs)
        self.classes = None
        self._run = self._bind(model)
        names = self.feature_names or ()
        self.feature_index = {feature: j for j, feature in enumerate(names)}
        self.outputs: tuple[TensorSpec, ...] = ()
        self.output_names: frozenset[str] = frozenset()
        # Estimated seconds of predict(n rows): fixed + n * per_row; set by warm_up().
        self._fixed_s = 0.0
        self._per_row_s = 0.0

    # --------------------------------------------------------------- binding
    def _bind(self, model):
        from mlarsenal.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
        from mlarsenal.forest import Forest

        if isinstance(model, Forest):
            self.n_features = model.n_features
            self.feature_names = None if model.feature_names is None else tuple(model.feature_names)
            float32 = model.meta.get("input_dtype") == "float32"
            self.input_dtype = np.dtype(np.float32 if float32 else np.float64)
            return self._forest_runner(model)
        n_features = getattr(model, "n_features_in_", None)
        if not callable(getattr(model, "predict", None)) or n_features is None:
            raise UnservableModelError(
                f"a {self.kind} cannot be served: the server needs a fitted model with "
                "predict() and n_features_in_"
            )
        self.n_features = int(n_features)
        names = getattr(model, "feature_names_in_", None)
        self.feature_names = None if names is None else tuple(str(n) for n in names)
        self.input_dtype = np.dtype(np.float64)
        if hasattr(model, "n_jobs"):
            model.n_jobs = self._n_jobs
        if isinstance(model, (GradientBoostingClassifier, GradientBoostingRegressor)) and (
            names is not None
        ):
            # This copy was loaded for the server alone. The server orders named
            # inputs by these names itself and hands the model a plain matrix;
            # without the names on the estimator, that matrix takes the
            # estimator's fast path instead of raising a warning per request.
            del model.feature_names_in_
        classes = getattr(model, "classes_", None)
        has_proba = callable(getattr(model, "predict_proba", None)) and classes is not None
        if has_proba:
            self.classes = np.asarray(classes)
        if isinstance(model, GradientBoostingClassifier):
            classes = self.classes

            def run(X, wanted):
                proba = model.predict_proba(X)
                if wanted is not None and "predict" not in wanted:
                    return {"predict_proba": proba}
                return {"predict": classes.take(proba.argmax(axis=1)), "predict_proba": proba}

            return run
        if has_proba:

            def run(X, wanted):
                outputs = {}
                if wanted is None or "predict" in wanted:
                    outputs["predict"] = model.predict(X)
                if wanted is None or "predict_proba" in wanted:
                    outputs["predict_proba"] = model.predict_proba(X)
                return outputs

            return run
        return lambda X, wanted: {"predict": model.predict(X)}

    def _forest_runner(self, forest):
        n_jobs = self._n_jobs
        if forest.link == "logistic" and forest.n_outputs == 1:

            def run(X, wanted):
                p = forest.predict(X, n_jobs=n_jobs)
                if wanted is None or "predict_proba" in wanted:
                    return {"predict": p, "predict_proba": np.column_stack([1.0 - p, p])}
                return {"predict": p}

            return run
        if forest.link == "softmax":

            def run(X, wanted):
                p = forest.predict(X, n_jobs=n_jobs)
                return {"predict": p, "predict_proba": p}

            return run
        return lambda X, wanted: {"predict": forest.predict(X, n_jobs=n_jobs)}

    # ------------------------------------------------------------ prediction
    def predict(self, X: np.ndarray, wanted: frozenset | None = None) -> dict[str, np.ndarray]:
        return self._run(X, wanted)

    def estimated_seconds(self, n_rows: int) -> float:
        return self._fixed_s + n_rows * self._per_row_s

    def warm_up(self) -> None:
        """Run the model a few times (first-call costs), learn its outputs and its speed."""
        X = np.zeros((TIMING_ROWS, self.n_features), dtype=self.input_dtype)
        for _ in range(WARMUP_CALLS):
            outputs = self._run(X[:1], None)
            self._run(X, None)
        specs = []
        for output_name, array in outputs.items():
            array = np.asarray(array)
            if array.ndim == 0 or len(array) != 1:
                raise UnservableModelError(
                    f"{self.kind}.{output_name} returned shape {array.shape} for one row; "
                    "the server needs one result per row"
                )
            specs.append(TensorSpec(output_name, datatype_of(array.dtype), (-1, *array.shape[1:])))
        self.outputs = tuple(specs)
        self.output_names = frozenset(spec.name for spec in specs)
        one = _best_time(lambda: self._run(X[:1], None))
        many = _best_time(lambda: self._run(X, None))
        self._fixed_s = one
        self._per_row_s = max(0.0, (many - one) / (TIMING_ROWS - 1))

    # -------------------------------------------------------------- metadata
    @property
    def input_spec(self) -> TensorSpec:
        return TensorSpec(INPUT_NAME, datatype_of(self.input_dtype), (-1, self.n_features))

    def metadata(self) -> dict:
        """The OIP model metadata: name, versions, platform, input and output tensors."""
        parameters = {"kind": self.kind, "source": self.source.describe()}
        if self.feature_names is not None:
            parameters["feature_names"] = list(self.feature_names)
        if self.classes is not None:
            parameters["classes"] = self.classes.tolist()
        body = {"name": self.name}
        if self.version is not None:
            body["versions"] = [self.version]
        body.update(
            platform=PLATFORM,
            inputs=[self.input_spec.as_json()],
            outputs=[spec.as_json() for spec in self.outputs],
            parameters=parameters,
        )
        return body


def _best_time(call, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best
