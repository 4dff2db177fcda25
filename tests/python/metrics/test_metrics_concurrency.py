"""Metrics called from many Python threads: same results, GIL released."""

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mlarsenal import _core
from mlarsenal.metrics import (
    accuracy_score,
    confusion_matrix,
    log_loss,
    mean_squared_error,
    roc_auc_score,
)


def _inputs(seed, n=200_000):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    score = np.round(rng.random(n), 3)
    return labels, score, rng.integers(0, 3, n), rng.normal(size=n), rng.random(n)


def _all_metrics(data):
    labels, score, classes, values, weight = data
    return (
        roc_auc_score(labels, score, sample_weight=weight),
        log_loss(labels, score),
        mean_squared_error(values, score, sample_weight=weight),
        accuracy_score(classes, labels),
        confusion_matrix(classes, labels, sample_weight=weight).tobytes(),
    )


def test_eight_threads_give_the_serial_results():
    datasets = [_inputs(seed) for seed in range(8)]
    serial = [_all_metrics(d) for d in datasets]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(_all_metrics, datasets)) == serial


def test_native_kernel_lets_a_python_thread_run():
    rng = np.random.default_rng(0)
    n = 4_000_000
    positive = rng.integers(0, 2, n).astype(np.uint8)
    score = rng.random(n)
    started = threading.Event()

    def work():
        started.set()
        _core.metrics.binary_roc_auc(positive, score, None, 1)

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():  # could not advance while the GIL were held
        ticks += 1
    worker.join()
    assert ticks > 1000
