"""The serving load test as a Markdown table: both servers, their ratio, the issue's goals."""

from __future__ import annotations

RATIO_MEANING = (
    "ratio: how many times better mlarsenal is than the baseline measured in the same run "
    "(baseline latency / ours, or our throughput / baseline's); >1 means mlarsenal is better."
)


def _fmt(value, unit=""):
    if value is None:
        return "n/a"
    if isinstance(value, float) and value < 100:
        return f"{value:.2f}{unit}"
    return f"{value:,.0f}{unit}"


def _ratio(ours, base, lower_is_better):
    if ours in (None, 0) or base in (None, 0):
        return "n/a"
    return f"{(base / ours if lower_is_better else ours / base):.2f}x"


def _errors(result) -> int:
    bad = sum(v for k, v in result["statuses"].items() if k != "200")
    return bad + sum(result.get("errors", {}).values())


def _overload(result) -> str:
    statuses = ", ".join(f"{v:,} x {k}" for k, v in result["statuses"].items())
    errors = ", ".join(f"{v:,} {k}" for k, v in result.get("errors", {}).items())
    text = f"{statuses or 'none'}; client errors: {errors or 'none'}"
    recovery = result.get("recovery_s")
    return text + (f"; recovered in {recovery:.2f} s" if recovery is not None else "; no recovery")


def _overload_ok(result) -> bool:
    others = [k for k in result["statuses"] if k not in ("200", "503")]
    return not others and result.get("recovery_s") is not None and result["recovery_s"] < 10


def rows(run: dict) -> list[list[str]]:
    ours, base = run["servers"]["mlarsenal"], run["servers"]["baseline"]
    w_ours, w_base = run["workers_2"]["mlarsenal"], run["workers_2"]["baseline"]
    table = []

    def add(case, measure, a, b, lower, goal, met, unit=""):
        table.append([case, measure, _fmt(a, unit), _fmt(b, unit), _ratio(a, b, lower), goal,
                      "yes" if met else "no"])  # fmt: skip

    s, sb = ours["sequential"], base["sequential"]
    add("sequential, 1 row", "p50 latency", s["p50_ms"], sb["p50_ms"], True, "-",
        s["p50_ms"] <= sb["p50_ms"], " ms")  # fmt: skip
    add("sequential, 1 row", "p99 latency", s["p99_ms"], sb["p99_ms"], True, "<= 0.6 ms",
        s["p99_ms"] <= 0.6, " ms")  # fmt: skip
    o, ob = ours["open_500"], base["open_500"]
    add("open loop 500 req/s, 1 row", "p99 latency", o["p99_ms"], ob["p99_ms"], True,
        "<= 1.5 ms, no errors", o["p99_ms"] <= 1.5 and not _errors(o), " ms")  # fmt: skip
    table.append(["open loop 500 req/s, 1 row", "errors", str(_errors(o)), str(_errors(ob)), "-",
                  "0", "yes" if not _errors(o) else "no"])  # fmt: skip
    t, tb = ours["saturated"], base["saturated"]
    add("saturated, 1 row, 16 clients", "throughput", t["requests_per_s"], tb["requests_per_s"],
        False, ">= 2x baseline", t["requests_per_s"] >= 2 * tb["requests_per_s"], " req/s")  # fmt: skip
    add("saturated, 1 row, 16 clients", "p99 latency", t["p99_ms"], tb["p99_ms"], True, "-",
        t["p99_ms"] <= tb["p99_ms"], " ms")  # fmt: skip
    j, jb = ours["batch_json"], base["batch_json"]
    add("1,000-row JSON batches, 4 clients", "rows/s", j["rows_per_s"], jb["rows_per_s"], False,
        ">= 400,000 (floor 150,000)", j["rows_per_s"] >= 400_000)  # fmt: skip
    for key, label in (("binary_batch", "1,000-row binary batches, 4 clients"),
                       ("binary_big_batch", "10,000-row binary batches, 4 clients")):  # fmt: skip
        if key in ours:
            add(label, "rows/s", ours[key]["rows_per_s"], None, False, ">= 2,000,000",
                ours[key]["rows_per_s"] >= 2_000_000)  # fmt: skip
    table.append(["overload, 5x saturated rate", f"outcome (ours at {ours['overload']['target_rate']:,} req/s)",
                  _overload(ours["overload"]), _overload(base["overload"]), "-",
                  "only 503s, recovery in seconds", "yes" if _overload_ok(ours["overload"]) else "no"])  # fmt: skip
    add("--workers 2, sequential 1 row", "p50 latency", w_ours["p50_ms"], w_base["p50_ms"], True,
        "no added latency", w_ours["p50_ms"] <= 2 * s["p50_ms"], " ms")  # fmt: skip
    add("--workers 2, sequential 1 row", "p99 latency", w_ours["p99_ms"], w_base["p99_ms"], True,
        "-", w_ours["p99_ms"] <= w_base["p99_ms"], " ms")  # fmt: skip
    return table


def render_markdown(run: dict) -> str:
    env = run["environment"]
    build = env["build_info"]
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
    lines = [
        f"# mlarsenal serving load test, {run['started_utc']}",
        "",
        f"Command: `{run['command']}`",
        "",
        f"- CPU: {env['cpu']['model']} ({env['cpu']['usable_cpus']} usable of "
        f"{env['cpu']['logical_cpus']} logical), shared by the server and the load generator",
        f"- Model: {run['model']['kind']}, {run['model']['n_trees']} trees of "
        f"{run['model']['num_leaves']} leaves, {run['model']['n_features']} features; both "
        f"servers' probabilities agree to {run['agreement']['max_abs_diff']:.1e}",
        f"- mlarsenal {build.get('version', '')}; Python {env['python']}; {versions}",
        "- Baseline: FastAPI + pydantic-typed OIP v2 JSON + LightGBM Booster, one uvicorn "
        "worker (uvicorn's `--workers 2` for the last rows). Same request bytes for both "
        "(flat float32 JSON data); each concurrent client has its own connection.",
        "",
        RATIO_MEANING,
        "",
        "| case | measure | mlarsenal | FastAPI + LightGBM | ratio | goal (issue 8) | met |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows(run)]
    lines.append("")
    return "\n".join(lines)
