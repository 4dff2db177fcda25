"""Exact k-NN search: mlarsenal.neighbors vs faiss IndexFlatL2 (float32, k=10)."""

from __future__ import annotations

from functools import partial

from benchmarks.case import Case
from benchmarks.quality import recall_agreement
from benchmarks.suite import Peer, Suite
from benchmarks.suites.neighbor_data import K, knn_data

# (case name, dimension, database rows as a fraction of --rows)
SHAPES = (("knn_d128", 128, 1.0), ("knn_d8", 8, 1.0), ("knn_d960", 960, 0.25))


def build_cases() -> list[Case]:
    import faiss

    from mlarsenal import effective_n_jobs
    from mlarsenal.neighbors import NearestNeighbors

    def ours(data, n_jobs):
        database, queries, _ = data
        index = NearestNeighbors(n_neighbors=K, n_jobs=n_jobs).fit(database)
        return index.kneighbors(queries, return_distance=False)

    def peer(data, n_jobs):
        database, queries, _ = data
        # faiss's thread count is process-wide: set it for the call, then restore.
        previous = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(effective_n_jobs(n_jobs))
        try:
            index = faiss.IndexFlatL2(database.shape[1])
            index.add(database)
            return index.search(queries, K)[1]
        finally:
            faiss.omp_set_num_threads(previous)

    def data_for(d, fraction, rows, seed):
        return knn_data(max(K, int(rows * fraction)), d, seed)

    return [
        Case(
            name=name,
            make_data=partial(data_for, d, fraction),
            ours=ours,
            peer=peer,
            peer_name="faiss IndexFlatL2",
            quality=lambda o, p, data: recall_agreement(o, p, data[2]),
            quality_uses_data=True,
        )
        for name, d, fraction in SHAPES
    ]


SUITE = Suite(
    name="knn",
    description="exact k-NN (k=10, 2,000 float32 queries; rows = database size) vs faiss "
    "IndexFlatL2, d = 128, 8 and 960 (d=960 on a quarter of the rows); index build + search",
    peers=(Peer(module="faiss", distribution="faiss-cpu"),),
    default_rows=200_000,
    quick_rows=4_000,
    build_cases=build_cases,
    notes="Quality columns are recall@10 against exact float64 neighbours (1 = every true "
    "neighbour found). faiss uses its bundled OpenBLAS: on AVX-512 CPUs give it its best "
    "kernel with OPENBLAS_CORETYPE=SkylakeX (recorded above). Queries/s = 2,000 / median; "
    "GFLOP/s = 2 * queries * rows * d / median.",
)
