// Bindings of the coordinate-descent solvers (Lasso / ElasticNet).
//
// python/mlarsenal/linear_model/_coordinate_descent.py prepares the arrays
// (dtypes, centred y, sample weights folded in); these functions check what
// they are handed, run the solver without the GIL and write the solution
// into `w` (and the column means into `col_mean`) in place.
#include <pybind11/numpy.h>

#include <string>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/linear/coordinate_descent.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

using DoubleArray = py::array_t<double, py::array::c_style>;
using IndexArray = py::array_t<std::int64_t, py::array::c_style>;

linear::CdOptions make_options(double l1, double l2, double tol, std::int64_t max_iter,
                               bool positive, bool random, std::uint64_t seed, bool screening,
                               bool fuse_updates, int n_threads) {
  linear::CdOptions o;
  o.l1 = l1;
  o.l2 = l2;
  o.tol = tol;
  o.max_iter = max_iter;
  o.positive = positive;
  o.random = random;
  o.seed = seed;
  o.screening = screening;
  o.fuse_updates = fuse_updates;
  o.n_threads = n_threads;
  return o;
}

// A contiguous float64 vector of length n that the solver may write to.
double* writable_vector(DoubleArray& a, std::int64_t n, const char* name) {
  require(a.ndim() == 1 && a.shape(0) == n,
          std::string(name) + " must be a 1-d float64 array of length " + std::to_string(n));
  require(a.writeable(), std::string(name) + " must be writeable");
  return a.mutable_data();
}

const double* input_vector(const DoubleArray& a, std::int64_t n, const char* name) {
  require(a.ndim() == 1 && a.shape(0) == n,
          std::string(name) + " must be a 1-d float64 array of length " + std::to_string(n));
  return a.data();
}

py::tuple to_tuple(const linear::CdResult& r) {
  return py::make_tuple(r.dual_gap, r.n_iter, r.converged);
}

template <class T>
py::tuple dense_t(const py::array& X, const DoubleArray& y, DoubleArray& w,
                  const py::object& col_mean, const linear::CdOptions& o) {
  const auto v = matrix_view<T>(X, "X");
  require(X.ndim() == 2, "X must be 2-d");
  require(v.c_contiguous() || v.f_contiguous(), "X must be C- or F-contiguous");
  const linear::DenseDesign<T> design{v.data, v.rows, v.cols, v.row_stride, v.col_stride};
  const double* yp = input_vector(y, v.rows, "y");
  double* wp = writable_vector(w, v.cols, "w");
  double* mean = nullptr;
  DoubleArray mean_array;
  if (!col_mean.is_none()) {
    mean_array = col_mean.cast<DoubleArray>();
    mean = writable_vector(mean_array, v.cols, "col_mean");
  }
  linear::CdResult r;
  {
    py::gil_scoped_release nogil;
    r = linear::elastic_net_dense<T>(design, yp, wp, mean, o);
  }
  return to_tuple(r);
}

template <class T>
py::tuple sparse_t(const py::array& values, const IndexArray& indices, const IndexArray& indptr,
                   std::int64_t n_rows, const DoubleArray& y, DoubleArray& w,
                   const py::object& col_offset, const py::object& row_scale,
                   const linear::CdOptions& o) {
  const auto vals = vector_view<T>(values, "values");
  require(vals.contiguous(), "values must be contiguous");
  require(indices.ndim() == 1 && indices.shape(0) == vals.size,
          "indices must have one entry per value");
  require(indptr.ndim() == 1 && indptr.shape(0) >= 1, "indptr must be 1-d and non-empty");
  const std::int64_t n_cols = indptr.shape(0) - 1;
  require(indptr.data()[n_cols] == vals.size, "indptr[-1] must equal the number of values");
  const double* offset = nullptr;
  const double* scale = nullptr;
  DoubleArray offset_array, scale_array;
  if (!col_offset.is_none()) {
    offset_array = col_offset.cast<DoubleArray>();
    offset = input_vector(offset_array, n_cols, "col_offset");
  }
  if (!row_scale.is_none()) {
    scale_array = row_scale.cast<DoubleArray>();
    scale = input_vector(scale_array, n_rows, "row_scale");
  }
  const linear::SparseDesign<T> design{vals.data, indices.data(), indptr.data(), n_rows,
                                       n_cols,    offset,         scale};
  const double* yp = input_vector(y, n_rows, "y");
  double* wp = writable_vector(w, n_cols, "w");
  linear::CdResult r;
  {
    py::gil_scoped_release nogil;
    r = linear::elastic_net_sparse<T>(design, yp, wp, o);
  }
  return to_tuple(r);
}

}  // namespace

void bind_coordinate_descent(py::module_& linear) {
  linear.def(
      "elastic_net_dense",
      [](const py::array& X, const DoubleArray& y, DoubleArray& w, const py::object& col_mean,
         double l1, double l2, double tol, std::int64_t max_iter, bool positive, bool random,
         std::uint64_t seed, bool screening, bool fuse_updates, int n_threads) {
        const auto o = make_options(l1, l2, tol, max_iter, positive, random, seed, screening,
                                    fuse_updates, n_threads);
        return has_dtype<float>(X) ? dense_t<float>(X, y, w, col_mean, o)
                                   : dense_t<double>(X, y, w, col_mean, o);
      },
      py::arg("X"), py::arg("y"), py::arg("w").noconvert(), py::arg("col_mean"), py::arg("l1"),
      py::arg("l2"), py::arg("tol"), py::arg("max_iter"), py::arg("positive"), py::arg("random"),
      py::arg("seed"), py::arg("screening"), py::arg("fuse_updates"), py::arg("n_threads"),
      "Elastic net by coordinate descent on dense X (C or F order, float32/float64); w (float64) "
      "is the start and receives the solution; col_mean, if given, the column means. Returns "
      "(dual_gap, n_iter, converged).");
  linear.def(
      "elastic_net_sparse",
      [](const py::array& values, const IndexArray& indices, const IndexArray& indptr,
         std::int64_t n_rows, const DoubleArray& y, DoubleArray& w, const py::object& col_offset,
         const py::object& row_scale, double l1, double l2, double tol, std::int64_t max_iter,
         bool positive, bool random, std::uint64_t seed, bool screening, int n_threads) {
        const auto o =
            make_options(l1, l2, tol, max_iter, positive, random, seed, screening, true, n_threads);
        return has_dtype<float>(values) ? sparse_t<float>(values, indices, indptr, n_rows, y, w,
                                                          col_offset, row_scale, o)
                                        : sparse_t<double>(values, indices, indptr, n_rows, y, w,
                                                           col_offset, row_scale, o);
      },
      py::arg("values"), py::arg("indices"), py::arg("indptr"), py::arg("n_rows"), py::arg("y"),
      py::arg("w").noconvert(), py::arg("col_offset"), py::arg("row_scale"), py::arg("l1"),
      py::arg("l2"), py::arg("tol"), py::arg("max_iter"), py::arg("positive"), py::arg("random"),
      py::arg("seed"), py::arg("screening"), py::arg("n_threads"),
      "Elastic net by coordinate descent on CSC X (int64 indices); centred column j is "
      "X[:, j] - col_offset[j] * row_scale. Returns (dual_gap, n_iter, converged).");
}

}  // namespace mlarsenal::bindings
