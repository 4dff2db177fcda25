// Feature matrices for the row-wise linear solvers (SGD, LinearSVC, SAGA):
// X arrives as a C-contiguous 2-d float32/float64 array, or as a CSR tuple
// (data, indices, indptr, n_cols) with int64 indices and indptr, as
// python/mlarsenal/linear_model/_svm_inputs.py `native_rows` passes it.
#pragma once

#include <pybind11/numpy.h>

#include <cstdint>
#include <string>

#include "array_conversion.hpp"
#include "mlarsenal/linear/row_matrix.hpp"

namespace mlarsenal::bindings::row_input {

namespace py = pybind11;

inline bool is_csr(const py::object& X) {
  return py::isinstance<py::tuple>(X);
}

// The dtype of X's values decides the instantiation.
inline bool values_are_float32(const py::object& X) {
  const py::array values =
      is_csr(X) ? X.cast<py::tuple>()[0].cast<py::array>() : X.cast<py::array>();
  return has_dtype<float>(values);
}

template <class I>
inline const I* contiguous_data(const py::array& a, const char* name) {
  const auto v = vector_view<I>(a, name);
  require(v.contiguous(), std::string(name) + " must be contiguous");
  return v.data;
}

template <class T>
inline linear::RowMatrix<T> row_matrix(const py::object& X) {
  if (!is_csr(X)) {
    const auto m = matrix_view<T>(X.cast<py::array>(), "X");
    require(m.col_stride == 1 || m.cols <= 1, "X must be C-contiguous");
    return linear::RowMatrix<T>::dense(m);
  }
  const auto parts = X.cast<py::tuple>();
  require(parts.size() == 4, "X: a CSR matrix is passed as (data, indices, indptr, n_cols)");
  const auto data = parts[0].cast<py::array>();
  const auto indices = parts[1].cast<py::array>();
  const auto indptr = parts[2].cast<py::array>();
  const auto cols = parts[3].cast<std::int64_t>();
  require(indptr.ndim() == 1 && indptr.shape(0) >= 1, "X: CSR indptr must be 1-d and non-empty");
  const std::int64_t rows = indptr.shape(0) - 1;
  const T* values = contiguous_data<T>(data, "X.data");
  const auto* idx = contiguous_data<std::int64_t>(indices, "X.indices");
  const auto* ptr = contiguous_data<std::int64_t>(indptr, "X.indptr");
  require(indices.shape(0) == data.shape(0), "X: CSR data and indices differ in length");
  require(ptr[rows] <= data.shape(0), "X: CSR indptr points past the data");
  return linear::RowMatrix<T>::csr(values, idx, ptr, rows, cols);
}

}  // namespace mlarsenal::bindings::row_input
