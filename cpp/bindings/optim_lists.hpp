// What the optimizer bindings of _core.optim (bind_optim.cpp) and _cuda.optim
// (cuda_optim.cpp) share: the per-tensor lists Python hands over (addresses,
// element counts, per-tensor scalars) and their length checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mlarsenal/common/errors.hpp"

namespace mlarsenal::bindings::optim_lists {

using Addresses = std::vector<std::uintptr_t>;
using Numels = std::vector<std::int64_t>;
using Scalars = std::vector<double>;

// Per-tensor lists must all have one entry per tensor; a list of state that
// the options do not use may be empty instead.
template <class V>
void require_length(const V& list, std::size_t n, const char* name, bool used = true) {
  if (!used && list.empty()) return;
  if (list.size() != n) {
    throw InvalidArgument(std::string(name) + ": expected " + std::to_string(n) +
                          " entries (one per tensor), got " + std::to_string(list.size()));
  }
}

template <class T>
T* pointer(const Addresses& list, std::size_t i) {
  return list.empty() ? nullptr : reinterpret_cast<T*>(list[i]);
}

}  // namespace mlarsenal::bindings::optim_lists
