"""8 processes registering versions of one model at once, on a store none of them has created.

Version numbers come out unique, gap-free and increasing within each process;
no writer sees "database is locked" (or any error); a reader loading the latest
version throughout never fails either.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback

from registry_models import forest_file

from mlarsenal.registry import Registry

N_PROCESSES = 8
PER_PROCESS = 12


def _context():
    # fork starts the workers fast; spawn where fork does not exist.
    return multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")


def _register(root, worker, barrier, results):
    try:
        registry = Registry(root)
        payloads = [forest_file(1000 * worker + i) for i in range(PER_PROCESS)]
        barrier.wait()
        versions = [
            registry.register("shared", data, tags={"worker": worker}, git_commit=None).version
            for data in payloads
        ]
        results.put(("ok", worker, versions))
    except BaseException:
        results.put(("error", worker, traceback.format_exc()))


def _read(root, barrier, stop, results):
    try:
        registry = Registry(root)
        barrier.wait()
        loads = 0
        while not stop.is_set():
            if registry.list_models():
                registry.load("shared/latest")
                loads += 1
            time.sleep(0.001)
        results.put(("ok", "reader", loads))
    except BaseException:
        results.put(("error", "reader", traceback.format_exc()))


def test_eight_processes_register_the_same_model(tmp_path):
    root = str(tmp_path / "fresh-store")
    forest_file(0)  # fit once before forking
    context = _context()
    barrier = context.Barrier(N_PROCESSES + 1)
    stop = context.Event()
    results = context.Queue()
    writers = [
        context.Process(target=_register, args=(root, k, barrier, results))
        for k in range(N_PROCESSES)
    ]
    reader = context.Process(target=_read, args=(root, barrier, stop, results))
    for process in [*writers, reader]:
        process.start()
    outcomes = [results.get(timeout=300) for _ in writers]
    stop.set()
    outcomes.append(results.get(timeout=60))
    for process in [*writers, reader]:
        process.join(timeout=60)
        assert process.exitcode == 0

    errors = [detail for status, _, detail in outcomes if status == "error"]
    assert errors == [], "\n".join(errors)
    versions = {who: v for status, who, v in outcomes if status == "ok" and who != "reader"}
    for worker, numbers in versions.items():
        assert numbers == sorted(numbers) and len(set(numbers)) == PER_PROCESS, worker
    everything = sorted(n for numbers in versions.values() for n in numbers)
    assert everything == list(range(1, N_PROCESSES * PER_PROCESS + 1))

    registry = Registry(root)
    stored = registry.list_versions("shared")
    assert [mv.version for mv in stored] == everything
    # Each version holds what its writer registered.
    by_version = {n: worker for worker, numbers in versions.items() for n in numbers}
    for mv in stored:
        assert mv.tags == {"worker": str(by_version[mv.version])}
    assert registry.verify() == []
