"""Render a run (the dict the runner writes as JSON) as a Markdown table with its context."""

from __future__ import annotations

import math

from benchmarks.model_report import render_model_tables
from benchmarks.timing import format_duration

SPEEDUP_MEANING = "speed-up = peer median / mlarsenal median: >1 means mlarsenal is faster"

_COLUMNS = (
    "suite",
    "case",
    "rows",
    "mlarsenal median (min)",
    "peer",
    "peer median (min)",
    "speed-up (>1: mlarsenal faster)",
    "mlarsenal result",
    "peer result",
    "max abs diff",
    "max rel diff",
)


def render_markdown(run: dict) -> str:
    settings = run["settings"]
    lines = [
        f"# mlarsenal benchmarks, {run['started_utc']}",
        "",
        f"Command: `{run['command']}`",
        "",
        *(f"- {line}" for line in _environment_lines(run["environment"])),
    ]
    # Runs written before model cases existed have no "model_results".
    model_results = run.get("model_results", [])
    if run["results"] or not model_results:
        lines += [
            "",
            f"Times: median (min) of {settings['repeats']} calls after "
            f"{settings['warmup']} warm-up call(s), on the same seeded data for both libraries. "
            f"**{SPEEDUP_MEANING}.**",
            "",
            "| " + " | ".join(_COLUMNS) + " |",
            "|" + "|".join("---:" if _is_numeric(c) else "---" for c in _COLUMNS) + "|",
            *(_table_row(row) for row in run["results"]),
        ]
    if model_results:
        lines += ["", *render_model_tables(model_results, settings)]
    for suite, notes in run["suite_notes"].items():
        lines += ["", f"Notes on {suite}: {notes}"]
    for skipped in run["skipped"]:
        lines += ["", f"Skipped: {skipped['reason']}"]
    return "\n".join(lines) + "\n"


def _environment_lines(env: dict) -> list[str]:
    build = env["build_info"]
    simd = build.get("simd", {})
    omp = build.get("openmp", {})
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v is not None)
    blas = "; ".join(
        f"{lib['internal_api']} {lib['version']} ({lib['architecture']}, "
        f"{lib['num_threads']} threads)"
        for lib in env["blas"]
        if lib.get("user_api") == "blas"
    )
    settings = ", ".join(f"{k}={v if v is not None else 'unset'}" for k, v in env["env"].items())
    cpu = env["cpu"]
    source = env["source"]
    commit = (source["commit"] or "unknown")[:12] + (
        " with local changes" if source["dirty"] else ""
    )
    return [
        f"CPU: {cpu['model']} ({cpu['usable_cpus']} usable of {cpu['logical_cpus']} logical)",
        f"mlarsenal threads: {env['threads']} (n_jobs={env['n_jobs']})",
        f"mlarsenal {build.get('version')}: {build.get('compiler')} {build.get('build_type')}, "
        f"SIMD {simd.get('active')}, OpenMP {omp.get('version') if omp.get('enabled') else 'off'}"
        f"; commit {commit}",
        f"Python {env['python']}; {versions}",
        f"BLAS: {blas or 'not reported (threadpoolctl missing)'}",
        f"Environment: {settings}",
    ]


def _table_row(row: dict) -> str:
    if row.get("error"):
        cells = [row["suite"], row["case"], f"{row['rows']:,}", f"ERROR: {row['error']}"]
        cells += [""] * (len(_COLUMNS) - len(cells))
    else:
        quality = row["quality"]
        cells = [
            row["suite"],
            row["case"],
            f"{row['rows']:,}",
            _median_min(row["ours"]),
            row["peer"]["name"],
            _median_min(row["peer"]),
            f"{row['speedup']:.2f}x",
            _value(quality["ours_value"]),
            _value(quality["peer_value"]),
            _abs_diff(quality),
            _float(quality["max_rel_diff"]),
        ]
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _median_min(timing: dict) -> str:
    text = f"{format_duration(timing['median_s'])} ({format_duration(timing['min_s'])})"
    if "gb_per_s" in timing:  # cases that declare their memory traffic (see Case)
        text += f", {timing['gb_per_s']:.1f} GB/s"
    return text


def _value(value) -> str:
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def _abs_diff(quality: dict) -> str:
    text = _float(quality["max_abs_diff"])
    if quality["equal"] is None:
        return text
    return f"{text} ({'equal' if quality['equal'] else 'NOT equal'})"


def _float(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return "0" if value == 0 else f"{value:.2e}"


def _is_numeric(column: str) -> bool:
    return column in ("rows", "mlarsenal median (min)", "peer median (min)", _COLUMNS[6])
