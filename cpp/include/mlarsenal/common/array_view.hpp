// Non-owning strided views over arrays owned by the caller.
//
// Strides are in elements (not bytes) and may be negative or zero, so numpy
// slices, transposes and broadcasts map onto a view without a copy. A view
// never owns memory: the caller keeps the buffer alive for the kernel's
// duration. Views are trivially copyable and safe to share between threads
// when the element type is const.
#pragma once

#include <cstdint>

namespace mlarsenal {

template <class T>
struct VectorView {
  T* data = nullptr;
  std::int64_t size = 0;
  std::int64_t stride = 1;

  VectorView() = default;
  VectorView(T* data_, std::int64_t size_, std::int64_t stride_ = 1)
      : data(data_), size(size_), stride(stride_) {}

  T& operator[](std::int64_t i) const { return data[i * stride]; }
  bool empty() const { return size == 0; }
  bool contiguous() const { return stride == 1 || size <= 1; }
  // A view of rows [begin, end).
  VectorView slice(std::int64_t begin, std::int64_t end) const {
    return VectorView(data + begin * stride, end - begin, stride);
  }
};

template <class T>
struct MatrixView {
  T* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t row_stride = 0;  // elements between (i, j) and (i + 1, j)
  std::int64_t col_stride = 1;  // elements between (i, j) and (i, j + 1)

  MatrixView() = default;
  MatrixView(T* data_, std::int64_t rows_, std::int64_t cols_, std::int64_t row_stride_,
             std::int64_t col_stride_)
      : data(data_), rows(rows_), cols(cols_), row_stride(row_stride_), col_stride(col_stride_) {}

  T& operator()(std::int64_t i, std::int64_t j) const {
    return data[i * row_stride + j * col_stride];
  }
  VectorView<T> row(std::int64_t i) const {
    return VectorView<T>(data + i * row_stride, cols, col_stride);
  }
  VectorView<T> col(std::int64_t j) const {
    return VectorView<T>(data + j * col_stride, rows, row_stride);
  }
  bool c_contiguous() const {
    return (col_stride == 1 || cols <= 1) && (row_stride == cols || rows <= 1);
  }
  bool f_contiguous() const {
    return (row_stride == 1 || rows <= 1) && (col_stride == rows || cols <= 1);
  }
};

}  // namespace mlarsenal
