#include <cuda_runtime.h>

#include <vector>

#include "mlarsenal/cuda/device.hpp"

namespace mlarsenal::cuda {
namespace {

__global__ void iota_squared(int* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = i * i;
}

std::string describe(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

}  // namespace

RuntimeStatus runtime_status() {
  RuntimeStatus s;
  cudaRuntimeGetVersion(&s.runtime_version);
  if (cudaDriverGetVersion(&s.driver_version) != cudaSuccess) s.driver_version = 0;
  const cudaError_t e = cudaGetDeviceCount(&s.device_count);
  if (e != cudaSuccess) {
    s.device_count = 0;
    s.error = describe(e);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
  }
  return s;
}

std::vector<DeviceInfo> devices() {
  std::vector<DeviceInfo> out;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return out;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) continue;
    DeviceInfo info;
    info.index = d;
    info.name = p.name;
    info.compute_major = p.major;
    info.compute_minor = p.minor;
    info.total_memory = p.totalGlobalMem;
    info.multiprocessors = p.multiProcessorCount;
    out.push_back(info);
  }
  return out;
}

bool self_test(int device, std::string& error) {
  constexpr int n = 1000;
  cudaError_t e = cudaSetDevice(device);
  if (e != cudaSuccess) {
    error = describe(e);
    return false;
  }
  int* d_out = nullptr;
  e = cudaMalloc(&d_out, n * sizeof(int));
  if (e != cudaSuccess) {
    error = describe(e);
    return false;
  }
  iota_squared<<<(n + 255) / 256, 256>>>(d_out, n);
  std::vector<int> host(n);
  e = cudaGetLastError();
  if (e == cudaSuccess) e = cudaMemcpy(host.data(), d_out, n * sizeof(int), cudaMemcpyDeviceToHost);
  cudaFree(d_out);
  if (e != cudaSuccess) {
    error = describe(e);
    return false;
  }
  for (int i = 0; i < n; ++i) {
    if (host[i] != i * i) {
      error = "wrong result at index " + std::to_string(i);
      return false;
    }
  }
  return true;
}

}  // namespace mlarsenal::cuda
