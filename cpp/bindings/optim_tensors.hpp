// The per-tensor lists of one optimizer step, checked and turned into the
// tensor descriptors of mlarsenal/optim/optimizers.hpp, for the CPU
// (bind_optim.cpp) and CUDA (cuda_optim.cpp) bindings alike.
//
// Each function checks the lists' lengths (a list of state the options do not
// use may be empty), picks T from the dtype name, builds the descriptors and
// calls step(options, tensors, n_tensors) with the GIL released. step is a
// generic callable that runs the CPU or the CUDA kernel.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "float_dtype.hpp"
#include "mlarsenal/optim/optimizers.hpp"
#include "optim_lists.hpp"

namespace mlarsenal::bindings::optim_tensors {

using optim_lists::Addresses;
using optim_lists::Numels;
using optim_lists::pointer;
using optim_lists::require_length;
using optim_lists::Scalars;

// Builds descriptors[i] = make(T{}, i) for every tensor, T from the dtype
// name, and runs step on them without the GIL.
template <template <class> class Tensor, class Options, class Make, class Step>
void run(const std::string& dtype, std::size_t n, const Options& o, Make&& make, Step&& step) {
  with_float_dtype(dtype, "optimizer kernels support float32 and float64", [&](auto zero) {
    using T = decltype(zero);
    std::vector<Tensor<T>> tensors(n);
    for (std::size_t i = 0; i < n; ++i) tensors[i] = make(zero, i);
    const Tensor<T>* data = tensors.data();
    pybind11::gil_scoped_release nogil;
    step(o, data, static_cast<std::int64_t>(n));
  });
}

template <class Step>
void sgd(const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& buffers, const std::vector<bool>& new_buffers,
         const optim::SgdOptions& o, Step&& step) {
  const std::size_t n = numel.size();
  const bool momentum = o.momentum != 0.0;
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(buffers, n, "momentum_buffers", momentum);
  require_length(new_buffers, n, "new_buffers", momentum);
  run<optim::SgdTensor>(
      dtype, n, o,
      [&](auto zero, std::size_t i) {
        using T = decltype(zero);
        return optim::SgdTensor<T>{numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                                   pointer<T>(buffers, i), !new_buffers.empty() && new_buffers[i]};
      },
      step);
}

template <class Step>
void adam(const std::string& dtype, const Numels& numel, const Addresses& params,
          const Addresses& grads, const Addresses& exp_avgs, const Addresses& exp_avg_sqs,
          const Addresses& max_exp_avg_sqs, const Scalars& step_sizes,
          const Scalars& bias_corrections2_sqrt, const optim::AdamOptions& o, Step&& step) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(exp_avgs, n, "exp_avgs");
  require_length(exp_avg_sqs, n, "exp_avg_sqs");
  require_length(max_exp_avg_sqs, n, "max_exp_avg_sqs", o.amsgrad);
  require_length(step_sizes, n, "step_sizes");
  require_length(bias_corrections2_sqrt, n, "bias_corrections2_sqrt");
  run<optim::AdamTensor>(
      dtype, n, o,
      [&](auto zero, std::size_t i) {
        using T = decltype(zero);
        return optim::AdamTensor<T>{numel[i],
                                    pointer<T>(params, i),
                                    pointer<const T>(grads, i),
                                    pointer<T>(exp_avgs, i),
                                    pointer<T>(exp_avg_sqs, i),
                                    pointer<T>(max_exp_avg_sqs, i),
                                    step_sizes[i],
                                    bias_corrections2_sqrt[i]};
      },
      step);
}

template <class Step>
void rmsprop(const std::string& dtype, const Numels& numel, const Addresses& params,
             const Addresses& grads, const Addresses& square_avgs, const Addresses& grad_avgs,
             const Addresses& buffers, const optim::RmspropOptions& o, Step&& step) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(square_avgs, n, "square_avgs");
  require_length(grad_avgs, n, "grad_avgs", o.centered);
  require_length(buffers, n, "momentum_buffers", o.momentum > 0.0);
  run<optim::RmspropTensor>(
      dtype, n, o,
      [&](auto zero, std::size_t i) {
        using T = decltype(zero);
        return optim::RmspropTensor<T>{numel[i],
                                       pointer<T>(params, i),
                                       pointer<const T>(grads, i),
                                       pointer<T>(square_avgs, i),
                                       pointer<T>(grad_avgs, i),
                                       pointer<T>(buffers, i)};
      },
      step);
}

template <class Step>
void adagrad(const std::string& dtype, const Numels& numel, const Addresses& params,
             const Addresses& grads, const Addresses& sums, const Scalars& clrs,
             const optim::AdagradOptions& o, Step&& step) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(sums, n, "sums");
  require_length(clrs, n, "clrs");
  run<optim::AdagradTensor>(
      dtype, n, o,
      [&](auto zero, std::size_t i) {
        using T = decltype(zero);
        return optim::AdagradTensor<T>{numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                                       pointer<T>(sums, i), clrs[i]};
      },
      step);
}

template <class Step>
void lion(const std::string& dtype, const Numels& numel, const Addresses& params,
          const Addresses& grads, const Addresses& exp_avgs, const optim::LionOptions& o,
          Step&& step) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(exp_avgs, n, "exp_avgs");
  run<optim::LionTensor>(
      dtype, n, o,
      [&](auto zero, std::size_t i) {
        using T = decltype(zero);
        return optim::LionTensor<T>{numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                                    pointer<T>(exp_avgs, i)};
      },
      step);
}

}  // namespace mlarsenal::bindings::optim_tensors
