// Exception types thrown by kernels.
//
// Kernels report bad input by throwing; the bindings translate each type into
// the Python exception named below, so a kernel never aborts the interpreter.
#pragma once

#include <stdexcept>
#include <string>

namespace mlarsenal {

// A value, shape or size the kernel cannot work with.  Python: ValueError.
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// An argument of the wrong kind (dtype, layout the kernel does not accept).
// Python: TypeError.
class TypeMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InvalidArgument with `message` unless `condition` holds.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw InvalidArgument(message);
}

}  // namespace mlarsenal
