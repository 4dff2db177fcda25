#include <utility>

#include "check.cuh"
#include "mlarsenal/cuda/memory.hpp"

namespace mlarsenal::cuda {

DeviceBuffer::DeviceBuffer(std::size_t bytes, int device) : bytes_(bytes), device_(device) {
  detail::DeviceScope scope(device);
  // cudaMalloc of 0 bytes returns null, which is fine for empty arrays.
  if (bytes > 0) detail::check(cudaMalloc(&data_, bytes), "cudaMalloc");
}

DeviceBuffer::~DeviceBuffer() {
  if (data_ == nullptr) return;
  int previous = 0;
  cudaGetDevice(&previous);
  cudaSetDevice(device_);
  cudaFree(data_);  // errors ignored: a destructor must not throw
  cudaSetDevice(previous);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(other.bytes_), device_(other.device_) {}

void copy_to_device(std::uintptr_t device_dst, const void* host_src, std::size_t bytes,
                    const ExecutionContext& ctx) {
  if (bytes == 0) return;
  detail::DeviceScope scope(ctx.device);
  // From pageable memory the copy is staged before the call returns, so the
  // host buffer may be released afterwards.
  detail::check(cudaMemcpyAsync(reinterpret_cast<void*>(device_dst), host_src, bytes,
                                cudaMemcpyHostToDevice, detail::stream_of(ctx)),
                "cudaMemcpyAsync (host to device)");
}

void copy_to_host(void* host_dst, std::uintptr_t device_src, std::size_t bytes,
                  const ExecutionContext& ctx) {
  detail::DeviceScope scope(ctx.device);
  if (bytes > 0)
    detail::check(cudaMemcpyAsync(host_dst, reinterpret_cast<const void*>(device_src), bytes,
                                  cudaMemcpyDeviceToHost, detail::stream_of(ctx)),
                  "cudaMemcpyAsync (device to host)");
  detail::check(cudaStreamSynchronize(detail::stream_of(ctx)), "cudaStreamSynchronize");
}

void synchronize(const ExecutionContext& ctx) {
  detail::DeviceScope scope(ctx.device);
  detail::check(cudaStreamSynchronize(detail::stream_of(ctx)), "cudaStreamSynchronize");
}

}  // namespace mlarsenal::cuda
