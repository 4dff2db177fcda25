// Error checking and device/stream plumbing shared by the .cu files.
#pragma once

#include <cuda_runtime.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "mlarsenal/cuda/context.hpp"

namespace mlarsenal::cuda::detail {

[[noreturn]] inline void throw_cuda(cudaError_t e, const char* what) {
  // Clear a non-sticky error so the next call starts clean; a sticky one
  // (illegal address) stays, and the message tells the user why.
  cudaGetLastError();
  throw CudaError(std::string("CUDA error in ") + what + ": " + cudaGetErrorName(e) + ": " +
                  cudaGetErrorString(e));
}

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw_cuda(e, what);
}

// After a launch: configuration errors (no kernel image for this GPU, too
// much shared memory) surface here; faults during the run surface at the next
// synchronising call.
inline void check_launch(const char* kernel) {
  check(cudaGetLastError(), kernel);
}

inline cudaStream_t stream_of(const ExecutionContext& ctx) {
  return reinterpret_cast<cudaStream_t>(ctx.stream);
}

// Makes ctx.device current for the scope and restores the caller's device.
class DeviceScope {
 public:
  explicit DeviceScope(int device) {
    check(cudaGetDevice(&previous_), "cudaGetDevice");
    if (previous_ != device) check(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceScope() { cudaSetDevice(previous_); }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = 0;
};

// Stream-ordered scratch memory: allocated on the stream, freed on it when
// the scope ends (so later work on the stream may still use it until then).
template <class T>
class Scratch {
 public:
  Scratch(std::size_t count, cudaStream_t stream) : stream_(stream) {
    if (count == 0) return;
    check(cudaMallocAsync(reinterpret_cast<void**>(&data_), count * sizeof(T), stream),
          "cudaMallocAsync");
  }
  ~Scratch() {
    if (data_ != nullptr) cudaFreeAsync(data_, stream_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T* get() const { return data_; }

 private:
  T* data_ = nullptr;
  cudaStream_t stream_;
};

inline int multiprocessors(int device) {
  int n = 0;
  check(cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, device),
        "cudaDeviceGetAttribute");
  return n;
}

inline int max_shared_optin(int device) {
  int n = 0;
  check(cudaDeviceGetAttribute(&n, cudaDevAttrMaxSharedMemoryPerBlockOptin, device),
        "cudaDeviceGetAttribute");
  return n;
}

// Lets `kernel` launch with `bytes` of dynamic shared memory on the current
// device (`device`). The attribute is per function and process-wide, so it is
// only ever raised, under a lock: setting it per call would let a concurrent
// call with a smaller need lower it between another thread's set and launch
// (that launch then fails with "invalid argument").
template <class Kernel>
void reserve_dynamic_shared(Kernel* kernel, std::size_t bytes, int device, const char* name) {
  if (bytes <= 48 * 1024) return;  // the default limit
  const int optin = max_shared_optin(device);
  if (bytes > static_cast<std::size_t>(optin))
    throw CudaError(std::string(name) + " needs " + std::to_string(bytes) +
                    " bytes of shared memory per block; this GPU allows " + std::to_string(optin));
  static std::mutex mutex;
  static std::map<std::pair<const void*, int>, std::size_t> reserved;
  const std::lock_guard<std::mutex> lock(mutex);
  std::size_t& current = reserved[{reinterpret_cast<const void*>(kernel), device}];
  if (bytes <= current) return;
  check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             static_cast<int>(bytes)),
        "cudaFuncSetAttribute");
  current = bytes;
}

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

}  // namespace mlarsenal::cuda::detail
