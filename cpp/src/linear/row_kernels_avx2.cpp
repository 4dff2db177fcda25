// Linear-model row kernels built for the avx2 instruction set (flags: CMakeLists.txt).
#define MLARSENAL_SIMD_NS avx2
#define MLARSENAL_SIMD_NAME "avx2"
#include "row_kernels_impl.inc"
