"""``mlarsenal serve``: the click command (also ``python -m mlarsenal.serving``).

Option defaults come from AppSettings/RunSettings, their one home; the
command only parses, and reports bad values as usage errors naming the option.
"""

from __future__ import annotations

import os
import re

import click

from mlarsenal.serving._settings import (
    LOG_FORMATS,
    LOG_LEVELS,
    TOKEN_ENV_VARIABLE,
    AppSettings,
    RunSettings,
)

_SIZE = re.compile(r"(\d+)\s*(?:([KMG])(?:i?B)?|B)?", re.IGNORECASE)
_NAMED = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*)=(.+)")


def parse_size(text: str) -> int:
    """Bytes in ``8388608``, ``8MiB``, ``8MB`` or ``8M`` (units are powers of 1024).

    >>> parse_size("8MiB"), parse_size("1k"), parse_size("100")
    (8388608, 1024, 100)
    """
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a size such as 8388608, 8MiB or 512K, got {text!r}")
    unit = (match.group(2) or "").upper()
    return int(match.group(1)) * (1024 ** ("KMG".index(unit) + 1) if unit else 1)


class _Size(click.ParamType):
    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def split_models(arguments: tuple[str, ...], name: str | None):
    """The MODEL arguments as create_app's `models`: a list, or {name: source}."""
    if name is not None:
        if len(arguments) != 1:
            raise click.UsageError("--name names one model; for several, write NAME=SOURCE")
        return {name: arguments[0]}
    named = {}
    for argument in arguments:
        match = _NAMED.fullmatch(argument)
        if match and not argument.startswith("models:/") and not os.path.exists(argument):
            named[match.group(1)] = match.group(2)
    if not named:
        return list(arguments)
    if len(named) != len(arguments):
        raise click.UsageError("give every model as NAME=SOURCE, or none of them")
    return named


_app_defaults = AppSettings()
_run_defaults = RunSettings()


@click.command(
    "serve",
    context_settings={"show_default": True, "max_content_width": 100},
    help="Serve models over the Open Inference Protocol v2 (REST).\n\n"
    "MODEL is a model file in mlarsenal's format (served under its file name without "
    "extension) or a registry reference such as models:/churn@champion (served under the "
    "registry name). Several models may be given, as NAME=SOURCE to choose their names.",
)
@click.argument("models", nargs=-1, required=True, metavar="MODEL...")
@click.option("--name", help="Served name of the (single) model.")
@click.option(
    "--registry",
    type=click.Path(file_okay=False),
    help="Registry directory for models:/ references [default: $MLARSENAL_HOME or ./mlarsenal-store].",
    show_default=False,
)
@click.option(
    "--host", default=_run_defaults.host, help="Address to listen on (0.0.0.0: all interfaces)."
)
@click.option("--port", type=int, default=_run_defaults.port, help="Port (0: any free port).")
@click.option("--workers", type=int, default=_run_defaults.workers, help="Server processes.")
@click.option(
    "--max-body-size",
    "max_body_bytes",
    type=_Size(),
    default=f"{_app_defaults.max_body_bytes // 1024**2}MiB",
    help="Largest request body (413 beyond).",
)
@click.option(
    "--max-batch-size",
    type=int,
    default=_app_defaults.max_batch_size,
    help="Most rows merged into one native call when requests arrive together (1: no merging).",
)
@click.option(
    "--max-latency-ms",
    type=float,
    default=_app_defaults.max_latency_ms,
    help="Most a request waits for others to merge with.",
)
@click.option(
    "--inline-limit-ms",
    type=float,
    default=_app_defaults.inline_limit_ms,
    help="Predictions estimated shorter run on the event loop (0: all on worker threads).",
)
@click.option(
    "--predict-threads",
    type=int,
    default=None,
    help="Worker threads for native predictions [default: one per usable core].",
    show_default=False,
)
@click.option(
    "--n-jobs",
    type=int,
    default=_app_defaults.n_jobs,
    help="Native threads inside one prediction (-1: all cores).",
)
@click.option(
    "--max-queue",
    type=int,
    default=_app_defaults.max_queue,
    help="Requests held at once; beyond, 503.",
)
@click.option(
    "--request-timeout",
    "request_timeout_s",
    type=float,
    default=_app_defaults.request_timeout_s,
    help="Seconds before an unanswered request gets 504.",
)
@click.option(
    "--allow-missing/--reject-missing",
    default=_app_defaults.allow_missing,
    help="Accept null/NaN as missing values, or answer 422.",
)
@click.option(
    "--poll-interval",
    "poll_interval_s",
    type=float,
    default=_app_defaults.poll_interval_s,
    help="Seconds between checks of moving registry references (0: never).",
)
@click.option(
    "--access-log/--no-access-log",
    default=_app_defaults.access_log,
    help="One JSON log line per request.",
)
@click.option(
    "--enable-management",
    is_flag=True,
    default=False,
    help=f"Serve the load/unload endpoints (bearer token from ${TOKEN_ENV_VARIABLE}).",
)
@click.option(
    "--model-dir",
    type=click.Path(exists=True, file_okay=False),
    help="Directory the management load endpoint may read model files from.",
)
@click.option(
    "--drain-seconds",
    "drain_s",
    type=float,
    default=_run_defaults.drain_s,
    help="After SIGTERM: seconds of serving with readiness 503 before closing.",
)
@click.option(
    "--graceful-timeout",
    "graceful_timeout_s",
    type=float,
    default=_run_defaults.graceful_timeout_s,
    help="Most seconds spent finishing held requests at shutdown.",
)
@click.option("--log-level", type=click.Choice(LOG_LEVELS), default=_run_defaults.log_level)
@click.option("--log-format", type=click.Choice(LOG_FORMATS), default=_run_defaults.log_format)
@click.pass_context
def serve_command(ctx, models, name, registry, host, port, workers, drain_s, graceful_timeout_s,
                  log_level, log_format, **app_options):  # fmt: skip
    from mlarsenal.serving._runner import serve
    from mlarsenal.serving._sources import SourceError

    try:
        run = RunSettings(
            host=host,
            port=port,
            workers=workers,
            drain_s=drain_s,
            graceful_timeout_s=graceful_timeout_s,
            log_level=log_level,
            log_format=log_format,
        )
        app = AppSettings(**app_options)
    except (TypeError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    try:
        code = serve(split_models(models, name), registry=registry, run=run, app=app)
    except (SourceError, ValueError, TypeError, LookupError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    ctx.exit(code)
