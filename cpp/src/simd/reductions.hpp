// Contiguous-array reductions compiled once per instruction set.
//
// Every implementation accumulates into kLanes independent double lanes and
// combines them in one fixed order, with FMA contraction off; the scalar,
// AVX2 and AVX-512 builds therefore return bit-identical sums and differ only
// in speed. Inputs are contiguous, n >= 0; float inputs are widened to double
// before any arithmetic. Pure functions: safe from any thread.
#pragma once

#include <cstdint>

namespace mlarsenal::simd {

constexpr int kLanes = 8;

struct ReductionKernels {
  const char* isa;
  // sum((a - b)^2) and sum(w * (a - b)^2)
  double (*squared_error_f64)(const double* a, const double* b, std::int64_t n);
  double (*squared_error_f32)(const float* a, const float* b, std::int64_t n);
  double (*weighted_squared_error_f64)(const double* a, const double* b, const double* w,
                                       std::int64_t n);
  double (*weighted_squared_error_f32)(const float* a, const float* b, const float* w,
                                       std::int64_t n);
  // sum(a)
  double (*sum_f64)(const double* a, std::int64_t n);
  double (*sum_f32)(const float* a, std::int64_t n);
};

// The table for the active instruction set (mlarsenal::active_simd_level()).
const ReductionKernels& reductions();

namespace scalar {
extern const ReductionKernels kernels;
}
namespace avx2 {
extern const ReductionKernels kernels;
}
namespace avx512 {
extern const ReductionKernels kernels;
}

}  // namespace mlarsenal::simd
