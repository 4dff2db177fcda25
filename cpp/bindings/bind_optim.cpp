// Bindings of cpp/include/mlarsenal/optim/optimizers.hpp (module _core.optim).
//
// The extension is not compiled against PyTorch: python/mlarsenal/optim hands
// over each tensor as its address (tensor.data_ptr()) and element count, after
// checking dtype, device, layout and sizes there. These functions check what
// can be checked without the tensors (list lengths, dtype name, null and
// overlapping arrays, in the kernel) and trust the addresses: they are private
// API, not to be called with anything but live, contiguous CPU tensors of the
// stated dtype and size. The GIL is released while the kernel runs.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/optim/optimizers.hpp"
#include "optim_lists.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

using optim_lists::Addresses;
using optim_lists::Numels;
using optim_lists::pointer;
using optim_lists::require_length;
using optim_lists::Scalars;
using optim_lists::with_dtype;

void sgd(const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& buffers, const std::vector<bool>& new_buffers,
         const optim::SgdOptions& o, int n_threads) {
  const std::size_t n = numel.size();
  const bool momentum = o.momentum != 0.0;
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(buffers, n, "momentum_buffers", momentum);
  require_length(new_buffers, n, "new_buffers", momentum);
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<optim::SgdTensor<T>> tensors(n);
    for (std::size_t i = 0; i < n; ++i) {
      tensors[i] = {numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                    pointer<T>(buffers, i), !new_buffers.empty() && new_buffers[i]};
    }
    py::gil_scoped_release nogil;
    optim::sgd_step<T>(o, tensors.data(), static_cast<std::int64_t>(n), n_threads);
  });
}

void adam(const std::string& dtype, const Numels& numel, const Addresses& params,
          const Addresses& grads, const Addresses& exp_avgs, const Addresses& exp_avg_sqs,
          const Addresses& max_exp_avg_sqs, const Scalars& step_sizes,
          const Scalars& bias_corrections2_sqrt, const optim::AdamOptions& o, int n_threads) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(exp_avgs, n, "exp_avgs");
  require_length(exp_avg_sqs, n, "exp_avg_sqs");
  require_length(max_exp_avg_sqs, n, "max_exp_avg_sqs", o.amsgrad);
  require_length(step_sizes, n, "step_sizes");
  require_length(bias_corrections2_sqrt, n, "bias_corrections2_sqrt");
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<optim::AdamTensor<T>> tensors(n);
    for (std::size_t i = 0; i < n; ++i) {
      tensors[i] = {numel[i],
                    pointer<T>(params, i),
                    pointer<const T>(grads, i),
                    pointer<T>(exp_avgs, i),
                    pointer<T>(exp_avg_sqs, i),
                    pointer<T>(max_exp_avg_sqs, i),
                    step_sizes[i],
                    bias_corrections2_sqrt[i]};
    }
    py::gil_scoped_release nogil;
    optim::adam_step<T>(o, tensors.data(), static_cast<std::int64_t>(n), n_threads);
  });
}

void rmsprop(const std::string& dtype, const Numels& numel, const Addresses& params,
             const Addresses& grads, const Addresses& square_avgs, const Addresses& grad_avgs,
             const Addresses& buffers, const optim::RmspropOptions& o, int n_threads) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(square_avgs, n, "square_avgs");
  require_length(grad_avgs, n, "grad_avgs", o.centered);
  require_length(buffers, n, "momentum_buffers", o.momentum > 0.0);
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<optim::RmspropTensor<T>> tensors(n);
    for (std::size_t i = 0; i < n; ++i) {
      tensors[i] = {numel[i],
                    pointer<T>(params, i),
                    pointer<const T>(grads, i),
                    pointer<T>(square_avgs, i),
                    pointer<T>(grad_avgs, i),
                    pointer<T>(buffers, i)};
    }
    py::gil_scoped_release nogil;
    optim::rmsprop_step<T>(o, tensors.data(), static_cast<std::int64_t>(n), n_threads);
  });
}

void adagrad(const std::string& dtype, const Numels& numel, const Addresses& params,
             const Addresses& grads, const Addresses& sums, const Scalars& clrs,
             const optim::AdagradOptions& o, int n_threads) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(sums, n, "sums");
  require_length(clrs, n, "clrs");
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<optim::AdagradTensor<T>> tensors(n);
    for (std::size_t i = 0; i < n; ++i) {
      tensors[i] = {numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                    pointer<T>(sums, i), clrs[i]};
    }
    py::gil_scoped_release nogil;
    optim::adagrad_step<T>(o, tensors.data(), static_cast<std::int64_t>(n), n_threads);
  });
}

void lion(const std::string& dtype, const Numels& numel, const Addresses& params,
          const Addresses& grads, const Addresses& exp_avgs, const optim::LionOptions& o,
          int n_threads) {
  const std::size_t n = numel.size();
  require_length(params, n, "params");
  require_length(grads, n, "grads");
  require_length(exp_avgs, n, "exp_avgs");
  with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<optim::LionTensor<T>> tensors(n);
    for (std::size_t i = 0; i < n; ++i) {
      tensors[i] = {numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                    pointer<T>(exp_avgs, i)};
    }
    py::gil_scoped_release nogil;
    optim::lion_step<T>(o, tensors.data(), static_cast<std::int64_t>(n), n_threads);
  });
}

}  // namespace

void bind_optim(py::module_& m) {
  py::module_ om = m.def_submodule(
      "optim",
      "Multi-tensor optimizer steps on raw CPU tensor addresses (private: use mlarsenal.optim)");

  om.def(
      "sgd_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& momentum_buffers,
         const std::vector<bool>& new_buffers, double lr, double momentum, double dampening,
         double weight_decay, bool nesterov, bool maximize, int n_threads) {
        sgd(dtype, numel, params, grads, momentum_buffers, new_buffers,
            {lr, momentum, dampening, weight_decay, nesterov, maximize}, n_threads);
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"),
      py::arg("momentum_buffers"), py::arg("new_buffers"), py::arg("lr"), py::arg("momentum"),
      py::arg("dampening"), py::arg("weight_decay"), py::arg("nesterov"), py::arg("maximize"),
      py::arg("n_threads"));

  om.def(
      "adam_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& exp_avgs, const Addresses& exp_avg_sqs,
         const Addresses& max_exp_avg_sqs, const Scalars& step_sizes,
         const Scalars& bias_corrections2_sqrt, double lr, double beta1, double beta2, double eps,
         double weight_decay, bool decoupled_weight_decay, bool amsgrad, bool maximize,
         int n_threads) {
        adam(dtype, numel, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, step_sizes,
             bias_corrections2_sqrt,
             {lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, amsgrad, maximize},
             n_threads);
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("exp_avgs"),
      py::arg("exp_avg_sqs"), py::arg("max_exp_avg_sqs"), py::arg("step_sizes"),
      py::arg("bias_corrections2_sqrt"), py::arg("lr"), py::arg("beta1"), py::arg("beta2"),
      py::arg("eps"), py::arg("weight_decay"), py::arg("decoupled_weight_decay"),
      py::arg("amsgrad"), py::arg("maximize"), py::arg("n_threads"));

  om.def(
      "rmsprop_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& square_avgs, const Addresses& grad_avgs,
         const Addresses& momentum_buffers, double lr, double alpha, double eps,
         double weight_decay, double momentum, bool centered, bool maximize, int n_threads) {
        rmsprop(dtype, numel, params, grads, square_avgs, grad_avgs, momentum_buffers,
                {lr, alpha, eps, weight_decay, momentum, centered, maximize}, n_threads);
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"),
      py::arg("square_avgs"), py::arg("grad_avgs"), py::arg("momentum_buffers"), py::arg("lr"),
      py::arg("alpha"), py::arg("eps"), py::arg("weight_decay"), py::arg("momentum"),
      py::arg("centered"), py::arg("maximize"), py::arg("n_threads"));

  om.def(
      "adagrad_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& sums, const Scalars& clrs, double eps,
         double weight_decay, bool maximize, int n_threads) {
        adagrad(dtype, numel, params, grads, sums, clrs, {eps, weight_decay, maximize}, n_threads);
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("sums"),
      py::arg("clrs"), py::arg("eps"), py::arg("weight_decay"), py::arg("maximize"),
      py::arg("n_threads"));

  om.def(
      "lion_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& exp_avgs, double lr, double beta1, double beta2,
         double weight_decay, bool maximize, int n_threads) {
        lion(dtype, numel, params, grads, exp_avgs, {lr, beta1, beta2, weight_decay, maximize},
             n_threads);
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("exp_avgs"),
      py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("weight_decay"),
      py::arg("maximize"), py::arg("n_threads"));

  om.def("kernels_isa", &optim::optimizer_kernels_isa,
         "Instruction set of the optimizer element loops (scalar, avx2 or avx512)");
}

}  // namespace mlarsenal::bindings
