// The histogram inner loop of gradient boosting, compiled once per
// instruction set (cpp/src/gbdt/histogram.cpp calls it).
//
// A histogram bin is four doubles (gradient sum, hessian sum, row count,
// unused); one row adds (g, h, 1, 0) to the bin of each of its features.
// Every build performs the same additions in the same order, so the scalar,
// AVX2 and AVX-512 versions give bit-identical histograms.
#pragma once

#include <cstdint>

namespace mlarsenal::simd {

struct HistogramKernels {
  const char* isa;
  // For i in [begin, end): r = rows[i]; for each feature f:
  //   hist[4 * (offsets[f] + binned[r * n_features + f]) + {0,1,2}] += {gh[2r], gh[2r+1], 1}.
  // hist is 32-byte aligned.
  void (*accumulate)(const std::uint8_t* binned, std::int64_t n_features,
                     const std::int32_t* offsets, const std::int32_t* rows, std::int64_t begin,
                     std::int64_t end, const float* gh, double* hist);
};

const HistogramKernels& histogram_kernels();

namespace scalar {
extern const HistogramKernels histogram_table;
}
namespace avx2 {
extern const HistogramKernels histogram_table;
}
namespace avx512 {
extern const HistogramKernels histogram_table;
}

}  // namespace mlarsenal::simd
