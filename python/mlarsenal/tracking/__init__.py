"""Experiment tracking: runs with params, metrics over steps, tags and artifacts.

Runs live in the same store as the model registry (:class:`mlarsenal.registry.Registry`,
default ``$MLARSENAL_HOME`` or ``./mlarsenal-store``). ``with start_run(...) as run:``
records one; :func:`autolog` records every mlarsenal estimator fit by itself.
A model registered while a run is active is linked to it (its lineage's ``run_id``).
"""

from mlarsenal.tracking._autolog import autolog
from mlarsenal.tracking._runs import (
    DEFAULT_EXPERIMENT,
    ActiveRun,
    Experiment,
    Metric,
    Run,
    active_run,
    download_artifact,
    end_run,
    get_metric_history,
    get_run,
    list_experiments,
    list_runs,
    load_model,
    log_artifact,
    log_dict,
    log_metric,
    log_metrics,
    log_model,
    log_param,
    log_params,
    log_text,
    read_artifact,
    set_tag,
    set_tags,
    start_run,
)

__all__ = [
    "DEFAULT_EXPERIMENT",
    "ActiveRun",
    "Experiment",
    "Metric",
    "Run",
    "active_run",
    "autolog",
    "download_artifact",
    "end_run",
    "get_metric_history",
    "get_run",
    "list_experiments",
    "list_runs",
    "load_model",
    "log_artifact",
    "log_dict",
    "log_metric",
    "log_metrics",
    "log_model",
    "log_param",
    "log_params",
    "log_text",
    "read_artifact",
    "set_tag",
    "set_tags",
    "start_run",
]
