// Linear-model row kernels built for the scalar instruction set (flags: CMakeLists.txt).
#define MLARSENAL_SIMD_NS scalar
#define MLARSENAL_SIMD_NAME "scalar"
#include "row_kernels_impl.inc"
