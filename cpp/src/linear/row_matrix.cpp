#include "mlarsenal/linear/row_matrix.hpp"

#include <string>

#include "mlarsenal/common/errors.hpp"
#include "row_kernels.hpp"

namespace mlarsenal::linear {

template <class T>
RowMatrix<T> RowMatrix<T>::dense(MatrixView<const T> X) {
  require(X.col_stride == 1 || X.cols <= 1, "X: rows must be contiguous (C order)");
  RowMatrix m;
  m.values = X.data;
  m.rows = X.rows;
  m.cols = X.cols;
  m.row_stride = X.row_stride;
  return m;
}

template <class T>
RowMatrix<T> RowMatrix<T>::csr(const T* values, const std::int64_t* indices,
                               const std::int64_t* indptr, std::int64_t rows, std::int64_t cols) {
  RowMatrix m;
  m.values = values;
  m.indices = indices;
  m.indptr = indptr;
  m.rows = rows;
  m.cols = cols;
  return m;
}

template <class T>
void RowMatrix<T>::check() const {
  require(rows >= 0 && cols >= 0, "X: negative shape");
  if (!sparse()) return;
  require(indptr[0] == 0, "X: CSR indptr must start at 0");
  for (std::int64_t i = 0; i < rows; ++i) {
    require(indptr[i + 1] >= indptr[i], "X: CSR indptr must be non-decreasing");
  }
  for (std::int64_t k = 0; k < indptr[rows]; ++k) {
    require(indices[k] >= 0 && indices[k] < cols,
            "X: CSR column index " + std::to_string(indices[k]) + " out of range for " +
                std::to_string(cols) + " columns");
  }
}

template <class T>
double RowMatrix<T>::dot(std::int64_t i, const double* w) const {
  if (!sparse()) return detail::row_dot(detail::row_kernels(), values + i * row_stride, w, cols);
  double sum = 0.0;
  for (std::int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
    sum += static_cast<double>(values[k]) * w[indices[k]];
  }
  return sum;
}

template <class T>
void RowMatrix<T>::axpy(std::int64_t i, double a, double* w) const {
  if (!sparse()) {
    detail::row_axpy_rows(detail::row_kernels(), &a, 1, values + i * row_stride, 0, 1, w, cols);
    return;
  }
  for (std::int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
    w[indices[k]] += a * static_cast<double>(values[k]);
  }
}

template <class T>
double RowMatrix<T>::squared_norm(std::int64_t i) const {
  double sum = 0.0;
  if (!sparse()) {
    const T* x = values + i * row_stride;
    for (std::int64_t j = 0; j < cols; ++j) sum += static_cast<double>(x[j]) * x[j];
    return sum;
  }
  for (std::int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
    sum += static_cast<double>(values[k]) * values[k];
  }
  return sum;
}

template struct RowMatrix<float>;
template struct RowMatrix<double>;

}  // namespace mlarsenal::linear
