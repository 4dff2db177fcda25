// Where a CUDA call runs, and how it fails. CUDA-free, so the bindings
// compile with the host compiler.
//
// Every function of mlarsenal::cuda takes an ExecutionContext: the device the
// pointers live on and the stream to enqueue on (the caller's library's
// current stream, or 0 for the legacy default stream). Functions enqueue
// work and return without synchronising unless their contract says so; the
// caller synchronises before reading results on the host.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mlarsenal::cuda {

struct ExecutionContext {
  int device = 0;
  std::uintptr_t stream = 0;  // a cudaStream_t as an integer; 0: the default stream
};

// A CUDA runtime error (out of memory, illegal address, no kernel image for
// this GPU...). Python: RuntimeError. After an asynchronous fault the CUDA
// context of the process is unusable; the error says so instead of aborting.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mlarsenal::cuda
