// The multi-tensor launcher behind every optimizer step: a batch of tensors
// travels as one kernel argument (no descriptor upload, nothing to free, no
// synchronisation); each tensor is cut into chunks of kChunkElements, one
// block per chunk, and each thread loads kUnroll elements of every array
// before computing, so several loads per array are in flight (the step is
// memory-bound).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "../common/check.cuh"

namespace mlarsenal::cuda::detail {

constexpr int kBatchTensors = 24;  // keeps the argument under 4 KiB for every optimizer
constexpr std::int64_t kChunkElements = 1 << 16;
constexpr int kStepThreads = 256;
constexpr int kUnroll = 4;

// Arrays per tensor: 0 the gradient (read only), 1 the parameter, then state.
template <class T, class Coefficients, int kArrays>
struct TensorBatch {
  T* data[kBatchTensors][kArrays];
  std::int64_t numel[kBatchTensors];
  Coefficients coefficients[kBatchTensors];
  int flag[kBatchTensors];  // per-tensor switch (SGD: the momentum buffer is new)
  std::int64_t block_start[kBatchTensors + 1];
  int count;
};

// Op::apply(const Coefficients&, int flag, T (&v)[kArrays]) updates v[1..] in place.
template <class Op, class T, class Coefficients, int kArrays>
__global__ void __launch_bounds__(kStepThreads)
    multi_tensor_kernel(TensorBatch<T, Coefficients, kArrays> batch) {
  const std::int64_t block = blockIdx.x;
  int t = 0;
  while (t + 1 < batch.count && batch.block_start[t + 1] <= block) ++t;
  const std::int64_t begin = (block - batch.block_start[t]) * kChunkElements;
  const std::int64_t end = min(batch.numel[t], begin + kChunkElements);
  const Coefficients c = batch.coefficients[t];
  const int flag = batch.flag[t];
  T* const* arrays = batch.data[t];
  for (std::int64_t base = begin + threadIdx.x; base < end; base += kStepThreads * kUnroll) {
    T v[kUnroll][kArrays];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const std::int64_t i = base + u * kStepThreads;
#pragma unroll
      for (int a = 0; a < kArrays; ++a)
        v[u][a] = (i < end && arrays[a] != nullptr) ? arrays[a][i] : T(0);
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) Op::apply(c, flag, v[u]);
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const std::int64_t i = base + u * kStepThreads;
      if (i >= end) continue;
#pragma unroll
      for (int a = 1; a < kArrays; ++a)
        if (arrays[a] != nullptr) arrays[a][i] = v[u][a];
    }
  }
}

// Enqueues the kernel over `n` tensors; describe(i, data, numel, coefficients,
// flag) fills tensor i's entry.
template <class Op, class T, class Coefficients, int kArrays, class Describe>
void launch_multi_tensor(std::int64_t n, Describe&& describe, cudaStream_t stream) {
  for (std::int64_t first = 0; first < n; first += kBatchTensors) {
    TensorBatch<T, Coefficients, kArrays> batch{};
    batch.count = static_cast<int>(std::min<std::int64_t>(kBatchTensors, n - first));
    batch.block_start[0] = 0;
    for (int j = 0; j < batch.count; ++j) {
      describe(first + j, batch.data[j], batch.numel[j], batch.coefficients[j], batch.flag[j]);
      batch.block_start[j + 1] = batch.block_start[j] + ceil_div(batch.numel[j], kChunkElements);
    }
    const std::int64_t blocks = batch.block_start[batch.count];
    if (blocks == 0) continue;
    multi_tensor_kernel<Op, T, Coefficients, kArrays>
        <<<static_cast<unsigned>(blocks), kStepThreads, 0, stream>>>(batch);
    check_launch("multi_tensor_kernel");
  }
}

}  // namespace mlarsenal::cuda::detail
