// Histogram kernels built for the scalar instruction set (flags: cmake/MlarsenalSimd.cmake).
#define MLARSENAL_SIMD_NS scalar
#define MLARSENAL_SIMD_NAME "scalar"
#include "histogram_kernels_impl.inc"
