// CUDA device discovery, declared without CUDA headers so the bindings
// compile with the host compiler. Implemented in cpp/cuda/common/.
//
// None of these throw when no driver or no GPU is present: they report zero
// devices and the reason, so importing the _cuda module is always safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mlarsenal::cuda {

struct DeviceInfo {
  int index = 0;
  std::string name;
  int compute_major = 0;
  int compute_minor = 0;
  std::size_t total_memory = 0;
  int multiprocessors = 0;
};

struct RuntimeStatus {
  int runtime_version = 0;  // e.g. 13000; linked runtime, always known
  int driver_version = 0;   // 0 without a driver
  int device_count = 0;
  std::string error;  // why there are no devices, empty otherwise
};

RuntimeStatus runtime_status();
std::vector<DeviceInfo> devices();

// Launches a small kernel on `device` and checks its result; false (with the
// reason in `error`) when the device cannot run this build's code.
bool self_test(int device, std::string& error);

}  // namespace mlarsenal::cuda
