// Block sizes shared by the metric kernels. They fix the order of every sum,
// so changing them changes results in the last bits: keep them constant.
#pragma once

#include <cstdint>
#include <vector>

namespace mlarsenal::metrics::detail {

// Rows per parallel block (one partial sum each).
constexpr std::int64_t kRowBlock = 1 << 15;
// Rows per SIMD call inside a block; strided inputs are gathered into stack
// buffers of this size, so every layout sums in the same order.
constexpr std::int64_t kChunk = 2048;

inline double sum_in_order(const std::vector<double>& partials) {
  double total = 0.0;
  for (double p : partials) total += p;
  return total;
}

}  // namespace mlarsenal::metrics::detail
