// Histogram kernels built for the avx2 instruction set (flags: cmake/MlarsenalSimd.cmake).
#define MLARSENAL_SIMD_NS avx2
#define MLARSENAL_SIMD_NAME "avx2"
#include "histogram_kernels_impl.inc"
