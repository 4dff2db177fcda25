// Bindings of cpp/include/mlarsenal/cluster/kmeans.hpp. python/mlarsenal/cluster
// passes C-contiguous float32/float64 data, weights and centres of one dtype.
#include <pybind11/numpy.h>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/cluster/dbscan.hpp"
#include "mlarsenal/cluster/kmeans.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

template <class T>
py::tuple lloyd_t(const py::array& x, const py::object& weight, const py::array& centers_init,
                  std::int64_t max_iter, double tol, int n_threads) {
  const auto vx = matrix_view<T>(x, "X");
  const auto w = optional_vector_view<T>(weight, "sample_weight");
  const auto init = matrix_view<T>(centers_init, "init");
  require(init.cols == vx.cols,
          "init has " + std::to_string(init.cols) + " features, X has " + std::to_string(vx.cols));
  // The result starts as a copy of the initial centres and is updated in place.
  py::array_t<T> centers({init.rows, init.cols});
  T* c = centers.mutable_data();
  for (std::int64_t j = 0; j < init.rows; ++j)
    for (std::int64_t p = 0; p < init.cols; ++p) c[j * init.cols + p] = init(j, p);
  py::array_t<std::int32_t> labels(vx.rows);
  std::int32_t* l = labels.mutable_data();
  cluster::LloydResult r;
  {
    py::gil_scoped_release nogil;
    r = cluster::lloyd<T>(vx, w, c, init.rows, max_iter, tol, n_threads, l);
  }
  return py::make_tuple(centers, labels, r.inertia, r.n_iter, r.strict_convergence);
}

template <class T>
py::tuple assign_t(const py::array& x, const py::object& weight, const py::array& centers,
                   int n_threads) {
  const auto vx = matrix_view<T>(x, "X");
  const auto w = optional_vector_view<T>(weight, "sample_weight");
  const auto c = matrix_view<T>(centers, "cluster_centers_");
  require(c.cols == vx.cols && c.c_contiguous(), "centres must be C-contiguous with X's features");
  py::array_t<std::int32_t> labels(vx.rows);
  std::int32_t* l = labels.mutable_data();
  double inertia;
  {
    py::gil_scoped_release nogil;
    inertia = cluster::assign_labels<T>(vx, w, c.data, c.rows, n_threads, l);
  }
  return py::make_tuple(labels, inertia);
}

}  // namespace

void bind_cluster(py::module_& m) {
  py::module_ cm = m.def_submodule("cluster", "Clustering kernels");
  cm.def(
      "lloyd",
      [](const py::array& x, const py::object& weight, const py::array& init, std::int64_t max_iter,
         double tol, int n_threads) {
        return has_dtype<float>(x) ? lloyd_t<float>(x, weight, init, max_iter, tol, n_threads)
                                   : lloyd_t<double>(x, weight, init, max_iter, tol, n_threads);
      },
      py::arg("x"), py::arg("sample_weight"), py::arg("init"), py::arg("max_iter"), py::arg("tol"),
      py::arg("n_threads"));
  cm.def(
      "assign_labels",
      [](const py::array& x, const py::object& weight, const py::array& centers, int n_threads) {
        return has_dtype<float>(x) ? assign_t<float>(x, weight, centers, n_threads)
                                   : assign_t<double>(x, weight, centers, n_threads);
      },
      py::arg("x"), py::arg("sample_weight"), py::arg("centers"), py::arg("n_threads"));
  cm.def(
      "dbscan_labels",
      [](const py::array& indptr, const py::array& indices, const py::array& is_core) {
        const auto p = vector_view<std::int64_t>(indptr, "indptr");
        const auto e = vector_view<std::int64_t>(indices, "indices");
        const auto c = vector_view<std::uint8_t>(is_core, "is_core");
        require(p.contiguous() && e.contiguous() && c.contiguous(), "arrays must be contiguous");
        require(p.size == c.size + 1, "indptr must have one entry more than is_core");
        require(p.size >= 1 && p.data[p.size - 1] == e.size, "indptr does not match indices");
        py::array_t<std::int64_t> labels(c.size);
        std::int64_t* out = labels.mutable_data();
        {
          py::gil_scoped_release nogil;
          cluster::dbscan_labels(c.size, p.data, e.data, c.data, out);
        }
        return labels;
      },
      py::arg("indptr"), py::arg("indices"), py::arg("is_core"));
}

}  // namespace mlarsenal::bindings
