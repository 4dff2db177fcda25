// Exact (double precision, direct-form) distance between two rows. Used to
// re-score candidates and for the metrics that have no dot-product form.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mlarsenal/neighbors/distances.hpp"

namespace mlarsenal::neighbors::detail {

inline bool uses_dot_products(Metric m) {
  return m == Metric::sqeuclidean || m == Metric::euclidean || m == Metric::cosine ||
         m == Metric::inner_product;
}

// The distance's value before its final monotone transform (squared for
// euclidean, the p-th power sum for minkowski): what the search ranks by.
template <class T>
double ranking_distance(const T* x, const T* y, std::int64_t d, MetricSpec m) {
  double acc = 0.0;
  switch (m.metric) {
    case Metric::sqeuclidean:
    case Metric::euclidean:
      for (std::int64_t p = 0; p < d; ++p) {
        const double diff = static_cast<double>(x[p]) - static_cast<double>(y[p]);
        acc += diff * diff;
      }
      return acc;
    case Metric::cosine: {
      double xx = 0.0, yy = 0.0;
      for (std::int64_t p = 0; p < d; ++p) {
        const double a = x[p], b = y[p];
        acc += a * b;
        xx += a * a;
        yy += b * b;
      }
      if (xx == 0.0 || yy == 0.0) return 1.0;
      return std::clamp(1.0 - acc / (std::sqrt(xx) * std::sqrt(yy)), 0.0, 2.0);
    }
    case Metric::inner_product:
      for (std::int64_t p = 0; p < d; ++p) acc += static_cast<double>(x[p]) * y[p];
      return -acc;
    case Metric::manhattan:
      for (std::int64_t p = 0; p < d; ++p)
        acc += std::fabs(static_cast<double>(x[p]) - static_cast<double>(y[p]));
      return acc;
    case Metric::chebyshev:
      for (std::int64_t p = 0; p < d; ++p)
        acc = std::max(acc, std::fabs(static_cast<double>(x[p]) - static_cast<double>(y[p])));
      return acc;
    case Metric::minkowski:
      for (std::int64_t p = 0; p < d; ++p)
        acc += std::pow(std::fabs(static_cast<double>(x[p]) - static_cast<double>(y[p])), m.p);
      return acc;
  }
  return acc;
}

// Ranking value -> reported distance.
inline double finish_distance(double ranking, MetricSpec m) {
  switch (m.metric) {
    case Metric::euclidean:
      return std::sqrt(ranking);
    case Metric::minkowski:
      return std::pow(ranking, 1.0 / m.p);
    default:
      return ranking;
  }
}

// Reported distance -> ranking value (for radius thresholds).
inline double ranking_threshold(double distance, MetricSpec m) {
  switch (m.metric) {
    case Metric::euclidean:
      return distance * distance;
    case Metric::minkowski:
      return std::pow(distance, m.p);
    default:
      return distance;
  }
}

}  // namespace mlarsenal::neighbors::detail
