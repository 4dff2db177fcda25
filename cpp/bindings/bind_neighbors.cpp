// Bindings of cpp/include/mlarsenal/neighbors/distances.hpp. The Python layer
// (python/mlarsenal/neighbors, metrics/_pairwise.py) validates and converts
// inputs to C-contiguous float32/float64 of one dtype.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/neighbors/distances.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

neighbors::MetricSpec metric_spec(int metric, double p) {
  require(metric >= 0 && metric <= static_cast<int>(neighbors::Metric::inner_product),
          "unknown metric code " + std::to_string(metric));
  return {static_cast<neighbors::Metric>(metric), p};
}

template <class T>
py::array pairwise_t(const py::array& x, const py::array& y, neighbors::MetricSpec m,
                     int n_threads) {
  const auto vx = matrix_view<T>(x, "X");
  const auto vy = matrix_view<T>(y, "Y");
  py::array_t<T> out({vx.rows, vy.rows});
  T* data = out.mutable_data();
  {
    py::gil_scoped_release nogil;
    neighbors::pairwise_distances<T>(vx, vy, m, n_threads, data);
  }
  return out;
}

template <class T>
py::tuple knn_t(const py::array& x, const py::array& y, neighbors::MetricSpec m, std::int64_t k,
                int n_threads) {
  const auto vx = matrix_view<T>(x, "X");
  const auto vy = matrix_view<T>(y, "data");
  require(k >= 1, "n_neighbors must be >= 1, got " + std::to_string(k));
  py::array_t<std::int64_t> indices({vx.rows, k});
  py::array_t<T> distances({vx.rows, k});
  std::int64_t* ip = indices.mutable_data();
  T* dp = distances.mutable_data();
  {
    py::gil_scoped_release nogil;
    neighbors::knn_search<T>(vx, vy, m, k, n_threads, ip, dp);
  }
  return py::make_tuple(distances, indices);
}

template <class T>
py::tuple radius_t(const py::array& x, const py::array& y, neighbors::MetricSpec m, double radius,
                   bool sort_results, int n_threads) {
  const auto vx = matrix_view<T>(x, "X");
  const auto vy = matrix_view<T>(y, "data");
  neighbors::RadiusNeighbors<T> r;
  {
    py::gil_scoped_release nogil;
    r = neighbors::radius_search<T>(vx, vy, m, radius, sort_results, n_threads);
  }
  auto as_array = [](const auto& v) {
    using E = typename std::decay_t<decltype(v)>::value_type;
    return py::array_t<E>(static_cast<py::ssize_t>(v.size()), v.data());
  };
  return py::make_tuple(as_array(r.indptr), as_array(r.indices), as_array(r.distances));
}

}  // namespace

void bind_neighbors(py::module_& m) {
  py::module_ nm = m.def_submodule("neighbors", "Distance and nearest-neighbour kernels");
  nm.def(
      "pairwise_distances",
      [](const py::array& x, const py::array& y, int metric, double p, int n_threads) {
        const auto spec = metric_spec(metric, p);
        return has_dtype<float>(x) ? pairwise_t<float>(x, y, spec, n_threads)
                                   : pairwise_t<double>(x, y, spec, n_threads);
      },
      py::arg("x"), py::arg("y"), py::arg("metric"), py::arg("p"), py::arg("n_threads"));
  nm.def(
      "knn_search",
      [](const py::array& x, const py::array& y, int metric, double p, std::int64_t k,
         int n_threads) {
        const auto spec = metric_spec(metric, p);
        return has_dtype<float>(x) ? knn_t<float>(x, y, spec, k, n_threads)
                                   : knn_t<double>(x, y, spec, k, n_threads);
      },
      py::arg("x"), py::arg("y"), py::arg("metric"), py::arg("p"), py::arg("k"),
      py::arg("n_threads"));
  nm.def(
      "radius_search",
      [](const py::array& x, const py::array& y, int metric, double p, double radius,
         bool sort_results, int n_threads) {
        const auto spec = metric_spec(metric, p);
        return has_dtype<float>(x) ? radius_t<float>(x, y, spec, radius, sort_results, n_threads)
                                   : radius_t<double>(x, y, spec, radius, sort_results, n_threads);
      },
      py::arg("x"), py::arg("y"), py::arg("metric"), py::arg("p"), py::arg("radius"),
      py::arg("sort_results"), py::arg("n_threads"));
}

}  // namespace mlarsenal::bindings
