// The rows of a feature matrix, dense or CSR: what the row-wise linear
// solvers (dual coordinate descent for LinearSVC, SGD) read.
#pragma once

#include <cstdint>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::linear {

// The rows of a feature matrix, dense or CSR, borrowed from the caller.
//
// Dense: values[i * row_stride + j] for j < cols (columns contiguous).
// CSR: row i holds values[k] at column indices[k] for k in
// [indptr[i], indptr[i + 1]); indices need not be sorted but must be < cols.
// Weight vectors are double; float rows are widened before any arithmetic.
// Const member functions only read the matrix: safe from any thread.
template <class T>
struct RowMatrix {
  const T* values = nullptr;
  const std::int64_t* indices = nullptr;  // null: dense
  const std::int64_t* indptr = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t row_stride = 0;  // dense only

  static RowMatrix dense(MatrixView<const T> X);
  static RowMatrix csr(const T* values, const std::int64_t* indices, const std::int64_t* indptr,
                       std::int64_t rows, std::int64_t cols);

  bool sparse() const { return indices != nullptr; }
  // Throws InvalidArgument when indptr is not non-decreasing from 0 or an
  // index is out of [0, cols). Called once by every solver entry point.
  void check() const;
  // sum_j x_ij * w[j]
  double dot(std::int64_t i, const double* w) const;
  // w[j] += a * x_ij
  void axpy(std::int64_t i, double a, double* w) const;
  // sum_j x_ij^2
  double squared_norm(std::int64_t i) const;
};

extern template struct RowMatrix<float>;
extern template struct RowMatrix<double>;

}  // namespace mlarsenal::linear
