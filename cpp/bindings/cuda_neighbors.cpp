// _cuda.neighbors: exact k-NN and pairwise distances on device addresses.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "cuda_bindings.hpp"
#include "float_dtype.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/neighbors.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

constexpr const char* kNeighborDtypes = "the GPU neighbour kernels support float32 and float64";

template <class T>
T* at(std::uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

}  // namespace

void bind_cuda_neighbors(py::module_& m) {
  py::module_ nm = m.def_submodule("neighbors", "Exact k-NN on the GPU (private)");
  nm.attr("max_neighbors") = cuda::kMaxGpuNeighbors;
  nm.def("supports_metric", &cuda::gpu_supports_metric, py::arg("metric"));
  nm.def(
      "knn_search",
      [](const std::string& dtype, std::uintptr_t x, std::int64_t n_x, std::int64_t x_stride,
         std::uintptr_t y, std::int64_t n_y, std::int64_t y_stride, std::int64_t d, int metric,
         std::int64_t k, std::uintptr_t indices, std::uintptr_t distances, int device,
         std::uintptr_t stream) {
        with_float_dtype(dtype, kNeighborDtypes, [&](auto zero) {
          using T = decltype(zero);
          py::gil_scoped_release nogil;
          cuda::knn_search<T>(at<const T>(x), n_x, x_stride, at<const T>(y), n_y, y_stride, d,
                              metric, k, at<std::int64_t>(indices), at<T>(distances),
                              {device, stream});
        });
      },
      py::arg("dtype"), py::arg("x"), py::arg("n_x"), py::arg("x_stride"), py::arg("y"),
      py::arg("n_y"), py::arg("y_stride"), py::arg("d"), py::arg("metric"), py::arg("k"),
      py::arg("indices"), py::arg("distances"), py::arg("device"), py::arg("stream"));
  nm.def(
      "pairwise_distances",
      [](const std::string& dtype, std::uintptr_t x, std::int64_t n_x, std::int64_t x_stride,
         std::uintptr_t y, std::int64_t n_y, std::int64_t y_stride, std::int64_t d, int metric,
         std::uintptr_t out, int device, std::uintptr_t stream) {
        with_float_dtype(dtype, kNeighborDtypes, [&](auto zero) {
          using T = decltype(zero);
          py::gil_scoped_release nogil;
          cuda::pairwise_distances<T>(at<const T>(x), n_x, x_stride, at<const T>(y), n_y, y_stride,
                                      d, metric, at<T>(out), {device, stream});
        });
      },
      py::arg("dtype"), py::arg("x"), py::arg("n_x"), py::arg("x_stride"), py::arg("y"),
      py::arg("n_y"), py::arg("y_stride"), py::arg("d"), py::arg("metric"), py::arg("out"),
      py::arg("device"), py::arg("stream"));
}

}  // namespace mlarsenal::bindings
