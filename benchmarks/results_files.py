"""Write a run to disk: a timestamped JSON + Markdown pair, and latest.json / latest.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

DEFAULT_RESULTS_DIR = Path(__file__).resolve().parent / "results"


def write_results(run: dict, markdown: str, out_dir: Path, stem: str) -> list[Path]:
    """Write ``<stem>.json`` and ``<stem>.md``, then copy them to ``latest.*``.

    ``stem`` carries the UTC timestamp and suite names, so runs never overwrite each
    other; ``latest.*`` always points at the newest for scripts and quick looks.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{stem}.json"
    md_path = out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(run, indent=2, default=_json_fallback) + "\n")
    md_path.write_text(markdown)
    latest = [out_dir / "latest.json", out_dir / "latest.md"]
    shutil.copyfile(json_path, latest[0])
    shutil.copyfile(md_path, latest[1])
    return [json_path, md_path, *latest]


def _json_fallback(value):
    # Quality figures and build_info() are meant to be plain Python already; this only
    # keeps a stray NumPy scalar or array (or anything else) from losing a whole run.
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
