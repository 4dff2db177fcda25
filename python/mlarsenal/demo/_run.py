"""The demo's steps in order: compare, register, serve, ask, stop."""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlarsenal.demo._compare import (
    DEFAULT_N_JOBS,
    REPEAT_FITS_BELOW_SECONDS,
    SHARED_PARAMS,
    TIMED_REPEATS,
    Result,
    bundled_data_sets,
    compare,
    comparison_table,
)

MODEL_NAME = "breast_cancer"
ALIAS = "champion"
# Test rows sent to the server: the first two of each class.
ROWS_PER_CLASS = 2


@dataclass
class DemoSummary:
    """What the demo did: both libraries' results, the registered version, the server's reply."""

    results: list[Result]
    model_uri: str
    reply: dict | None
    seconds: float


def run_demo(
    *,
    store=None,
    serve: bool = True,
    repeats: int = TIMED_REPEATS,
    n_jobs: int | None = DEFAULT_N_JOBS,
    echo: Callable[[str], None] = print,
) -> DemoSummary:
    """Run the demo, printing through `echo`; registry in `store` (default: a temporary folder).

    Times are medians of `repeats` calls, with `n_jobs` threads per library
    (None: all cores); `serve=False` skips the server step.
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1
    ):
        raise ValueError(f"n_jobs must be None or an integer >= 1, got {n_jobs!r}")
    started = time.perf_counter()
    echo(
        "mlarsenal demo: histogram gradient boosting, mlarsenal vs scikit-learn "
        "(HistGradientBoosting), on data sets bundled with scikit-learn"
    )
    settings = ", ".join(f"{k}={v}" for k, v in SHARED_PARAMS.items() if k != "random_state")
    echo(f"same settings: {settings}")
    echo(
        f"threads per library: {'all cores' if n_jobs is None else n_jobs}; times: median of "
        f"{repeats} call(s) (one for a fit over {REPEAT_FITS_BELOW_SECONDS:g} s)\n"
    )
    data_sets = bundled_data_sets()
    results = [result for data_set in data_sets for result in compare(data_set, repeats, n_jobs)]
    echo(comparison_table(results, data_sets))
    echo("")

    chosen = next(r for r in results if r.data_set == MODEL_NAME and r.library == "mlarsenal")
    data = next(d for d in data_sets if d.name == MODEL_NAME)
    scratch = tempfile.TemporaryDirectory(prefix="mlarsenal-demo-") if store is None else None
    with scratch or contextlib.nullcontext():
        from mlarsenal.registry import Registry

        registry = Registry(scratch.name if scratch else store)
        version = registry.register(
            MODEL_NAME,
            chosen.model,
            description="mlarsenal demo: breast cancer (malignant 0 / benign 1)",
            metrics={k: v for k, v in chosen.scores.items() if v is not None},
            aliases=(ALIAS,),
            X=data.X_train,
            y=data.y_train,
        )
        where = "a temporary store" if scratch else registry.root
        echo(f"registered {version.uri} as models:/{MODEL_NAME}@{ALIAS} in {where}")
        reply = None
        if serve:
            reply = _serve_and_ask(registry, data, echo)
    seconds = time.perf_counter() - started
    echo(f"\ndone in {seconds:.1f} s")
    return DemoSummary(results, version.uri, reply, seconds)


def _serve_and_ask(registry, data, echo: Callable[[str], None]) -> dict:
    from mlarsenal.demo._serve_once import infer, running_server
    from mlarsenal.serving import create_app

    app = create_app({MODEL_NAME: f"models:/{MODEL_NAME}@{ALIAS}"}, registry=registry)
    chosen = np.concatenate(
        [np.flatnonzero(data.y_test == label)[:ROWS_PER_CLASS] for label in np.unique(data.y_test)]
    )
    rows = data.X_test[chosen]
    with running_server(app) as url:
        echo(f"serving on {url}")
        echo(
            f"POST {url}/v2/models/{MODEL_NAME}/infer  ({len(rows)} test rows, "
            f"{rows.shape[1]} FP64 features each; true labels {data.y_test[chosen].tolist()})"
        )
        reply = infer(url, MODEL_NAME, rows)
        for output in reply.get("outputs", []):
            echo(
                f"  -> {output.get('name')} {output.get('datatype')} {output.get('shape')}: "
                f"{_rounded(output.get('data'))}"
            )
    echo("server stopped")
    return reply


def _rounded(values) -> str:
    """Reply data for the eye: floats to 4 significant digits."""
    if not isinstance(values, list):
        return repr(values)
    return "[" + ", ".join(f"{v:.4g}" if isinstance(v, float) else repr(v) for v in values) + "]"
