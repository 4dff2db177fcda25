// _cuda.cluster: k-means Lloyd iterations on device addresses (float32).
#include <pybind11/pybind11.h>

#include <cstdint>

#include "cuda_bindings.hpp"
#include "mlarsenal/cuda/kmeans.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

const float* floats(std::uintptr_t address) {
  return reinterpret_cast<const float*>(address);
}

}  // namespace

void bind_cuda_cluster(py::module_& m) {
  py::module_ cm = m.def_submodule("cluster", "k-means on the GPU (private)");
  cm.def(
      "lloyd",
      [](std::uintptr_t x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
         std::uintptr_t weight, std::uintptr_t centers, std::int64_t k, std::int64_t max_iter,
         double tol, bool deterministic, std::uintptr_t labels, int device, std::uintptr_t stream) {
        cuda::LloydStatus s;
        {
          py::gil_scoped_release nogil;
          s = cuda::lloyd(floats(x), n, d, x_stride, floats(weight),
                          reinterpret_cast<float*>(centers), k, max_iter, tol, deterministic,
                          reinterpret_cast<std::int32_t*>(labels), {device, stream});
        }
        return py::make_tuple(s.n_iter, s.inertia, s.strict_convergence);
      },
      py::arg("x"), py::arg("n"), py::arg("d"), py::arg("x_stride"), py::arg("weight"),
      py::arg("centers"), py::arg("k"), py::arg("max_iter"), py::arg("tol"),
      py::arg("deterministic"), py::arg("labels"), py::arg("device"), py::arg("stream"));
  cm.def(
      "lloyd_step",
      [](std::uintptr_t x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
         std::uintptr_t weight, std::uintptr_t centers, std::int64_t k, bool deterministic,
         std::uintptr_t labels, int device, std::uintptr_t stream) {
        py::gil_scoped_release nogil;
        cuda::lloyd_step(floats(x), n, d, x_stride, floats(weight),
                         reinterpret_cast<float*>(centers), k, deterministic,
                         reinterpret_cast<std::int32_t*>(labels), {device, stream});
      },
      py::arg("x"), py::arg("n"), py::arg("d"), py::arg("x_stride"), py::arg("weight"),
      py::arg("centers"), py::arg("k"), py::arg("deterministic"), py::arg("labels"),
      py::arg("device"), py::arg("stream"));
  cm.def(
      "assign_labels",
      [](std::uintptr_t x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
         std::uintptr_t weight, std::uintptr_t centers, std::int64_t k, std::uintptr_t labels,
         int device, std::uintptr_t stream) {
        py::gil_scoped_release nogil;
        return cuda::assign_labels(floats(x), n, d, x_stride, floats(weight), floats(centers), k,
                                   reinterpret_cast<std::int32_t*>(labels), {device, stream});
      },
      py::arg("x"), py::arg("n"), py::arg("d"), py::arg("x_stride"), py::arg("weight"),
      py::arg("centers"), py::arg("k"), py::arg("labels"), py::arg("device"), py::arg("stream"));
}

}  // namespace mlarsenal::bindings
