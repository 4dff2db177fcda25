"""Exact k-NN search: mlarsenal.neighbors vs faiss IndexFlatL2 (float32, k=10)."""

from __future__ import annotations

from functools import partial

from benchmarks.case import Case
from benchmarks.quality import recall_agreement, scalar_agreement
from benchmarks.suite import Peer, Suite
from benchmarks.suites.kmeans import ITERATIONS, N_CLUSTERS, lloyd_data
from benchmarks.suites.neighbor_data import K, knn_data

# (case name, dimension, database rows as a fraction of --rows)
SHAPES = (("knn_d128", 128, 1.0), ("knn_d8", 8, 1.0), ("knn_d960", 960, 0.25))


def build_cases() -> list[Case]:
    import faiss

    from mlarsenal import effective_n_jobs
    from mlarsenal.cluster import KMeans
    from mlarsenal.neighbors import NearestNeighbors

    def ours(data, n_jobs):
        database, queries, _ = data
        index = NearestNeighbors(n_neighbors=K, n_jobs=n_jobs).fit(database)
        return index.kneighbors(queries, return_distance=False)

    def with_faiss_threads(n_jobs, work):
        # faiss's thread count is process-wide: set it for the call, then restore.
        previous = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(effective_n_jobs(n_jobs))
        try:
            return work()
        finally:
            faiss.omp_set_num_threads(previous)

    def peer(data, n_jobs):
        database, queries, _ = data

        def search():
            index = faiss.IndexFlatL2(database.shape[1])
            index.add(database)
            return index.search(queries, K)[1]

        return with_faiss_threads(n_jobs, search)

    def our_lloyd(data, n_jobs):
        X, init = data
        model = KMeans(N_CLUSTERS, init=init, max_iter=ITERATIONS, tol=0.0, n_jobs=n_jobs)
        return model.fit(X).inertia_

    def faiss_lloyd(data, n_jobs):
        X, init = data

        def train():
            # Every point, no subsampling (faiss samples 256 per centroid by default).
            km = faiss.Kmeans(X.shape[1], N_CLUSTERS, niter=ITERATIONS,
                              max_points_per_centroid=X.shape[0], verbose=False)  # fmt: skip
            km.train(X, init_centroids=init)
            return km.obj[-1]  # inertia of the last iteration's assignment

        return with_faiss_threads(n_jobs, train)

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
    ] + [
        Case(
            name="kmeans_lloyd_20_iterations_k64_d32",
            make_data=lloyd_data,
            ours=our_lloyd,
            peer=faiss_lloyd,
            peer_name="faiss Kmeans",
            quality=scalar_agreement,
        )
    ]


SUITE = Suite(
    name="knn",
    description="exact k-NN (k=10, 2,000 float32 queries; rows = database size) vs faiss "
    "IndexFlatL2, d = 128, 8 and 960 (d=960 on a quarter of the rows), index build + search; "
    "k-means (rows x 32, k=64, 20 Lloyd iterations from the same centroids) vs faiss Kmeans",
    peers=(Peer(module="faiss", distribution="faiss-cpu"),),
    default_rows=200_000,
    quick_rows=4_000,
    build_cases=build_cases,
    notes="Quality columns are recall@10 against exact float64 neighbours (1 = every true "
    "neighbour found); for k-means, the inertias (faiss reports the last iteration's "
    "assignment, before its final centroid update, so it reads slightly higher). faiss uses its bundled OpenBLAS: on AVX-512 CPUs give it its best "
    "kernel with OPENBLAS_CORETYPE=SkylakeX (recorded above). Queries/s = 2,000 / median; "
    "GFLOP/s = 2 * queries * rows * d / median.",
)
