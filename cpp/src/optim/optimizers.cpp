// Multi-tensor scheduling of the optimizer steps (contract: optimizers.hpp).
//
// The tensors of a group are laid end to end in one virtual index space and cut
// into fixed blocks of kBlockElements; each block runs the element loop of the
// active instruction set (cpp/src/simd/optim_steps_*) over the pieces of the
// tensors it covers. A block touches every byte it owns exactly once, so a step
// is one streaming pass over params, grads and state.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "../simd/optim_steps.hpp"
#include "mlarsenal/common/cpu_features.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/optim/optimizers.hpp"

namespace mlarsenal::optim {
namespace {

const simd::OptimKernels& kernels() {
  // Chosen once; a function-local static is initialised thread-safely.
  static const simd::OptimKernels& table = []() -> const simd::OptimKernels& {
    switch (active_simd_level()) {
#if defined(MLARSENAL_HAVE_AVX512_TU)
      case SimdLevel::avx512:
        return simd::avx512::optim_table;
#endif
#if defined(MLARSENAL_HAVE_AVX2_TU)
      case SimdLevel::avx2:
        return simd::avx2::optim_table;
#endif
      default:
        return simd::scalar::optim_table;
    }
  }();
  return table;
}

template <class T>
const simd::OptimStepKernels<T>& kernels_for();
template <>
const simd::OptimStepKernels<float>& kernels_for<float>() {
  return kernels().f32;
}
template <>
const simd::OptimStepKernels<double>& kernels_for<double>() {
  return kernels().f64;
}

// One array of a tensor, for the checks below; `used` false skips it (an
// array the options do not need may be null).
struct Span {
  const void* data = nullptr;
  const char* name = "";
  bool used = false;
};
// The arrays of one tensor (at most five; the rest unused).
using Spans = std::array<Span, 5>;

// Throws unless every used array is non-null (when numel > 0) and no two
// overlap: the element loops take __restrict pointers.
template <class T>
void check_arrays(std::int64_t index, std::int64_t numel, const Spans& arrays) {
  const std::string where = "optimizer tensor " + std::to_string(index) + ": ";
  require(numel >= 0, where + "numel must be >= 0");
  if (numel == 0) return;
  const auto bytes = static_cast<std::uintptr_t>(numel) * sizeof(T);
  for (auto a = arrays.begin(); a != arrays.end(); ++a) {
    if (!a->used) continue;
    require(a->data != nullptr, where + a->name + " is null");
    const auto a_begin = reinterpret_cast<std::uintptr_t>(a->data);
    for (auto b = arrays.begin(); b != a; ++b) {
      if (!b->used) continue;
      const auto b_begin = reinterpret_cast<std::uintptr_t>(b->data);
      require(a_begin + bytes <= b_begin || b_begin + bytes <= a_begin,
              where + a->name + " and " + b->name + " share memory");
    }
  }
}

// Runs fn(tensor, begin, end) over every non-empty piece [begin, end) of every
// tensor, in parallel over fixed blocks of the concatenated index space.
template <class Tensor, class Fn>
void for_each_piece(const Tensor* tensors, std::int64_t n_tensors, int n_threads, Fn fn) {
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(n_tensors) + 1, 0);
  for (std::int64_t t = 0; t < n_tensors; ++t) offsets[t + 1] = offsets[t] + tensors[t].numel;
  const std::int64_t total = offsets.back();
  parallel_for_blocks(
      total, kBlockElements, n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
        // Last tensor starting at or before `begin` (skips empty tensors before it).
        auto t = static_cast<std::int64_t>(std::upper_bound(offsets.begin(), offsets.end(), begin) -
                                           offsets.begin() - 1);
        for (; t < n_tensors && offsets[t] < end; ++t) {
          const std::int64_t lo = std::max(begin, offsets[t]) - offsets[t];
          const std::int64_t hi = std::min(end, offsets[t + 1]) - offsets[t];
          if (hi > lo) fn(tensors[t], lo, hi);
        }
      });
}

// The whole of every *_step below: check each tensor's arrays (spans_of(t)),
// then run kernel(options, tensor, begin, end) over the pieces of all tensors.
template <class T, class Options, class Tensor, class Kernel, class SpansOf>
void run_step(const Options& options, const Tensor* tensors, std::int64_t n_tensors, int n_threads,
              Kernel kernel, SpansOf spans_of) {
  require(n_tensors >= 0, "n_tensors must be >= 0");
  for (std::int64_t i = 0; i < n_tensors; ++i)
    check_arrays<T>(i, tensors[i].numel, spans_of(tensors[i]));
  for_each_piece(tensors, n_tensors, n_threads,
                 [&](const Tensor& t, auto lo, auto hi) { kernel(options, t, lo, hi); });
}

}  // namespace

template <class T>
void sgd_step(const SgdOptions& options, const SgdTensor<T>* tensors, std::int64_t n_tensors,
              int n_threads) {
  run_step<T>(options, tensors, n_tensors, n_threads, kernels_for<T>().sgd,
              [&](const SgdTensor<T>& t) {
                return Spans{{{t.param, "param", true},
                              {t.grad, "grad", true},
                              {t.momentum_buffer, "momentum_buffer", options.momentum != 0.0}}};
              });
}

template <class T>
void adam_step(const AdamOptions& options, const AdamTensor<T>* tensors, std::int64_t n_tensors,
               int n_threads) {
  run_step<T>(options, tensors, n_tensors, n_threads, kernels_for<T>().adam,
              [&](const AdamTensor<T>& t) {
                return Spans{{{t.param, "param", true},
                              {t.grad, "grad", true},
                              {t.exp_avg, "exp_avg", true},
                              {t.exp_avg_sq, "exp_avg_sq", true},
                              {t.max_exp_avg_sq, "max_exp_avg_sq", options.amsgrad}}};
              });
}

template <class T>
void rmsprop_step(const RmspropOptions& options, const RmspropTensor<T>* tensors,
                  std::int64_t n_tensors, int n_threads) {
  run_step<T>(options, tensors, n_tensors, n_threads, kernels_for<T>().rmsprop,
              [&](const RmspropTensor<T>& t) {
                return Spans{{{t.param, "param", true},
                              {t.grad, "grad", true},
                              {t.square_avg, "square_avg", true},
                              {t.grad_avg, "grad_avg", options.centered},
                              {t.momentum_buffer, "momentum_buffer", options.momentum > 0.0}}};
              });
}

template <class T>
void adagrad_step(const AdagradOptions& options, const AdagradTensor<T>* tensors,
                  std::int64_t n_tensors, int n_threads) {
  run_step<T>(
      options, tensors, n_tensors, n_threads, kernels_for<T>().adagrad,
      [](const AdagradTensor<T>& t) {
        return Spans{{{t.param, "param", true}, {t.grad, "grad", true}, {t.sum, "sum", true}}};
      });
}

template <class T>
void lion_step(const LionOptions& options, const LionTensor<T>* tensors, std::int64_t n_tensors,
               int n_threads) {
  run_step<T>(
      options, tensors, n_tensors, n_threads, kernels_for<T>().lion, [](const LionTensor<T>& t) {
        return Spans{
            {{t.param, "param", true}, {t.grad, "grad", true}, {t.exp_avg, "exp_avg", true}}};
      });
}

const char* optimizer_kernels_isa() {
  return kernels().isa;
}

#define MLARSENAL_INSTANTIATE_OPTIM(T)                                                        \
  template void sgd_step<T>(const SgdOptions&, const SgdTensor<T>*, std::int64_t, int);       \
  template void adam_step<T>(const AdamOptions&, const AdamTensor<T>*, std::int64_t, int);    \
  template void rmsprop_step<T>(const RmspropOptions&, const RmspropTensor<T>*, std::int64_t, \
                                int);                                                         \
  template void adagrad_step<T>(const AdagradOptions&, const AdagradTensor<T>*, std::int64_t, \
                                int);                                                         \
  template void lion_step<T>(const LionOptions&, const LionTensor<T>*, std::int64_t, int);

MLARSENAL_INSTANTIATE_OPTIM(float)
MLARSENAL_INSTANTIATE_OPTIM(double)

#undef MLARSENAL_INSTANTIATE_OPTIM

}  // namespace mlarsenal::optim
