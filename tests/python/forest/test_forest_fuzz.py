"""A few thousand mutated model files per run: each is rejected cleanly or loads and predicts."""

from forest_fuzz import run


def test_mutated_model_files_never_crash():
    counts = run(iterations=3000, seed=0)
    assert counts["rejected"] > 0
    assert counts["loaded"] + counts["rejected"] == 3000
