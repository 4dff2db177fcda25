// Per-row norms for the GEMM-form scores: |row|^2 in double (for the error
// bounds) and the float32 terms the tile epilogues use.
#pragma once

#include <cstdint>

namespace mlarsenal::cuda::detail {

// One warp per row (the order of the double sum does not matter: these feed
// approximate scores and error bounds, never a reported distance).
// squared[i] = |row i|^2; add[i] = float(|row i|^2); inverse[i] = float(1/|row i|)
// (0 for a zero row); *max_bits = the bits of the largest |row|^2 (non-negative
// doubles order as their bit patterns). Any output may be null.
template <class T>
__global__ void row_norms_kernel(const T* __restrict__ data, std::int64_t rows, std::int64_t stride,
                                 std::int64_t d, double* squared, float* add, float* inverse,
                                 unsigned long long* max_bits) {
  const std::int64_t row = (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  const T* p = data + row * stride;
  double acc = 0.0;
  for (std::int64_t f = lane; f < d; f += 32) {
    const double v = static_cast<double>(p[f]);
    acc += v * v;
  }
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) acc += __shfl_xor_sync(0xffffffffu, acc, offset);
  if (lane != 0) return;
  if (squared != nullptr) squared[row] = acc;
  if (add != nullptr) add[row] = static_cast<float>(acc);
  if (inverse != nullptr) inverse[row] = acc > 0.0 ? static_cast<float>(1.0 / sqrt(acc)) : 0.f;
  if (max_bits != nullptr)
    atomicMax(max_bits, static_cast<unsigned long long>(__double_as_longlong(acc)));
}

template <class T>
void launch_row_norms(const T* data, std::int64_t rows, std::int64_t stride, std::int64_t d,
                      double* squared, float* add, float* inverse, unsigned long long* max_bits,
                      cudaStream_t stream) {
  if (rows == 0) return;
  constexpr int kThreads = 256;
  const std::int64_t blocks = (rows * 32 + kThreads - 1) / kThreads;
  row_norms_kernel<T><<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(
      data, rows, stride, d, squared, add, inverse, max_bits);
}

// Bound on |float32 GEMM-form score - exact ranking value| for a row of
// squared norm x2 against rows of largest squared norm max_y2: the CPU
// engine's DotScanner::error_bound for T = float.
__host__ __device__ inline double gemm_error_bound(int metric, std::int64_t d, double x2,
                                                   double max_y2) {
  const double u = 5.9604644775390625e-08;  // FLT_EPSILON / 2
  const double terms = static_cast<double>(d + 4);
  const double tiny = 4 * 2.2250738585072014e-308;                     // 4 * DBL_MIN
  if (metric == 2) return 8.0 * terms * u;                             // cosine
  if (metric == 6) return 4.0 * terms * u * sqrt(x2 * max_y2) + tiny;  // inner product
  return 4.0 * terms * u * (x2 + max_y2) + tiny;
}

}  // namespace mlarsenal::cuda::detail
