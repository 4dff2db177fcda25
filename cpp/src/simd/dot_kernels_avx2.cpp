// Dot-product micro-kernels for the avx2 instruction set: 6x16 float tiles and
// 6x8 double tiles (flags: cmake/MlarsenalSimd.cmake). Tile shapes were
// measured, not guessed: on AVX-512, 6x64 sustains ~150 GFLOP/s per core at d=128 where
// 14x32 (the classic shape, more broadcasts per FMA) gives ~110.
#define MLARSENAL_SIMD_NS avx2
#define MLARSENAL_SIMD_NAME "avx2"
#define MLARSENAL_VECTOR_BYTES 32
#define MLARSENAL_MR_F32 6
#define MLARSENAL_NV_F32 2
#define MLARSENAL_MR_F64 6
#define MLARSENAL_NV_F64 2
#include "dot_kernels_impl.inc"
