// _cuda.optim: multi-tensor optimizer steps on CUDA tensor addresses.
//
// Same keyword arguments as _core.optim (python/mlarsenal/optim calls either
// with one set), plus the device and stream; n_threads is accepted and
// unused. Lists are checked for length; addresses are trusted (see
// cuda_bindings.hpp).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cuda_bindings.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/optim.hpp"
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

}  // namespace

void bind_cuda_optim(py::module_& m) {
  py::module_ om =
      m.def_submodule("optim", "Multi-tensor optimizer steps on CUDA tensors (private)");

  om.def(
      "sgd_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& momentum_buffers,
         const std::vector<bool>& new_buffers, double lr, double momentum, double dampening,
         double weight_decay, bool nesterov, bool maximize, int, int device,
         std::uintptr_t stream) {
        const std::size_t n = numel.size();
        const optim::SgdOptions o{lr, momentum, dampening, weight_decay, nesterov, maximize};
        require_length(params, n, "params");
        require_length(grads, n, "grads");
        require_length(momentum_buffers, n, "momentum_buffers", momentum != 0.0);
        require_length(new_buffers, n, "new_buffers", momentum != 0.0);
        with_dtype(dtype, [&](auto zero) {
          using T = decltype(zero);
          std::vector<optim::SgdTensor<T>> t(n);
          for (std::size_t i = 0; i < n; ++i)
            t[i] = {numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                    pointer<T>(momentum_buffers, i), !new_buffers.empty() && new_buffers[i]};
          py::gil_scoped_release nogil;
          cuda::sgd_step<T>(o, t.data(), static_cast<std::int64_t>(n), {device, stream});
        });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"),
      py::arg("momentum_buffers"), py::arg("new_buffers"), py::arg("lr"), py::arg("momentum"),
      py::arg("dampening"), py::arg("weight_decay"), py::arg("nesterov"), py::arg("maximize"),
      py::arg("n_threads"), py::arg("device"), py::arg("stream"));

  om.def(
      "adam_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& exp_avgs, const Addresses& exp_avg_sqs,
         const Addresses& max_exp_avg_sqs, const Scalars& step_sizes,
         const Scalars& bias_corrections2_sqrt, double lr, double beta1, double beta2, double eps,
         double weight_decay, bool decoupled_weight_decay, bool amsgrad, bool maximize, int,
         int device, std::uintptr_t stream) {
        const std::size_t n = numel.size();
        const optim::AdamOptions o{
            lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, amsgrad, maximize};
        require_length(params, n, "params");
        require_length(grads, n, "grads");
        require_length(exp_avgs, n, "exp_avgs");
        require_length(exp_avg_sqs, n, "exp_avg_sqs");
        require_length(max_exp_avg_sqs, n, "max_exp_avg_sqs", amsgrad);
        require_length(step_sizes, n, "step_sizes");
        require_length(bias_corrections2_sqrt, n, "bias_corrections2_sqrt");
        with_dtype(dtype, [&](auto zero) {
          using T = decltype(zero);
          std::vector<optim::AdamTensor<T>> t(n);
          for (std::size_t i = 0; i < n; ++i)
            t[i] = {numel[i],
                    pointer<T>(params, i),
                    pointer<const T>(grads, i),
                    pointer<T>(exp_avgs, i),
                    pointer<T>(exp_avg_sqs, i),
                    pointer<T>(max_exp_avg_sqs, i),
                    step_sizes[i],
                    bias_corrections2_sqrt[i]};
          py::gil_scoped_release nogil;
          cuda::adam_step<T>(o, t.data(), static_cast<std::int64_t>(n), {device, stream});
        });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("exp_avgs"),
      py::arg("exp_avg_sqs"), py::arg("max_exp_avg_sqs"), py::arg("step_sizes"),
      py::arg("bias_corrections2_sqrt"), py::arg("lr"), py::arg("beta1"), py::arg("beta2"),
      py::arg("eps"), py::arg("weight_decay"), py::arg("decoupled_weight_decay"),
      py::arg("amsgrad"), py::arg("maximize"), py::arg("n_threads"), py::arg("device"),
      py::arg("stream"));

  om.def(
      "rmsprop_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& square_avgs, const Addresses& grad_avgs,
         const Addresses& momentum_buffers, double lr, double alpha, double eps,
         double weight_decay, double momentum, bool centered, bool maximize, int, int device,
         std::uintptr_t stream) {
        const std::size_t n = numel.size();
        const optim::RmspropOptions o{lr, alpha, eps, weight_decay, momentum, centered, maximize};
        require_length(params, n, "params");
        require_length(grads, n, "grads");
        require_length(square_avgs, n, "square_avgs");
        require_length(grad_avgs, n, "grad_avgs", centered);
        require_length(momentum_buffers, n, "momentum_buffers", momentum > 0.0);
        with_dtype(dtype, [&](auto zero) {
          using T = decltype(zero);
          std::vector<optim::RmspropTensor<T>> t(n);
          for (std::size_t i = 0; i < n; ++i)
            t[i] = {numel[i],
                    pointer<T>(params, i),
                    pointer<const T>(grads, i),
                    pointer<T>(square_avgs, i),
                    pointer<T>(grad_avgs, i),
                    pointer<T>(momentum_buffers, i)};
          py::gil_scoped_release nogil;
          cuda::rmsprop_step<T>(o, t.data(), static_cast<std::int64_t>(n), {device, stream});
        });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"),
      py::arg("square_avgs"), py::arg("grad_avgs"), py::arg("momentum_buffers"), py::arg("lr"),
      py::arg("alpha"), py::arg("eps"), py::arg("weight_decay"), py::arg("momentum"),
      py::arg("centered"), py::arg("maximize"), py::arg("n_threads"), py::arg("device"),
      py::arg("stream"));

  om.def(
      "adagrad_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& sums, const Scalars& clrs, double eps,
         double weight_decay, bool maximize, int, int device, std::uintptr_t stream) {
        const std::size_t n = numel.size();
        const optim::AdagradOptions o{eps, weight_decay, maximize};
        require_length(params, n, "params");
        require_length(grads, n, "grads");
        require_length(sums, n, "sums");
        require_length(clrs, n, "clrs");
        with_dtype(dtype, [&](auto zero) {
          using T = decltype(zero);
          std::vector<optim::AdagradTensor<T>> t(n);
          for (std::size_t i = 0; i < n; ++i)
            t[i] = {numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                    pointer<T>(sums, i), clrs[i]};
          py::gil_scoped_release nogil;
          cuda::adagrad_step<T>(o, t.data(), static_cast<std::int64_t>(n), {device, stream});
        });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("sums"),
      py::arg("clrs"), py::arg("eps"), py::arg("weight_decay"), py::arg("maximize"),
      py::arg("n_threads"), py::arg("device"), py::arg("stream"));

  om.def(
      "lion_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& exp_avgs, double lr, double beta1, double beta2,
         double weight_decay, bool maximize, int, int device, std::uintptr_t stream) {
        const std::size_t n = numel.size();
        const optim::LionOptions o{lr, beta1, beta2, weight_decay, maximize};
        require_length(params, n, "params");
        require_length(grads, n, "grads");
        require_length(exp_avgs, n, "exp_avgs");
        with_dtype(dtype, [&](auto zero) {
          using T = decltype(zero);
          std::vector<optim::LionTensor<T>> t(n);
          for (std::size_t i = 0; i < n; ++i)
            t[i] = {numel[i], pointer<T>(params, i), pointer<const T>(grads, i),
                    pointer<T>(exp_avgs, i)};
          py::gil_scoped_release nogil;
          cuda::lion_step<T>(o, t.data(), static_cast<std::int64_t>(n), {device, stream});
        });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("exp_avgs"),
      py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("weight_decay"),
      py::arg("maximize"), py::arg("n_threads"), py::arg("device"), py::arg("stream"));
}

}  // namespace mlarsenal::bindings
