// Bindings of the SAGA solver (cpp/include/mlarsenal/linear/saga.hpp).
//
// X arrives as a C-contiguous 2-d float32/float64 array or as a CSR tuple
// (data, indices, indptr, n_cols) with int64 indices and indptr, as
// python/mlarsenal/linear_model/_svm_inputs.py `native_rows` passes it.
#include <pybind11/numpy.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/linear/saga.hpp"
#include "row_input.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

using row_input::contiguous_data;
using row_input::is_csr;
using row_input::row_matrix;
using row_input::values_are_float32;

template <class T>
py::tuple fit_logistic_saga_t(const py::object& X, const py::array& y,
                              const py::object& sample_weight, const py::array& coef0,
                              const linear::SagaOptions& options) {
  const auto rows = row_matrix<T>(X);
  const auto* codes = contiguous_data<std::int32_t>(y, "y");
  require(y.shape(0) == rows.rows, "y must have one entry per row of X");
  const double* weight = nullptr;
  if (!sample_weight.is_none()) {
    const auto w = sample_weight.cast<py::array>();
    weight = contiguous_data<double>(w, "sample_weight");
    require(w.shape(0) == rows.rows, "sample_weight must have one entry per row of X");
  }
  const std::int64_t n_outputs = options.n_classes == 2 ? 1 : options.n_classes;
  const std::int64_t size = n_outputs * (rows.cols + (options.fit_intercept ? 1 : 0));
  const auto* start = contiguous_data<double>(coef0, "coef0");
  require(coef0.shape(0) == size, "coef0 must have " + std::to_string(size) + " entries");
  py::array_t<double> coef(size);
  double* out = coef.mutable_data();
  std::copy(start, start + size, out);
  linear::SagaResult result;
  {
    py::gil_scoped_release nogil;
    result = linear::fit_logistic_saga(rows, codes, weight, options, out);
  }
  return py::make_tuple(coef, result.n_iter, result.converged, result.step_size);
}

}  // namespace

void bind_saga(py::module_& linear) {
  linear.def(
      "fit_logistic_saga",
      [](const py::object& X, const py::array& y, const py::object& sample_weight,
         const py::array& coef0, std::int64_t n_classes, bool fit_intercept, double scale,
         double l2, double l1, double tol, std::int64_t max_iter, std::uint64_t seed) {
        linear::SagaOptions o;
        o.n_classes = n_classes;
        o.fit_intercept = fit_intercept;
        o.scale = scale;
        o.l2 = l2;
        o.l1 = l1;
        o.tol = tol;
        o.max_iter = max_iter;
        o.seed = seed;
        return values_are_float32(X) ? fit_logistic_saga_t<float>(X, y, sample_weight, coef0, o)
                                     : fit_logistic_saga_t<double>(X, y, sample_weight, coef0, o);
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("coef0"), py::arg("n_classes"),
      py::arg("fit_intercept"), py::arg("scale"), py::arg("l2"), py::arg("l1"), py::arg("tol"),
      py::arg("max_iter"), py::arg("seed"),
      "SAGA for the logistic objective (dense or CSR X, with just-in-time updates on CSR); "
      "returns (coef, epochs, converged, step size), coef laid out per output as the feature "
      "weights then the intercept.");
}

}  // namespace mlarsenal::bindings
