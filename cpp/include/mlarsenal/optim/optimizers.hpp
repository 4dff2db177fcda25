// Multi-tensor optimizer steps on the CPU: one call updates every tensor of a
// parameter group in a single fused pass (read param, grad and state once,
// write param and state once, no temporaries).
//
// Contract, for every *_step function:
// - `tensors` points to `n_tensors` descriptors. Each describes one parameter:
//   `numel` >= 0 contiguous elements of dtype T (float or double) in every
//   array it names. Arrays may be null only when numel == 0 or when the
//   options say they are unused (noted per field).
// - The arrays of one tensor must not overlap each other (checked: an
//   InvalidArgument is thrown) nor the arrays of another tensor of the call
//   (not checked). Misaligned or bad pointers are the caller's bug.
// - The caller owns all memory; params and state are updated in place, grads
//   are only read. Nothing is allocated per element.
// - Work is split into fixed blocks of the concatenation of all tensors
//   (kBlockElements each), so many small tensors and one large tensor both
//   use every thread; n_threads <= 0 means all (mlarsenal::resolve_threads).
//   Every element is updated independently, so results do not depend on the
//   thread count or the SIMD level.
// - Per-element arithmetic is mlarsenal/optim/update_rules.hpp: the same
//   operations, in the same order and precision, as torch.optim's default CPU
//   implementation.
// - Thread-safe: no global state; concurrent calls on disjoint tensors are fine.
#pragma once

#include <cstdint>

#include "mlarsenal/optim/options.hpp"

namespace mlarsenal::optim {

// Elements per parallel block: large enough to amortise scheduling, small
// enough that a group of a few large tensors still splits across threads.
inline constexpr std::int64_t kBlockElements = 1 << 16;

template <class T>
struct SgdTensor {
  std::int64_t numel = 0;
  T* param = nullptr;
  const T* grad = nullptr;
  T* momentum_buffer = nullptr;  // unused (may be null) when momentum == 0
  bool new_buffer = false;       // true: momentum_buffer is uninitialised; set it to the gradient
};

template <class T>
struct AdamTensor {
  std::int64_t numel = 0;
  T* param = nullptr;
  const T* grad = nullptr;
  T* exp_avg = nullptr;
  T* exp_avg_sq = nullptr;
  T* max_exp_avg_sq = nullptr;         // unused (may be null) unless amsgrad
  double step_size = 0.0;              // lr / (1 - beta1^step), this tensor's step
  double bias_correction2_sqrt = 1.0;  // (1 - beta2^step)^0.5, this tensor's step
};

template <class T>
struct RmspropTensor {
  std::int64_t numel = 0;
  T* param = nullptr;
  const T* grad = nullptr;
  T* square_avg = nullptr;
  T* grad_avg = nullptr;         // unused (may be null) unless centered
  T* momentum_buffer = nullptr;  // unused (may be null) unless momentum > 0
};

template <class T>
struct AdagradTensor {
  std::int64_t numel = 0;
  T* param = nullptr;
  const T* grad = nullptr;
  T* sum = nullptr;
  double clr = 0.0;  // lr / (1 + (step - 1) * lr_decay), this tensor's step
};

template <class T>
struct LionTensor {
  std::int64_t numel = 0;
  T* param = nullptr;
  const T* grad = nullptr;
  T* exp_avg = nullptr;
};

template <class T>
void sgd_step(const SgdOptions& options, const SgdTensor<T>* tensors, std::int64_t n_tensors,
              int n_threads);

template <class T>
void adam_step(const AdamOptions& options, const AdamTensor<T>* tensors, std::int64_t n_tensors,
               int n_threads);

template <class T>
void rmsprop_step(const RmspropOptions& options, const RmspropTensor<T>* tensors,
                  std::int64_t n_tensors, int n_threads);

template <class T>
void adagrad_step(const AdagradOptions& options, const AdagradTensor<T>* tensors,
                  std::int64_t n_tensors, int n_threads);

template <class T>
void lion_step(const LionOptions& options, const LionTensor<T>* tensors, std::int64_t n_tensors,
               int n_threads);

// The instruction set the optimizer kernels run with ("scalar", "avx2", "avx512").
const char* optimizer_kernels_isa();

}  // namespace mlarsenal::optim
