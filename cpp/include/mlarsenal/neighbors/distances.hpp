// Pairwise distances and exact nearest-neighbour search (brute force).
//
// Contract shared by every function here:
// - x (queries) is (n_x, d) and y (database) is (n_y, d), both with unit
//   column stride (rows may be strided); T is float or double.
// - Dot-product metrics (sqeuclidean, euclidean, cosine, inner_product) run on a
//   register-blocked GEMM micro-kernel (cpp/src/simd/dot_kernels*), fused with
//   the top-k or radius selection so the n_x x n_y matrix is never stored.
//   Its ||x||^2 + ||y||^2 - 2 x.y form loses accuracy for near neighbours, so
//   the candidates are re-scored exactly (in double, as sum (x - y)^2) and a
//   rounding-error bound decides whether the candidate set provably contains
//   the answer; if not, that query is re-scanned exactly. Results are exact
//   and identical for any thread count and any SIMD level.
// - Ties are broken by the smaller database index.
// - n_threads <= 0 uses every OpenMP thread. Pure functions: safe to call
//   from many threads at once. Bad arguments throw InvalidArgument.
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::neighbors {

enum class Metric : int {
  sqeuclidean = 0,
  euclidean = 1,
  cosine = 2,     // 1 - x.y / (|x| |y|); a zero vector is at distance 1 from everything
  manhattan = 3,  // sum |x - y|
  chebyshev = 4,  // max |x - y|
  minkowski = 5,  // (sum |x - y|^p)^(1/p), p >= 1
  // -x.y: the negated inner product, so that the nearest rows are those with
  // the largest inner product (maximum inner product search).
  inner_product = 6,
};

struct MetricSpec {
  Metric metric = Metric::euclidean;
  double p = 2.0;  // minkowski only
};

// out[i * n_y + j] = distance(x_i, y_j); out holds n_x * n_y elements.
template <class T>
void pairwise_distances(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric,
                        int n_threads, T* out);

// The k nearest rows of y to each row of x, nearest first:
// indices[i * k + r] and distances[i * k + r]. Requires 1 <= k <= n_y.
template <class T>
void knn_search(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric, std::int64_t k,
                int n_threads, std::int64_t* indices, T* distances);

// Rows of y within `radius` (inclusive) of each row of x, in CSR form:
// neighbours of x_i are indices[indptr[i] .. indptr[i + 1]), sorted by
// (distance, index) when `sort_results`, else by index.
template <class T>
struct RadiusNeighbors {
  std::vector<std::int64_t> indptr;
  std::vector<std::int64_t> indices;
  std::vector<T> distances;
};

template <class T>
RadiusNeighbors<T> radius_search(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric,
                                 double radius, bool sort_results, int n_threads);

}  // namespace mlarsenal::neighbors
