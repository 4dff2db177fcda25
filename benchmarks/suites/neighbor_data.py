"""Seeded data for the neighbour suites, with exact float64 ground truth."""

from __future__ import annotations

import numpy as np

K = 10
N_QUERIES = 2_000


def gaussian_points(rows: int, d: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((rows, d), dtype=np.float32)


def knn_data(rows: int, d: int, seed: int, n_queries: int = N_QUERIES) -> tuple:
    """(database, queries, exact k-NN indices) — float32 points, float64 truth."""
    database = gaussian_points(rows, d, seed)
    queries = gaussian_points(n_queries, d, seed + 1)
    return database, queries, exact_knn(database, queries, K)


def exact_knn(database: np.ndarray, queries: np.ndarray, k: int, chunk: int = 256) -> np.ndarray:
    """k nearest rows by float64 squared distance, nearest first, in query chunks.

    numpy's BLAS runs single-threaded here: its worker threads would otherwise
    keep spinning after the product and slow whichever library is timed next
    (faiss became up to 4x slower and erratic).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _exact_knn(database, queries, k, chunk)


def _exact_knn(database: np.ndarray, queries: np.ndarray, k: int, chunk: int) -> np.ndarray:
    db = database.astype(np.float64)
    db_norms = np.einsum("ij,ij->i", db, db)
    out = np.empty((queries.shape[0], k), dtype=np.int64)
    for start in range(0, queries.shape[0], chunk):
        q = queries[start : start + chunk].astype(np.float64)
        d2 = db_norms[None, :] - 2.0 * (q @ db.T)  # + |q|^2, constant per row
        part = np.argpartition(d2, k, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(d2, part, axis=1), axis=1, kind="stable")
        out[start : start + chunk] = np.take_along_axis(part, order, axis=1)
    return out
