// Full distance matrices. Dot-product metrics use the GEMM form and re-score
// exactly the pairs where that form is not accurate (near neighbours, where
// ||x||^2 + ||y||^2 - 2 x.y cancels).
#include <algorithm>
#include <cmath>
#include <string>

#include "exact_distance.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/neighbors/distances.hpp"
#include "operand_checks.hpp"
#include "scan.hpp"

namespace mlarsenal::neighbors {

template <class T>
void pairwise_distances(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric,
                        int n_threads, T* out) {
  detail::check_operands(x, y, metric, "Y", /*allow_no_features=*/true);
  const std::int64_t n_x = x.rows, n_y = y.rows, d = x.cols;
  if (n_x == 0 || n_y == 0) return;
  if (d == 0) {
    std::fill(out, out + n_x * n_y, T(metric.metric == Metric::cosine ? 1 : 0));
    return;
  }
  auto write = [&](std::int64_t i, std::int64_t j0, std::int64_t count, auto&& value) {
    T* row = out + i * n_y + j0;
    for (std::int64_t j = 0; j < count; ++j) row[j] = static_cast<T>(value(j));
  };
  if (detail::uses_dot_products(metric.metric)) {
    const detail::DotScanner<T> scanner(x, y, metric, n_threads);
    parallel_for_blocks(
        n_x, detail::DotScanner<T>::range_per_thread(n_x, resolve_threads(n_threads)), n_threads,
        [&](std::int64_t, std::int64_t q0, std::int64_t q1) {
          scanner.scan(q0, q1, 0, n_y,
                       [&](std::int64_t i, std::int64_t j0, const T* s, std::int64_t count) {
                         // Below this the rounding error may dominate the value: recompute.
                         const double suspicious = 16.0 * scanner.error_bound(i);
                         write(i, j0, count, [&](std::int64_t j) {
                           double v = static_cast<double>(s[j]);
                           if (metric.metric == Metric::inner_product) return v;
                           if (v <= suspicious)
                             v = detail::ranking_distance(&x(i, 0), &y(j0 + j, 0), d, metric);
                           v = std::max(v, 0.0);
                           if (metric.metric == Metric::cosine) v = std::min(v, 2.0);
                           return detail::finish_distance(v, metric);
                         });
                       });
        });
    return;
  }
  const detail::DirectScanner<T> scanner(x, y, metric);
  parallel_for_blocks(
      n_x, detail::DirectScanner<T>::range_per_thread(n_x, resolve_threads(n_threads)), n_threads,
      [&](std::int64_t, std::int64_t q0, std::int64_t q1) {
        scanner.scan(q0, q1, 0, n_y,
                     [&](std::int64_t i, std::int64_t j0, const double* s, std::int64_t count) {
                       write(i, j0, count,
                             [&](std::int64_t j) { return detail::finish_distance(s[j], metric); });
                     });
      });
}

template void pairwise_distances<float>(MatrixView<const float>, MatrixView<const float>,
                                        MetricSpec, int, float*);
template void pairwise_distances<double>(MatrixView<const double>, MatrixView<const double>,
                                         MetricSpec, int, double*);

}  // namespace mlarsenal::neighbors
