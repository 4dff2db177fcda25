"""Benchmark runner: ``python -m benchmarks [SUITE ...]`` (or ``python benchmarks/run.py``).

Runs the named suites (all of them by default), prints a Markdown table and writes it,
with a JSON record of every figure and the environment, under ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import datetime, timezone
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: Python put benchmarks/ itself on sys.path; the package needs the
    # repository root there instead (and benchmarks/ must not shadow top-level names).
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.compare import compare_case
from benchmarks.compare_models import has_error, run_model_case
from benchmarks.environment import capture_environment
from benchmarks.markdown_report import SPEEDUP_MEANING, render_markdown
from benchmarks.model_case import ModelCase
from benchmarks.results_files import DEFAULT_RESULTS_DIR, write_results
from benchmarks.suites import load_suite, suite_names

QUICK_REPEATS = 3
DEFAULT_REPEATS = 5
WARMUP_CALLS = 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time mlarsenal against its peers on the same seeded data. " + SPEEDUP_MEANING,
    )
    parser.add_argument("suites", nargs="*", metavar="SUITE", help="suites to run (default: all)")
    parser.add_argument("--rows", type=int, help="problem size (default: each suite's own)")
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"timed calls per library after one warm-up "
        f"(default {DEFAULT_REPEATS}, {QUICK_REPEATS} with --quick)",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=None,
        help="threads for mlarsenal, and for peers that take a thread count (default: all cores)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the data generators")
    parser.add_argument("--out", type=Path, default=DEFAULT_RESULTS_DIR, help="results directory")
    parser.add_argument("--quick", action="store_true", help="small sizes, for smoke tests")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    args = parser.parse_args(argv)
    unknown = [name for name in args.suites if name not in suite_names()]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(suite_names())}")
    if args.repeats is None:
        args.repeats = QUICK_REPEATS if args.quick else DEFAULT_REPEATS
    if args.repeats < 1 or (args.rows is not None and args.rows < 1):
        parser.error("--rows and --repeats must be positive")
    return args


def list_suites() -> None:
    for name in suite_names():
        suite = load_suite(name)
        status = suite.skip_reason() or "ready"
        print(f"{name:12} {suite.description}")
        print(f"{'':12} {suite.default_rows:,} rows ({suite.quick_rows:,} with --quick); {status}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        list_suites()
        return 0
    started = datetime.now(timezone.utc)
    command = "python -m benchmarks " + shlex.join(sys.argv[1:] if argv is None else argv)
    results, model_results, skipped, suite_notes = [], [], [], {}
    for name in args.suites or suite_names():
        suite = load_suite(name)
        reason = suite.skip_reason()
        if reason:
            print(reason, file=sys.stderr)
            skipped.append({"suite": name, "reason": reason})
            continue
        if suite.notes:
            suite_notes[name] = suite.notes
        rows = args.rows or (suite.quick_rows if args.quick else suite.default_rows)
        for case in suite.build_cases():
            print(f"[{name}] {case.name}: {rows:,} rows ...", file=sys.stderr, flush=True)
            options = {
                "suite": name,
                "rows": rows,
                "repeats": args.repeats,
                "warmup": WARMUP_CALLS,
                "n_jobs": args.n_jobs,
                "seed": args.seed,
            }
            # Model cases (several libraries, fit and predict) have rows of their own shape.
            if isinstance(case, ModelCase):
                model_results.append(run_model_case(case, **options))
            else:
                results.append(compare_case(case, **options))
    run = {
        "schema_version": 1,
        "started_utc": started.isoformat(timespec="seconds"),
        "command": command.strip(),
        "settings": {
            "suites": args.suites or suite_names(),
            "rows": args.rows,
            "repeats": args.repeats,
            "warmup": WARMUP_CALLS,
            "n_jobs": args.n_jobs,
            "seed": args.seed,
            "quick": args.quick,
        },
        "speedup_definition": SPEEDUP_MEANING,
        # Captured after the run so the BLAS/OpenMP libraries the peers loaded are listed.
        "environment": capture_environment(args.n_jobs),
        "results": results,
        "model_results": model_results,
        "suite_notes": suite_notes,
        "skipped": skipped,
    }
    markdown = render_markdown(run)
    print(markdown)
    stem = started.strftime("%Y%m%dT%H%M%SZ") + "_" + "-".join(run["settings"]["suites"])
    for path in write_results(run, markdown, args.out, stem):
        print(f"wrote {path}", file=sys.stderr)
    failed = any(row["error"] for row in results) or any(map(has_error, model_results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
