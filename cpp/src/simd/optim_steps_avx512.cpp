// Optimizer element loops built for the avx512 instruction set (flags: cmake/MlarsenalSimd.cmake).
#define MLARSENAL_SIMD_NS avx512
#define MLARSENAL_SIMD_NAME "avx512"
#include "optim_steps_impl.inc"
