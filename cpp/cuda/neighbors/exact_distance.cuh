// Exact distances in double, operation for operation as the CPU engine's
// ranking_distance (cpp/src/neighbors/exact_distance.hpp): products and sums
// use the _rn intrinsics, which the compiler never contracts into FMAs, and
// run in feature order, so the GPU's exact scores are bitwise the CPU's.
#pragma once

#include <cstdint>

namespace mlarsenal::cuda::detail {

// Metric codes (mlarsenal::neighbors::Metric).
constexpr int kSqeuclidean = 0;
constexpr int kEuclidean = 1;
constexpr int kCosine = 2;
constexpr int kInnerProduct = 6;

template <class T>
__device__ double ranking_distance(const T* x, const T* y, std::int64_t d, int metric) {
  double acc = 0.0;
  if (metric == kCosine) {
    double xx = 0.0, yy = 0.0;
    for (std::int64_t p = 0; p < d; ++p) {
      const double a = static_cast<double>(x[p]), b = static_cast<double>(y[p]);
      acc = __dadd_rn(acc, __dmul_rn(a, b));
      xx = __dadd_rn(xx, __dmul_rn(a, a));
      yy = __dadd_rn(yy, __dmul_rn(b, b));
    }
    if (xx == 0.0 || yy == 0.0) return 1.0;
    const double v = __dsub_rn(1.0, __ddiv_rn(acc, __dmul_rn(sqrt(xx), sqrt(yy))));
    return v < 0.0 ? 0.0 : (v > 2.0 ? 2.0 : v);
  }
  if (metric == kInnerProduct) {
    for (std::int64_t p = 0; p < d; ++p)
      acc = __dadd_rn(acc, __dmul_rn(static_cast<double>(x[p]), static_cast<double>(y[p])));
    return -acc;
  }
  for (std::int64_t p = 0; p < d; ++p) {
    const double diff = __dsub_rn(static_cast<double>(x[p]), static_cast<double>(y[p]));
    acc = __dadd_rn(acc, __dmul_rn(diff, diff));
  }
  return acc;
}

__device__ __forceinline__ double finish_distance(double ranking, int metric) {
  return metric == kEuclidean ? sqrt(ranking) : ranking;
}

// (score, index) pairs ordered as std::pair: by score, then index.
__device__ __forceinline__ bool pair_less(double a, std::int64_t ia, double b, std::int64_t ib) {
  return a < b || (a == b && ia < ib);
}

}  // namespace mlarsenal::cuda::detail
