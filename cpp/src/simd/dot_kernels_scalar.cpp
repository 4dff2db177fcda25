// Dot-product micro-kernels for the scalar instruction set: 4x8 float tiles and
// 4x4 double tiles (flags: cmake/MlarsenalSimd.cmake). Tile shapes were
// measured, not guessed: on AVX-512, 6x64 sustains ~150 GFLOP/s per core at d=128 where
// 14x32 (the classic shape, more broadcasts per FMA) gives ~110.
#define MLARSENAL_SIMD_NS scalar
#define MLARSENAL_SIMD_NAME "scalar"
#define MLARSENAL_VECTOR_BYTES 16
#define MLARSENAL_MR_F32 4
#define MLARSENAL_NV_F32 2
#define MLARSENAL_MR_F64 4
#define MLARSENAL_NV_F64 2
#include "dot_kernels_impl.inc"
