// Histogram kernels built for the avx512 instruction set (flags: cmake/MlarsenalSimd.cmake).
#define MLARSENAL_SIMD_NS avx512
#define MLARSENAL_SIMD_NAME "avx512"
#include "histogram_kernels_impl.inc"
