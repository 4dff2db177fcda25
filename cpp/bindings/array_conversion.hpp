// numpy array -> kernel view conversion for the bindings.
//
// The Python layer has already chosen dtypes; these functions only check
// what they are handed (dtype, ndim, element-aligned strides) and never copy.
// Read-only arrays are accepted: views are const. Call them with the GIL held.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "mlarsenal/common/array_view.hpp"
#include "mlarsenal/common/errors.hpp"

namespace mlarsenal::bindings {

namespace py = pybind11;

// True when a's dtype is equivalent to T's. (dtype::is() compares object
// identity, which fails for arrays that were unpickled or memory-mapped.)
template <class T>
bool has_dtype(const py::array& a) {
  return py::isinstance<py::array_t<T>>(a);
}

template <class T>
void require_dtype(const py::array& a, const char* name) {
  if (!has_dtype<T>(a)) {
    throw TypeMismatch(std::string(name) + ": expected dtype " +
                       std::string(py::str(py::dtype::of<T>())) + ", got " +
                       std::string(py::str(a.dtype())));
  }
}

inline std::int64_t element_stride(const py::array& a, int axis, std::size_t itemsize,
                                   const char* name) {
  const auto bytes = static_cast<std::int64_t>(a.strides(axis));
  if (bytes % static_cast<std::int64_t>(itemsize) != 0) {
    throw InvalidArgument(std::string(name) + ": strides not a multiple of the item size");
  }
  return bytes / static_cast<std::int64_t>(itemsize);
}

template <class T>
VectorView<const T> vector_view(const py::array& a, const char* name) {
  require_dtype<T>(a, name);
  if (a.ndim() != 1)
    throw InvalidArgument(std::string(name) + ": expected a 1-d array, got " +
                          std::to_string(a.ndim()) + "-d");
  return VectorView<const T>(static_cast<const T*>(a.data()), a.shape(0),
                             element_stride(a, 0, sizeof(T), name));
}

// None -> an empty view (meaning "no weights").
template <class T>
VectorView<const T> optional_vector_view(const py::object& o, const char* name) {
  if (o.is_none()) return {};
  return vector_view<T>(o.cast<py::array>(), name);
}

// A 1-d array is viewed as one column.
template <class T>
MatrixView<const T> matrix_view(const py::array& a, const char* name) {
  require_dtype<T>(a, name);
  const auto* data = static_cast<const T*>(a.data());
  if (a.ndim() == 1) {
    return MatrixView<const T>(data, a.shape(0), 1, element_stride(a, 0, sizeof(T), name), 1);
  }
  if (a.ndim() != 2)
    throw InvalidArgument(std::string(name) + ": expected a 1-d or 2-d array, got " +
                          std::to_string(a.ndim()) + "-d");
  return MatrixView<const T>(data, a.shape(0), a.shape(1), element_stride(a, 0, sizeof(T), name),
                             element_stride(a, 1, sizeof(T), name));
}

}  // namespace mlarsenal::bindings
