#include "mlarsenal/cluster/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "../neighbors/exact_distance.hpp"
#include "../neighbors/scan.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal::cluster {
namespace {

using neighbors::Metric;
using neighbors::MetricSpec;
using neighbors::detail::DotScanner;
using neighbors::detail::ranking_distance;

constexpr MetricSpec kSquared{Metric::sqeuclidean, 2.0};

// Points per chunk: fixed by n, k and d only, so sums do not depend on threads.
std::int64_t chunk_size(std::int64_t n, std::int64_t k, std::int64_t d) {
  const std::int64_t budget = (std::int64_t(64) << 20) / std::max<std::int64_t>(1, 8 * k * d);
  const std::int64_t max_chunks = std::clamp<std::int64_t>(budget, 1, 256);
  return std::max<std::int64_t>(4096, (n + max_chunks - 1) / max_chunks);
}

// Exact nearest centre of point i among all k (ties: smaller index).
template <class T>
std::pair<double, std::int32_t> exact_nearest(MatrixView<const T> x, std::int64_t i,
                                              const T* centers, std::int64_t k) {
  double best = std::numeric_limits<double>::infinity();
  std::int32_t arg = 0;
  for (std::int64_t c = 0; c < k; ++c) {
    const double dist = ranking_distance(&x(i, 0), centers + c * x.cols, x.cols, kSquared);
    if (dist < best) {
      best = dist;
      arg = static_cast<std::int32_t>(c);
    }
  }
  return {best, arg};
}

// E-step over points [begin, end): labels, and (when sums != nullptr) the
// weighted coordinate sums and weights per centre. Returns the chunk's inertia.
template <class T>
double assign_chunk(const DotScanner<T>& scanner, MatrixView<const T> x, VectorView<const T> weight,
                    const T* centers, std::int64_t k, std::int64_t begin, std::int64_t end,
                    std::int32_t* labels, double* sums, double* weights) {
  const std::int64_t d = x.cols;
  const std::int64_t n = end - begin;
  std::vector<T> best(static_cast<std::size_t>(n), std::numeric_limits<T>::infinity());
  std::vector<T> second(static_cast<std::size_t>(n), std::numeric_limits<T>::infinity());
  std::vector<std::int32_t> arg(static_cast<std::size_t>(n), 0);
  // Raw dot products: |c|^2 - 2 x.c ranks the centres (|x|^2 is common), and
  // differences of these scores are differences of squared distances.
  scanner.scan(
      begin, end, 0, k,
      [&](std::int64_t i, std::int64_t j0, const T* dots, std::int64_t count) {
        const std::int64_t r = i - begin;
        T b, sec;
        std::int64_t at;
        scanner.nearest_two(dots, j0, count, &b, &sec, &at);
        // Merge with earlier blocks of centres (only when k > one block).
        if (b < best[r]) {
          second[r] = std::min(best[r], sec);
          best[r] = b;
          arg[r] = static_cast<std::int32_t>(j0 + at);
        } else {
          second[r] = std::min(second[r], b);
        }
      },
      /*raw_dots=*/true);
  double inertia = 0.0;
  for (std::int64_t r = 0; r < n; ++r) {
    const std::int64_t i = begin + r;
    std::int32_t label = arg[r];
    double dist = 0.0;
    // Close runner-up: the approximate scores cannot decide, exact ones can.
    if (static_cast<double>(second[r]) - static_cast<double>(best[r]) <=
        2.0 * scanner.error_bound(i)) {
      const auto exact = exact_nearest(x, i, centers, k);
      dist = exact.first;
      label = exact.second;
    } else if (sums == nullptr) {  // Lloyd iterations need no inertia, only the final pass
      dist = ranking_distance(&x(i, 0), centers + label * d, d, kSquared);
    }
    labels[i] = label;
    const double w = weight.empty() ? 1.0 : static_cast<double>(weight[i]);
    inertia += w * dist;
    if (sums != nullptr) {
      double* sum = sums + label * d;
      const T* row = &x(i, 0);
      for (std::int64_t p = 0; p < d; ++p) sum[p] += w * static_cast<double>(row[p]);
      weights[label] += w;
    }
  }
  return inertia;
}

void check_inputs(std::int64_t n, std::int64_t d, std::int64_t col_stride, std::int64_t k,
                  std::int64_t weights) {
  require(col_stride == 1, "x rows must be contiguous (unit column stride)");
  require(d >= 1, "at least one feature is required");
  require(k >= 1 && k <= n, "n_clusters = " + std::to_string(k) + " must be in [1, " +
                                std::to_string(n) + "] (the number of samples)");
  require(weights == 0 || weights == n, "sample_weight has " + std::to_string(weights) +
                                            " entries for " + std::to_string(n) + " samples");
}

}  // namespace

template <class T>
double assign_labels(MatrixView<const T> x, VectorView<const T> weight, const T* centers,
                     std::int64_t k, int n_threads, std::int32_t* labels) {
  check_inputs(x.rows, x.cols, x.col_stride, k, weight.size);
  const MatrixView<const T> c(centers, k, x.cols, x.cols, 1);
  const DotScanner<T> scanner(x, c, kSquared, n_threads);
  const std::int64_t chunk = chunk_size(x.rows, k, x.cols);
  std::vector<double> partial(static_cast<std::size_t>(num_blocks(x.rows, chunk)), 0.0);
  parallel_for_blocks(
      x.rows, chunk, n_threads, [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
        partial[b] =
            assign_chunk(scanner, x, weight, centers, k, begin, end, labels, nullptr, nullptr);
      });
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

template <class T>
LloydResult lloyd(MatrixView<const T> x, VectorView<const T> weight, T* centers, std::int64_t k,
                  std::int64_t max_iter, double tol, int n_threads, std::int32_t* labels) {
  check_inputs(x.rows, x.cols, x.col_stride, k, weight.size);
  require(max_iter >= 1, "max_iter must be >= 1");
  const std::int64_t n = x.rows, d = x.cols;
  const std::int64_t chunk = chunk_size(n, k, d);
  const std::int64_t chunks = num_blocks(n, chunk);
  std::vector<double> sums(static_cast<std::size_t>(chunks * k * d));
  std::vector<double> weights(static_cast<std::size_t>(chunks * k));
  std::vector<double> total_sum(static_cast<std::size_t>(k * d)),
      total_weight(static_cast<std::size_t>(k));
  std::vector<std::int32_t> previous(static_cast<std::size_t>(n), -1);
  std::vector<double> x_norms(static_cast<std::size_t>(n));
  parallel_for(
      n, n_threads,
      [&](std::int64_t i) { x_norms[i] = neighbors::detail::squared_norm(&x(i, 0), d); }, 4096);
  LloydResult result;

  for (std::int64_t iter = 0; iter < max_iter; ++iter) {
    const MatrixView<const T> c(centers, k, d, d, 1);
    const DotScanner<T> scanner(x, c, kSquared, n_threads, &x_norms);
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(weights.begin(), weights.end(), 0.0);
    parallel_for_blocks(n, chunk, n_threads,
                        [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
                          assign_chunk(scanner, x, weight, centers, k, begin, end, labels,
                                       sums.data() + b * k * d, weights.data() + b * k);
                        });
    std::fill(total_sum.begin(), total_sum.end(), 0.0);
    std::fill(total_weight.begin(), total_weight.end(), 0.0);
    for (std::int64_t b = 0; b < chunks; ++b) {
      for (std::int64_t j = 0; j < k * d; ++j) total_sum[j] += sums[b * k * d + j];
      for (std::int64_t j = 0; j < k; ++j) total_weight[j] += weights[b * k + j];
    }
    // Empty clusters take the points farthest from their centres, farthest first.
    std::vector<std::int64_t> empty;
    for (std::int64_t j = 0; j < k; ++j)
      if (total_weight[j] == 0.0) empty.push_back(j);
    if (!empty.empty()) {
      std::vector<std::pair<double, std::int64_t>> far(static_cast<std::size_t>(n));
      parallel_for(
          n, n_threads,
          [&](std::int64_t i) {
            far[i] = {-ranking_distance(&x(i, 0), centers + labels[i] * d, d, kSquared), i};
          },
          4096);
      const std::size_t m = std::min(empty.size(), far.size());
      std::partial_sort(far.begin(), far.begin() + m, far.end());
      for (std::size_t e = 0; e < m; ++e) {
        const std::int64_t i = far[e].second, to = empty[e], from = labels[i];
        const double w = weight.empty() ? 1.0 : static_cast<double>(weight[i]);
        for (std::int64_t p = 0; p < d; ++p) {
          total_sum[from * d + p] -= w * x(i, p);
          total_sum[to * d + p] = w * x(i, p);
        }
        total_weight[to] = w;
        total_weight[from] -= w;
      }
    }
    double shift = 0.0;
    for (std::int64_t j = 0; j < k; ++j) {
      if (total_weight[j] == 0.0) continue;  // still empty (zero weights): keep the centre
      for (std::int64_t p = 0; p < d; ++p) {
        const T updated = static_cast<T>(total_sum[j * d + p] / total_weight[j]);
        const double delta = static_cast<double>(updated) - centers[j * d + p];
        shift += delta * delta;
        centers[j * d + p] = updated;
      }
    }
    result.n_iter = iter + 1;
    if (std::equal(labels, labels + n, previous.begin())) {
      result.strict_convergence = true;
      break;
    }
    if (shift <= tol) break;
    std::copy(labels, labels + n, previous.begin());
  }
  // Labels of the final centres (the loop's labels belong to the previous ones).
  result.inertia = assign_labels(x, weight, centers, k, n_threads, labels);
  return result;
}

template LloydResult lloyd<float>(MatrixView<const float>, VectorView<const float>, float*,
                                  std::int64_t, std::int64_t, double, int, std::int32_t*);
template LloydResult lloyd<double>(MatrixView<const double>, VectorView<const double>, double*,
                                   std::int64_t, std::int64_t, double, int, std::int32_t*);
template double assign_labels<float>(MatrixView<const float>, VectorView<const float>, const float*,
                                     std::int64_t, int, std::int32_t*);
template double assign_labels<double>(MatrixView<const double>, VectorView<const double>,
                                      const double*, std::int64_t, int, std::int32_t*);

}  // namespace mlarsenal::cluster
