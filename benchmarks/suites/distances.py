"""Distances and neighbours vs scikit-learn: pairwise matrices, brute-force k-NN, digits."""

from __future__ import annotations

from benchmarks.case import Case
from benchmarks.quality import array_agreement, recall_agreement, scalar_agreement
from benchmarks.suite import Peer, Suite
from benchmarks.suites.neighbor_data import K, gaussian_points, knn_data


def pairwise_data(rows: int, seed: int) -> tuple:
    """Two (rows/20) x 64 float32 matrices: 10,000 x 10,000 at the default size."""
    n = max(2, rows // 20)
    return gaussian_points(n, 64, seed), gaussian_points(n, 64, seed + 1)


def digits_data(rows: int, seed: int) -> tuple:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return tuple(train_test_split(X, y, random_state=seed))


def build_cases() -> list[Case]:
    from sklearn import metrics as sk_metrics
    from sklearn import neighbors as sk_neighbors

    from mlarsenal import metrics as our_metrics
    from mlarsenal import neighbors as our_neighbors

    def pairwise(module):
        return lambda data, n_jobs: module.pairwise_distances(*data, n_jobs=n_jobs)

    def knn(module, **extra):
        def call(data, n_jobs):
            database, queries, _ = data
            index = module.NearestNeighbors(n_neighbors=K, n_jobs=n_jobs, **extra)
            return index.fit(database).kneighbors(queries, return_distance=False)

        return call

    def digits(module):
        def call(data, n_jobs):
            X_train, X_test, y_train, y_test = data
            model = module.KNeighborsClassifier(n_neighbors=5, n_jobs=n_jobs)
            return model.fit(X_train, y_train).score(X_test, y_test)

        return call

    def closeness(ours, peer):
        figures = array_agreement(ours, peer)
        figures["equal"] = None  # float32 matrices: the difference columns are the answer
        return figures

    return [
        Case("pairwise_euclidean_10k_d64", pairwise_data, pairwise(our_metrics),
             pairwise(sk_metrics), "scikit-learn", closeness),
        Case("knn_brute_d128", lambda rows, seed: knn_data(rows, 128, seed), knn(our_neighbors),
             knn(sk_neighbors, algorithm="brute"), "scikit-learn",
             lambda o, p, data: recall_agreement(o, p, data[2]), quality_uses_data=True),
        Case("knn_classifier_digits", digits_data, digits(our_neighbors), digits(sk_neighbors),
             "scikit-learn", scalar_agreement),
    ]  # fmt: skip


SUITE = Suite(
    name="distances",
    description="vs scikit-learn: euclidean pairwise_distances (rows/20 x rows/20 x 64 float32), "
    "brute-force k-NN (rows x 128, 2,000 queries, k=10), KNeighborsClassifier on digits",
    peers=(Peer(module="sklearn", distribution="scikit-learn"),),
    default_rows=200_000,
    quick_rows=4_000,
    build_cases=build_cases,
    notes="knn_brute quality is recall@10 against exact float64 neighbours; the digits case "
    "compares test accuracy (times are dominated by fixed costs there).",
)
