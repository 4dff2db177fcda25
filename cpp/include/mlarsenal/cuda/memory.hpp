// Device memory for inputs that arrive from the host (numpy): allocate, copy
// in and out, synchronise. Inputs already on the GPU never come through here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mlarsenal/cuda/context.hpp"

namespace mlarsenal::cuda {

// Owns `bytes` of device memory on ctx.device (cudaMalloc; freed by the
// destructor, which never throws). Not copyable; movable.
class DeviceBuffer {
 public:
  DeviceBuffer(std::size_t bytes, int device);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) = delete;

  std::uintptr_t address() const { return reinterpret_cast<std::uintptr_t>(data_); }
  std::size_t bytes() const { return bytes_; }
  int device() const { return device_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  int device_ = 0;
};

// Host -> device and device -> host copies of `bytes`, ordered on ctx.stream.
// copy_to_host synchronises the stream before returning (the host buffer is
// then valid); copy_to_device returns once the host buffer may be reused.
void copy_to_device(std::uintptr_t device_dst, const void* host_src, std::size_t bytes,
                    const ExecutionContext& ctx);
void copy_to_host(void* host_dst, std::uintptr_t device_src, std::size_t bytes,
                  const ExecutionContext& ctx);

// Waits for everything enqueued on ctx.stream.
void synchronize(const ExecutionContext& ctx);

}  // namespace mlarsenal::cuda
