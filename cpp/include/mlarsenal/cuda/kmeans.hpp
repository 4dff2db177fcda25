// k-means (Lloyd) on the GPU: assignment fused with the accumulation of the
// new centres, as cpp/include/mlarsenal/cluster/kmeans.hpp does on the CPU.
//
// Contract (device pointers on ctx.device): x (n, d) float32 with unit column
// stride and row stride x_stride; weight (n,) float32 or null (unit weights);
// centers (k, d) float32, C order, updated in place; labels (n,) int32.
// Assignments are exact (float32 GEMM-form scores, near-ties re-scored in
// double over every centre, ties to the smaller index), so labels equal the
// CPU's for the same centres. Sums are accumulated in double:
// - deterministic = false: per-block shared-memory accumulators flushed with
//   atomics (fast; the order of the double additions varies between runs,
//   so centres may differ in the last float bit);
// - deterministic = true: fixed partition of the points, each part summed in
//   point order, parts combined in order: bitwise reproducible for the same
//   inputs on any GPU.
// The iteration loop runs on the host and synchronises ctx.stream once or
// twice per iteration (to test convergence); everything else stays on the GPU.
#pragma once

#include <cstdint>

#include "mlarsenal/cuda/context.hpp"

namespace mlarsenal::cuda {

struct LloydStatus {
  std::int64_t n_iter = 0;
  double inertia = 0.0;
  bool strict_convergence = false;
};

// Up to max_iter iterations (labels unchanged, or total squared centre shift
// <= tol, stops), empty clusters re-seeded with the farthest points as on the
// CPU; then the final labels and inertia for the final centres.
LloydStatus lloyd(const float* x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
                  const float* weight, float* centers, std::int64_t k, std::int64_t max_iter,
                  double tol, bool deterministic, std::int32_t* labels,
                  const ExecutionContext& ctx);

// One Lloyd iteration without convergence test or empty-cluster handling:
// labels for `centers`, then centers <- weighted means of their points
// (a centre with no points keeps its value). For benchmarks and callers that
// run their own loop; enqueued only, no synchronisation.
void lloyd_step(const float* x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
                const float* weight, float* centers, std::int64_t k, bool deterministic,
                std::int32_t* labels, const ExecutionContext& ctx);

// Nearest centre of each point; returns the weighted inertia (synchronises).
double assign_labels(const float* x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
                     const float* weight, const float* centers, std::int64_t k,
                     std::int32_t* labels, const ExecutionContext& ctx);

}  // namespace mlarsenal::cuda
