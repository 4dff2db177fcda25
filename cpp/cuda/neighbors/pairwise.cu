// Full distance matrices on the GPU: the float32 GEMM-form tile of
// dot_tile.cuh with an epilogue that forms each distance as the CPU engine's
// pairwise_distances does (re-scoring exactly, in double, the values small
// enough for cancellation to dominate them) and writes it out.
// float64 inputs are computed exactly in double, one thread per pair.
#include <cuda_runtime.h>

#include <string>
#include <type_traits>

#include "../common/check.cuh"
#include "dot_tile.cuh"
#include "exact_distance.cuh"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/neighbors.hpp"
#include "row_norms.cuh"

namespace mlarsenal::cuda {
namespace {

using detail::DotTileShared;
using detail::kTileCols;
using detail::kTileRows;
using detail::kTileThreads;
using detail::TileOperand;

struct PairwiseArgs {
  TileOperand x, y;
  std::int64_t d;
  int metric;
  const double* x_squared;  // |x|^2
  const float* x_inverse;   // 1/|x|
  const float* y_add;       // |y|^2
  const float* y_inverse;   // 1/|y|
  const unsigned long long* max_y_bits;
  float* out;
};

__global__ void __launch_bounds__(kTileThreads, 2) pairwise_kernel(PairwiseArgs a) {
  __shared__ DotTileShared tile;
  const std::int64_t i0 = static_cast<std::int64_t>(blockIdx.x) * kTileRows;
  const std::int64_t j0 = static_cast<std::int64_t>(blockIdx.y) * kTileCols;
  float acc[8][8];
  detail::dot_tile(a.x, i0, a.y, j0, static_cast<int>(a.d), tile, acc);
  const double max_y = __longlong_as_double(static_cast<long long>(*a.max_y_bits));
#pragma unroll
  for (int r = 0; r < 8; ++r) {
    const std::int64_t i = i0 + detail::tile_row(r);
    if (i >= a.x.rows) continue;
    const double x2 = a.x_squared[i];
    const double suspicious = 16.0 * detail::gemm_error_bound(a.metric, a.d, x2, max_y);
    const float x_add = static_cast<float>(x2), x_inv = a.x_inverse[i];
#pragma unroll
    for (int c = 0; c < 8; ++c) {
      const std::int64_t j = j0 + detail::tile_col(c);
      if (j >= a.y.rows) continue;
      const float dot = acc[r][c];
      double v;
      if (a.metric == detail::kInnerProduct) {
        v = static_cast<double>(-dot + 0.f);
      } else {
        v = a.metric == detail::kCosine
                ? static_cast<double>(1.f - __fmul_rn(__fmul_rn(dot, x_inv), a.y_inverse[j]))
                : static_cast<double>(__fmaf_rn(-2.f, dot, x_add + a.y_add[j]));
        if (v <= suspicious)
          v = detail::ranking_distance(a.x.data + i * a.x.stride, a.y.data + j * a.y.stride, a.d,
                                       a.metric);
        v = v < 0.0 ? 0.0 : v;
        if (a.metric == detail::kCosine && v > 2.0) v = 2.0;
      }
      a.out[i * a.y.rows + j] = static_cast<float>(detail::finish_distance(v, a.metric));
    }
  }
}

template <class T>
__global__ void pairwise_exact_kernel(const T* __restrict__ x, std::int64_t n_x,
                                      std::int64_t x_stride, const T* __restrict__ y,
                                      std::int64_t n_y, std::int64_t y_stride, std::int64_t d,
                                      int metric, T* out) {
  const std::int64_t at = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (at >= n_x * n_y) return;
  const std::int64_t i = at / n_y, j = at % n_y;
  double v = detail::ranking_distance(x + i * x_stride, y + j * y_stride, d, metric);
  if (metric != detail::kInnerProduct) v = v < 0.0 ? 0.0 : v;
  out[at] = static_cast<T>(detail::finish_distance(v, metric));
}

}  // namespace

template <class T>
void pairwise_distances(const T* x, std::int64_t n_x, std::int64_t x_stride, const T* y,
                        std::int64_t n_y, std::int64_t y_stride, std::int64_t d, int metric, T* out,
                        const ExecutionContext& ctx) {
  require(gpu_supports_metric(metric),
          "the GPU kernels support the sqeuclidean, euclidean, cosine and inner_product metrics "
          "(got metric code " +
              std::to_string(metric) + ")");
  require(n_x >= 0 && n_y >= 0 && d >= 0, "sizes must be non-negative");
  require(x_stride >= d && y_stride >= d, "row strides must be at least the number of features");
  if (n_x == 0 || n_y == 0) return;
  detail::DeviceScope scope(ctx.device);
  const cudaStream_t stream = detail::stream_of(ctx);
  if constexpr (!std::is_same<T, float>::value) {
    const std::int64_t blocks = detail::ceil_div(n_x * n_y, 256);
    pairwise_exact_kernel<T><<<static_cast<unsigned>(blocks), 256, 0, stream>>>(
        x, n_x, x_stride, y, n_y, y_stride, d, metric, out);
    detail::check_launch("pairwise_exact_kernel");
  } else {
    require(detail::ceil_div(n_y, kTileCols) < 65536,
            "the GPU pairwise kernel supports fewer than 2^23 columns");
    detail::Scratch<double> x_squared(static_cast<std::size_t>(n_x), stream);
    detail::Scratch<float> x_inverse(static_cast<std::size_t>(n_x), stream);
    detail::Scratch<float> y_add(static_cast<std::size_t>(n_y), stream);
    detail::Scratch<float> y_inverse(static_cast<std::size_t>(n_y), stream);
    detail::Scratch<unsigned long long> max_y(1, stream);
    detail::check(cudaMemsetAsync(max_y.get(), 0, sizeof(unsigned long long), stream),
                  "cudaMemsetAsync");
    detail::launch_row_norms(x, n_x, x_stride, d, x_squared.get(), nullptr, x_inverse.get(),
                             nullptr, stream);
    detail::launch_row_norms(y, n_y, y_stride, d, nullptr, y_add.get(), y_inverse.get(),
                             max_y.get(), stream);
    detail::check_launch("row_norms_kernel");
    PairwiseArgs a;
    a.x = {x, n_x, x_stride, detail::aligned_for_vectors(x, x_stride, d)};
    a.y = {y, n_y, y_stride, detail::aligned_for_vectors(y, y_stride, d)};
    a.d = d;
    a.metric = metric;
    a.x_squared = x_squared.get();
    a.x_inverse = x_inverse.get();
    a.y_add = y_add.get();
    a.y_inverse = y_inverse.get();
    a.max_y_bits = max_y.get();
    a.out = out;
    const dim3 grid(static_cast<unsigned>(detail::ceil_div(n_x, kTileRows)),
                    static_cast<unsigned>(detail::ceil_div(n_y, kTileCols)));
    pairwise_kernel<<<grid, kTileThreads, 0, stream>>>(a);
    detail::check_launch("pairwise_kernel");
  }
}

template void pairwise_distances<float>(const float*, std::int64_t, std::int64_t, const float*,
                                        std::int64_t, std::int64_t, std::int64_t, int, float*,
                                        const ExecutionContext&);
template void pairwise_distances<double>(const double*, std::int64_t, std::int64_t, const double*,
                                         std::int64_t, std::int64_t, std::int64_t, int, double*,
                                         const ExecutionContext&);

}  // namespace mlarsenal::cuda
