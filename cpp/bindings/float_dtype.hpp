// Picking the float type of a kernel call from a dtype name that Python
// passes along with raw addresses (the optimizer and GPU bindings).
#pragma once

#include <string>

#include "mlarsenal/common/errors.hpp"

namespace mlarsenal::bindings {

// Calls fn(T{}) with T = float for "float32" or double for "float64";
// anything else raises TypeMismatch("<unsupported>, got <dtype>").
template <class Fn>
void with_float_dtype(const std::string& dtype, const char* unsupported, Fn&& fn) {
  if (dtype == "float32") {
    fn(float{});
  } else if (dtype == "float64") {
    fn(double{});
  } else {
    throw TypeMismatch(std::string(unsupported) + ", got " + dtype);
  }
}

}  // namespace mlarsenal::bindings
