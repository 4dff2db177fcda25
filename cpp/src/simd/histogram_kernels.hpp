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
  // A constant hessian: hist[2 * bin + {0, 1}] += {grad[r], 1} (16-byte
  // bins of gradient sum and row count). hist is 16-byte aligned.
  void (*accumulate_gradient_count)(const std::uint8_t* binned, std::int64_t n_features,
                                    const std::int32_t* offsets, const std::int32_t* rows,
                                    std::int64_t begin, std::int64_t end, const float* grad,
                                    double* hist);
  // The same with quantized (g, h) pairs (int8, interleaved) into int32 bins
  // of four lanes: hist[4 * bin + {0,1,2}] += {gh[2r], gh[2r+1], 1}.
  // hist is 16-byte aligned.
  void (*accumulate_quantized)(const std::uint8_t* binned, std::int64_t n_features,
                               const std::int32_t* offsets, const std::int32_t* rows,
                               std::int64_t begin, std::int64_t end, const std::int8_t* gh,
                               std::int32_t* hist);
  // Constant hessian: hist[bin] += gh[2r] * 2**32 + 1 (gradient sum in the
  // high half, row count in the low half; gh[2r + 1] is not read).
  void (*accumulate_quantized_packed)(const std::uint8_t* binned, std::int64_t n_features,
                                      const std::int32_t* offsets, const std::int32_t* rows,
                                      std::int64_t begin, std::int64_t end, const std::int8_t* gh,
                                      std::int64_t* hist);
  // Over rows [begin, end): out[0] = the bits of max |grad|, out[1] = the
  // bits of max |hess| (integer order = numeric order for these), out[2] = 1
  // when every |hess| has the bits of |hess[begin]|, else 0.
  void (*gradient_extent)(const float* grad, const float* hess, std::int64_t begin,
                          std::int64_t end, std::uint32_t* out);
  // gh[2i] = clamp(floor(grad[i] * g_inverse + u), -levels, levels) and
  // gh[2i + 1] = clamp(floor(hess[i] * h_inverse + u'), 0, levels) (1 with a
  // constant hessian), u and u' uniform in [0, 1) from a hash of (seed, i):
  // stochastic rounding, the same on every instruction set.
  void (*quantize)(const float* grad, const float* hess, std::int64_t begin, std::int64_t end,
                   float g_inverse, float h_inverse, float levels, bool constant_hessian,
                   std::uint32_t seed, std::int8_t* gh);
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
