// Optimizer element loops built for the avx2 instruction set (flags: cmake/MlarsenalSimd.cmake).
#define MLARSENAL_SIMD_NS avx2
#define MLARSENAL_SIMD_NAME "avx2"
#include "optim_steps_impl.inc"
