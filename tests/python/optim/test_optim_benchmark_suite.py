"""Smoke test of the `optim` benchmark suite: a --quick run completes and agrees with torch."""

import importlib
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_quick_optim_run(monkeypatch, tmp_path, capsys):
    monkeypatch.syspath_prepend(str(REPO_ROOT))
    main = importlib.import_module("benchmarks.run").main
    assert (
        main(["optim", "--quick", "--repeats", "1", "--n-jobs", "1", "--out", str(tmp_path)]) == 0
    )

    run = json.loads((tmp_path / "latest.json").read_text())
    cases = {row["case"]: row for row in run["results"]}
    assert {"AdamW (fused peer)", "AdamW (foreach peer)", "Lion (foreach peer)"} <= set(cases)
    assert len(cases) == 10
    for row in cases.values():
        assert row["error"] is None
        assert row["traffic_bytes"] > 0
        assert row["ours"]["gb_per_s"] > 0 and row["peer"]["gb_per_s"] > 0
        assert row["quality"]["max_abs_diff"] < 1e-5, row["case"]
    assert cases["Lion (foreach peer)"]["quality"]["equal"] is True
    assert run["environment"]["versions"]["torch"]
    assert "GB/s" in (tmp_path / "latest.md").read_text()
    capsys.readouterr()
