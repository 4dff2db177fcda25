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
#include "optim_tensors.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

using optim_lists::Addresses;
using optim_lists::Numels;
using optim_lists::Scalars;

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
        optim_tensors::sgd(dtype, numel, params, grads, momentum_buffers, new_buffers,
                           {lr, momentum, dampening, weight_decay, nesterov, maximize},
                           [n_threads](const auto& o, const auto* tensors, std::int64_t n) {
                             optim::sgd_step(o, tensors, n, n_threads);
                           });
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
        optim_tensors::adam(
            dtype, numel, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, step_sizes,
            bias_corrections2_sqrt,
            {lr, beta1, beta2, eps, weight_decay, decoupled_weight_decay, amsgrad, maximize},
            [n_threads](const auto& o, const auto* tensors, std::int64_t n) {
              optim::adam_step(o, tensors, n, n_threads);
            });
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
        optim_tensors::rmsprop(dtype, numel, params, grads, square_avgs, grad_avgs,
                               momentum_buffers,
                               {lr, alpha, eps, weight_decay, momentum, centered, maximize},
                               [n_threads](const auto& o, const auto* tensors, std::int64_t n) {
                                 optim::rmsprop_step(o, tensors, n, n_threads);
                               });
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
        optim_tensors::adagrad(dtype, numel, params, grads, sums, clrs,
                               {eps, weight_decay, maximize},
                               [n_threads](const auto& o, const auto* tensors, std::int64_t n) {
                                 optim::adagrad_step(o, tensors, n, n_threads);
                               });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("sums"),
      py::arg("clrs"), py::arg("eps"), py::arg("weight_decay"), py::arg("maximize"),
      py::arg("n_threads"));

  om.def(
      "lion_step",
      [](const std::string& dtype, const Numels& numel, const Addresses& params,
         const Addresses& grads, const Addresses& exp_avgs, double lr, double beta1, double beta2,
         double weight_decay, bool maximize, int n_threads) {
        optim_tensors::lion(dtype, numel, params, grads, exp_avgs,
                            {lr, beta1, beta2, weight_decay, maximize},
                            [n_threads](const auto& o, const auto* tensors, std::int64_t n) {
                              optim::lion_step(o, tensors, n, n_threads);
                            });
      },
      py::arg("dtype"), py::arg("numel"), py::arg("params"), py::arg("grads"), py::arg("exp_avgs"),
      py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("weight_decay"),
      py::arg("maximize"), py::arg("n_threads"));

  om.def("kernels_isa", &optim::optimizer_kernels_isa,
         "Instruction set of the optimizer element loops (scalar, avx2 or avx512)");
}

}  // namespace mlarsenal::bindings
