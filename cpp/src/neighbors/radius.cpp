// Radius queries: every database row within a distance of each query.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "exact_distance.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/neighbors/distances.hpp"
#include "operand_checks.hpp"
#include "scan.hpp"

namespace mlarsenal::neighbors {
namespace {

template <class T, class Scanner>
RadiusNeighbors<T> collect(const Scanner& scanner, MatrixView<const T> x, MatrixView<const T> y,
                           MetricSpec metric, double radius, bool sort_results, bool approximate,
                           int n_threads) {
  using V = typename Scanner::Value;
  const std::int64_t n_x = x.rows, d = x.cols;
  const double threshold = detail::ranking_threshold(radius, metric);
  std::vector<std::vector<std::pair<double, std::int64_t>>> found(static_cast<std::size_t>(n_x));
  // Several ranges per thread: hit counts vary a lot between queries.
  const std::int64_t range = Scanner::range_per_thread(n_x, 4 * resolve_threads(n_threads));
  parallel_for_blocks(n_x, range, n_threads, [&](std::int64_t, std::int64_t q0, std::int64_t q1) {
    scanner.scan(
        q0, q1, 0, y.rows, [&](std::int64_t i, std::int64_t j0, const V* s, std::int64_t count) {
          // Approximate scores admit anything that could be inside; the exact
          // score decides.
          const V bar = static_cast<V>(threshold + (approximate ? scanner.error_bound(i) : 0.0));
          auto& hits = found[i];
          for (std::int64_t j = 0; j < count; ++j) {
            if (!(s[j] <= bar)) continue;
            const double exact = approximate
                                     ? detail::ranking_distance(&x(i, 0), &y(j0 + j, 0), d, metric)
                                     : static_cast<double>(s[j]);
            if (exact <= threshold) hits.emplace_back(exact, j0 + j);
          }
        });
    for (std::int64_t i = q0; i < q1; ++i) {
      auto& hits = found[i];
      if (sort_results)
        std::sort(hits.begin(), hits.end());
      else
        std::sort(hits.begin(), hits.end(),
                  [](const auto& a, const auto& b) { return a.second < b.second; });
    }
  });
  RadiusNeighbors<T> out;
  out.indptr.assign(static_cast<std::size_t>(n_x + 1), 0);
  for (std::int64_t i = 0; i < n_x; ++i)
    out.indptr[i + 1] = out.indptr[i] + static_cast<std::int64_t>(found[i].size());
  out.indices.resize(static_cast<std::size_t>(out.indptr.back()));
  out.distances.resize(out.indices.size());
  parallel_for(
      n_x, n_threads,
      [&](std::int64_t i) {
        std::int64_t at = out.indptr[i];
        for (const auto& hit : found[i]) {
          out.indices[at] = hit.second;
          out.distances[at] = static_cast<T>(detail::finish_distance(hit.first, metric));
          ++at;
        }
      },
      256);
  return out;
}

}  // namespace

template <class T>
RadiusNeighbors<T> radius_search(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric,
                                 double radius, bool sort_results, int n_threads) {
  detail::check_operands(x, y, metric, "the data");
  require(radius >= 0, "radius must be non-negative");
  if (detail::uses_dot_products(metric.metric)) {
    const detail::DotScanner<T> scanner(x, y, metric, n_threads);
    return collect<T>(scanner, x, y, metric, radius, sort_results, true, n_threads);
  }
  const detail::DirectScanner<T> scanner(x, y, metric);
  return collect<T>(scanner, x, y, metric, radius, sort_results, false, n_threads);
}

template RadiusNeighbors<float> radius_search<float>(MatrixView<const float>,
                                                     MatrixView<const float>, MetricSpec, double,
                                                     bool, int);
template RadiusNeighbors<double> radius_search<double>(MatrixView<const double>,
                                                       MatrixView<const double>, MetricSpec, double,
                                                       bool, int);

}  // namespace mlarsenal::neighbors
