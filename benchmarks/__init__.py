"""Benchmarks: mlarsenal against its peers, in one process, on the same seeded data.

Run ``python -m benchmarks --list`` to see the suites and ``python -m benchmarks SUITE``
to run one; ``docs/developer/benchmarks.md`` explains the options and how to read the
results. Each suite lives in ``benchmarks/suites/`` and is registered there.
"""
