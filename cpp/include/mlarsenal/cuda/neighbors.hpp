// Exact brute-force k-nearest-neighbour search and pairwise distances on the
// GPU, for the dot-product metrics (sqeuclidean, euclidean, cosine,
// inner_product; metric codes as mlarsenal::neighbors::Metric).
//
// Contract (all pointers are device pointers on ctx.device):
// - x is (n_x, d) queries and y is (n_y, d) database rows, unit column stride,
//   row strides in elements; T is float or double. n_y < 2^31.
// - Results equal the CPU engine's (cpp/include/mlarsenal/neighbors/
//   distances.hpp): candidates found in float32 arithmetic (exact fp32 FMA,
//   never TF32) are re-scored in double with the CPU's direct formula and
//   operation order; a query whose candidates cannot be proven to contain the
//   answer (near-ties within the float32 rounding bound) is re-scanned
//   exactly. Ties go to the smaller database index. float64 inputs are
//   scanned exactly in double.
// - Work is enqueued on ctx.stream; scratch memory is stream-ordered
//   (cudaMallocAsync) and released before the call returns. Nothing is
//   synchronised. Throws InvalidArgument for bad sizes, CudaError for CUDA
//   failures.
#pragma once

#include <cstdint>

#include "mlarsenal/cuda/context.hpp"

namespace mlarsenal::cuda {

// Largest k the GPU search supports (its per-query lists live in shared memory).
inline constexpr std::int64_t kMaxGpuNeighbors = 64;

// Metric codes the GPU kernels accept (the dot-product ones).
bool gpu_supports_metric(int metric);

// indices (n_x, k) int64 and distances (n_x, k) T, C order, nearest first.
template <class T>
void knn_search(const T* x, std::int64_t n_x, std::int64_t x_stride, const T* y, std::int64_t n_y,
                std::int64_t y_stride, std::int64_t d, int metric, std::int64_t k,
                std::int64_t* indices, T* distances, const ExecutionContext& ctx);

// out (n_x, n_y) T, C order: distance(x_i, y_j), as the CPU's pairwise_distances
// computes it (the GEMM form, re-scored exactly where it cancels).
template <class T>
void pairwise_distances(const T* x, std::int64_t n_x, std::int64_t x_stride, const T* y,
                        std::int64_t n_y, std::int64_t y_stride, std::int64_t d, int metric, T* out,
                        const ExecutionContext& ctx);

}  // namespace mlarsenal::cuda
