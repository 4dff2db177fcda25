"""Render model-case rows (benchmarks/compare_models.py) as one Markdown table per workload.

Workloads score different things (AUC, RMSE, accuracy, ...), so each gets its own table
with its own score columns, one line per library.
"""

from __future__ import annotations

from benchmarks.timing import format_duration

FIT_RATIO_MEANING = (
    "fit time ours/peer = mlarsenal median fit time / the peer's: <1 means mlarsenal fits faster"
)


def render_model_tables(rows: list[dict], settings: dict) -> list[str]:
    lines = [
        f"Model benchmarks: median (min) of {settings['repeats']} fits and as many predictions "
        f"per library, each after {settings['warmup']} warm-up call(s), on the same seeded data "
        f"for every library. **{FIT_RATIO_MEANING}.** Scores are on the held-out test rows.",
    ]
    for row in rows:
        lines += ["", _heading(row)]
        if row["error"]:
            lines += ["", f"ERROR: {row['error']}"]
        if row["libraries"]:
            lines += ["", *_table(row)]
    return lines


def _heading(row: dict) -> str:
    title = f"**{row['suite']} / {row['case']}**"
    if "train_rows" not in row:  # the data could not be built
        return f"{title}: {row['description']}"
    return (
        f"{title}: {row['train_rows']:,} train + {row['test_rows']:,} test rows x "
        f"{row['features']} features; {row['description']}"
    )


def _table(row: dict) -> list[str]:
    # Score names in the order the case reports them, from whichever library scored.
    scores = next((lib["scores"] for lib in row["libraries"] if lib.get("scores")), {})
    columns = [
        "library",
        "fit median (min)",
        "predict median (min)",
        "fit time ours/peer (<1: mlarsenal faster)",
        *scores,
        "peak memory in fit (MiB)",
    ]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|---|" + "---:|" * (len(columns) - 1),
    ]
    for lib in row["libraries"]:
        if lib["skipped"] or lib["error"]:
            cells = [f"skipped: {lib['skipped']}" if lib["skipped"] else f"ERROR: {lib['error']}"]
            cells += [""] * (len(columns) - 2)
        else:
            cells = [
                _median_min(lib["fit"]),
                _median_min(lib["predict"]),
                _ratio(lib),
                *(_score(lib["scores"].get(name)) for name in scores),
                _mib(lib["peak_rss_growth_mib"]),
            ]
        lines.append(_line([lib["library"], *cells]))
    return lines


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def _median_min(timing: dict) -> str:
    return f"{format_duration(timing['median_s'])} ({format_duration(timing['min_s'])})"


def _ratio(lib: dict) -> str:
    if lib["ours"]:
        return "(ours)"
    ratio = lib["fit_time_ratio"]
    return "n/a" if ratio is None else f"{ratio:.2f}"


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.5g}"


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"
