"""k-means: mlarsenal.cluster vs sklearn.cluster (Lloyd iterations and k-means++ seeding)."""

from __future__ import annotations

from benchmarks.case import Case
from benchmarks.quality import array_agreement, scalar_agreement
from benchmarks.suite import Peer, Suite
from benchmarks.suites.neighbor_data import gaussian_points

N_CLUSTERS = 64
N_FEATURES = 32
ITERATIONS = 20


def lloyd_data(rows: int, seed: int) -> tuple:
    """Float32 points and the shared initial centroids (the first k rows)."""
    X = gaussian_points(rows, N_FEATURES, seed)
    return X, X[:N_CLUSTERS].copy()


def build_cases() -> list[Case]:
    from sklearn import cluster as sk_cluster

    from mlarsenal import cluster as our_cluster

    # scikit-learn's KMeans and kmeans_plusplus take no thread count (they use all
    # cores through OpenMP / BLAS); ours gets the runner's --n-jobs.
    def lloyd(module, takes_n_jobs):
        def call(data, n_jobs):
            X, init = data
            extra = {"n_jobs": n_jobs} if takes_n_jobs else {}
            model = module.KMeans(
                N_CLUSTERS, init=init, n_init=1, max_iter=ITERATIONS, tol=0.0, **extra
            )
            return model.fit(X).inertia_

        return call

    def seeding(module, takes_n_jobs):
        def call(data, n_jobs):
            extra = {"n_jobs": n_jobs} if takes_n_jobs else {}
            return module.kmeans_plusplus(data[0], N_CLUSTERS, random_state=0, **extra)[1]

        return call

    return [
        Case("lloyd_20_iterations_k64_d32", lloyd_data, lloyd(our_cluster, True),
             lloyd(sk_cluster, False), "scikit-learn", scalar_agreement),
        Case("kmeans_plusplus_k64_d32", lloyd_data, seeding(our_cluster, True),
             seeding(sk_cluster, False), "scikit-learn", array_agreement),
    ]  # fmt: skip


SUITE = Suite(
    name="kmeans",
    description="KMeans (Lloyd, exactly 20 iterations from the same k=64 initial centroids) and "
    "k-means++ seeding on rows x 32 float32 points, vs scikit-learn",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=200_000,
    quick_rows=4_000,
    build_cases=build_cases,
    notes="Lloyd quality columns are the inertias (equal to 1e-5 relative is the goal); "
    "k-means++ quality compares the chosen row indices (same seed, same draws). scikit-learn "
    "uses its own OpenMP threads (all cores) for Lloyd.",
)
