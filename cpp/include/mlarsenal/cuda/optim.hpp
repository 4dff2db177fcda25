// Multi-tensor optimizer steps on the GPU, with the per-element arithmetic of
// mlarsenal/optim/update_rules.hpp (the same __host__ __device__ functions,
// compiled without FMA contraction, so a GPU step is bitwise the CPU step).
//
// Contract: the tensor descriptors of cpp/include/mlarsenal/optim/
// optimizers.hpp, with device pointers on ctx.device (contiguous, dtype T,
// non-overlapping). The descriptors themselves are host memory; they travel
// as kernel arguments (a few dozen tensors per launch), so a step enqueues
// ceil(n_tensors / batch) launches on ctx.stream and never synchronises.
#pragma once

#include <cstdint>

#include "mlarsenal/cuda/context.hpp"
#include "mlarsenal/optim/optimizers.hpp"
#include "mlarsenal/optim/options.hpp"

namespace mlarsenal::cuda {

template <class T>
void sgd_step(const optim::SgdOptions& options, const optim::SgdTensor<T>* tensors,
              std::int64_t n_tensors, const ExecutionContext& ctx);

template <class T>
void adam_step(const optim::AdamOptions& options, const optim::AdamTensor<T>* tensors,
               std::int64_t n_tensors, const ExecutionContext& ctx);

template <class T>
void rmsprop_step(const optim::RmspropOptions& options, const optim::RmspropTensor<T>* tensors,
                  std::int64_t n_tensors, const ExecutionContext& ctx);

template <class T>
void adagrad_step(const optim::AdagradOptions& options, const optim::AdagradTensor<T>* tensors,
                  std::int64_t n_tensors, const ExecutionContext& ctx);

template <class T>
void lion_step(const optim::LionOptions& options, const optim::LionTensor<T>* tensors,
               std::int64_t n_tensors, const ExecutionContext& ctx);

}  // namespace mlarsenal::cuda
