// Linear-model row kernels built for the avx512 instruction set (flags: CMakeLists.txt).
#define MLARSENAL_SIMD_NS avx512
#define MLARSENAL_SIMD_NAME "avx512"
#include "row_kernels_impl.inc"
