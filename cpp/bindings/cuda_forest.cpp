// _cuda.forest: a forest's device copy and its predictions on device addresses.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>

#include "cuda_bindings.hpp"
#include "float_dtype.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/forest.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

constexpr const char* kForestDtypes = "GPU forest prediction supports float32 and float64 rows";

// The named array of the forest's dict, C-contiguous with exactly dtype T
// (the Python Forest has already coerced and validated them).
template <class T>
const T* node_array(const py::dict& arrays, const char* name, std::int64_t* size = nullptr) {
  if (!arrays.contains(name)) throw InvalidArgument(std::string("forest array missing: ") + name);
  auto a = py::reinterpret_borrow<py::array>(arrays[name]);
  if (!a.dtype().is(py::dtype::of<T>()) || !(a.flags() & py::array::c_style) || a.ndim() != 1)
    throw TypeMismatch(std::string("forest array ") + name + " has the wrong dtype or layout");
  if (size != nullptr) *size = a.shape(0);
  return static_cast<const T*>(a.data());
}

forest::ForestView view_of(std::int64_t n_features, std::int64_t n_outputs,
                           const py::dict& arrays) {
  forest::ForestView v;
  std::int64_t offsets = 0;
  v.n_features = n_features;
  v.n_outputs = n_outputs;
  v.tree_offsets = node_array<std::int64_t>(arrays, "tree_offsets", &offsets);
  v.n_trees = offsets - 1;
  v.tree_output = node_array<std::int32_t>(arrays, "tree_output");
  v.base_score = node_array<double>(arrays, "base_score");
  v.feature = node_array<std::int32_t>(arrays, "feature", &v.n_nodes);
  v.threshold = node_array<double>(arrays, "threshold");
  v.left = node_array<std::int32_t>(arrays, "left");
  v.right = node_array<std::int32_t>(arrays, "right");
  v.default_left = node_array<std::uint8_t>(arrays, "default_left");
  v.split_kind = node_array<std::uint8_t>(arrays, "split_kind");
  v.value = node_array<double>(arrays, "value");
  v.cat_begin = node_array<std::int32_t>(arrays, "cat_begin");
  v.cat_size = node_array<std::int32_t>(arrays, "cat_size");
  v.cat_bits = node_array<std::uint32_t>(arrays, "cat_bits", &v.n_cat_words);
  return v;
}

}  // namespace

void bind_cuda_forest(py::module_& m) {
  py::module_ fm = m.def_submodule("forest", "Tree-ensemble inference on the GPU (private)");
  py::class_<cuda::GpuForest>(fm, "GpuForest")
      .def(py::init([](std::int64_t n_features, std::int64_t n_outputs, const py::dict& arrays,
                       int device) {
             const forest::ForestView v = view_of(n_features, n_outputs, arrays);
             py::gil_scoped_release nogil;
             return std::make_unique<cuda::GpuForest>(v, device);
           }),
           py::arg("n_features"), py::arg("n_outputs"), py::arg("arrays"), py::arg("device"))
      .def_property_readonly("device", &cuda::GpuForest::device)
      .def_property_readonly("device_bytes", &cuda::GpuForest::device_bytes)
      .def(
          "plan",
          [](const cuda::GpuForest& f, int dtype_bytes, std::int64_t n_rows, std::int64_t begin,
             std::int64_t end) {
            const cuda::ForestLaunchPlan p = f.plan(dtype_bytes, n_rows, begin, end);
            py::dict d;
            d["nodes_in_shared"] = p.nodes_in_shared;
            d["rows_in_shared"] = p.rows_in_shared;
            d["threads_per_block"] = p.threads_per_block;
            d["shared_bytes"] = p.shared_bytes;
            return d;
          },
          py::arg("dtype_bytes"), py::arg("n_rows"), py::arg("tree_begin"), py::arg("tree_end"))
      .def(
          "predict_raw",
          [](const cuda::GpuForest& f, const std::string& dtype, std::uintptr_t x,
             std::int64_t n_rows, std::int64_t x_stride, std::int64_t begin, std::int64_t end,
             std::uintptr_t out, std::uintptr_t stream) {
            with_float_dtype(dtype, kForestDtypes, [&](auto zero) {
              using T = decltype(zero);
              py::gil_scoped_release nogil;
              f.predict_raw<T>(reinterpret_cast<const T*>(x), n_rows, x_stride, begin, end,
                               reinterpret_cast<double*>(out), {f.device(), stream});
            });
          },
          py::arg("dtype"), py::arg("x"), py::arg("n_rows"), py::arg("x_stride"),
          py::arg("tree_begin"), py::arg("tree_end"), py::arg("out"), py::arg("stream"))
      .def(
          "predict_leaf",
          [](const cuda::GpuForest& f, const std::string& dtype, std::uintptr_t x,
             std::int64_t n_rows, std::int64_t x_stride, std::int64_t begin, std::int64_t end,
             std::uintptr_t out, std::uintptr_t stream) {
            with_float_dtype(dtype, kForestDtypes, [&](auto zero) {
              using T = decltype(zero);
              py::gil_scoped_release nogil;
              f.predict_leaf<T>(reinterpret_cast<const T*>(x), n_rows, x_stride, begin, end,
                                reinterpret_cast<std::int32_t*>(out), {f.device(), stream});
            });
          },
          py::arg("dtype"), py::arg("x"), py::arg("n_rows"), py::arg("x_stride"),
          py::arg("tree_begin"), py::arg("tree_end"), py::arg("out"), py::arg("stream"));
}

}  // namespace mlarsenal::bindings
