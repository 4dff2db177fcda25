// The float32 register-blocked dot-product tile shared by kNN, pairwise
// distances and k-means: a block of 256 threads computes the 128 x 128 dot
// products of 128 rows of A (queries, points) with 128 rows of B (database
// rows, centres), accumulating with exact fp32 FMAs (never TF32).
//
// Thread (ty, tx) = (tid / 16, tid % 16) owns rows ty*4 + {0..3} and
// 64 + ty*4 + {0..3}, and columns tx*4 + {0..3} and 64 + tx*4 + {0..3}: the
// two halves make a quarter-warp's float4 reads of shared memory contiguous
// (conflict-free), and every row's 128 values sit in one half-warp, so
// per-row selection (top-k, argmin) needs only that warp.
//
// Depth is staged 16 features at a time through shared memory, transposed
// (feature-major) so the inner loop reads float4 fragments; the next stage is
// loaded from global memory into registers while the current one is used.
// Rows past the end and features past d read as zero.
#pragma once

#include <cstdint>

namespace mlarsenal::cuda::detail {

constexpr int kTileRows = 128;
constexpr int kTileCols = 128;
constexpr int kTileDepth = 16;
constexpr int kTileThreads = 256;
// Padding keeps rows 16-byte aligned for float4 reads.
constexpr int kTilePitch = kTileRows + 4;

struct DotTileShared {
  float a[kTileDepth][kTilePitch];
  float b[kTileDepth][kTilePitch];
};

// Row r (0..7) / column c (0..7) of a thread's 8 x 8 fragment, within the tile.
__device__ __forceinline__ int tile_row(int r) {
  const int ty = threadIdx.x / 16;
  return (r < 4 ? 0 : 64) + ty * 4 + (r & 3);
}
__device__ __forceinline__ int tile_col(int c) {
  const int tx = threadIdx.x % 16;
  return (c < 4 ? 0 : 64) + tx * 4 + (c & 3);
}

// One operand: `rows` rows starting at `first`, row stride `stride` elements.
struct TileOperand {
  const float* data;
  std::int64_t rows;
  std::int64_t stride;
  bool vector_loads;  // 16-byte aligned rows and d % 4 == 0: float4 loads
};

// Each thread stages 8 consecutive features of one row: row tid / 2,
// features (tid % 2) * 8 .. + 8 of the stage.
__device__ __forceinline__ void load_stage(const TileOperand& op, std::int64_t first, int d, int k0,
                                           float (&v)[8]) {
  const int row = threadIdx.x / 2;
  const int f0 = k0 + (threadIdx.x % 2) * 8;
  const std::int64_t global_row = first + row;
  if (global_row >= op.rows) {
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i] = 0.f;
    return;
  }
  const float* p = op.data + global_row * op.stride + f0;
  if (op.vector_loads && f0 + 8 <= d) {
    const float4 lo = __ldg(reinterpret_cast<const float4*>(p));
    const float4 hi = __ldg(reinterpret_cast<const float4*>(p + 4));
    v[0] = lo.x, v[1] = lo.y, v[2] = lo.z, v[3] = lo.w;
    v[4] = hi.x, v[5] = hi.y, v[6] = hi.z, v[7] = hi.w;
    return;
  }
#pragma unroll
  for (int i = 0; i < 8; ++i) v[i] = f0 + i < d ? __ldg(p + i) : 0.f;
}

__device__ __forceinline__ void store_stage(float (&dst)[kTileDepth][kTilePitch],
                                            const float (&v)[8]) {
  const int row = threadIdx.x / 2;
  const int f0 = (threadIdx.x % 2) * 8;
#pragma unroll
  for (int i = 0; i < 8; ++i) dst[f0 + i][row] = v[i];
}

// acc[r][c] = sum over features of A(a_first + tile_row(r)) * B(b_first + tile_col(c)).
// Starts and ends with __syncthreads, so callers may reuse `s` freely outside.
__device__ __forceinline__ void dot_tile(const TileOperand& a, std::int64_t a_first,
                                         const TileOperand& b, std::int64_t b_first, int d,
                                         DotTileShared& s, float (&acc)[8][8]) {
#pragma unroll
  for (int r = 0; r < 8; ++r)
#pragma unroll
    for (int c = 0; c < 8; ++c) acc[r][c] = 0.f;
  const int ty = threadIdx.x / 16, tx = threadIdx.x % 16;
  float va[8], vb[8];
  load_stage(a, a_first, d, 0, va);
  load_stage(b, b_first, d, 0, vb);
  for (int k0 = 0; k0 < d; k0 += kTileDepth) {
    __syncthreads();  // the previous stage (or the caller) is done with s
    store_stage(s.a, va);
    store_stage(s.b, vb);
    __syncthreads();
    if (k0 + kTileDepth < d) {  // overlap the next stage's loads with this one's FMAs
      load_stage(a, a_first, d, k0 + kTileDepth, va);
      load_stage(b, b_first, d, k0 + kTileDepth, vb);
    }
#pragma unroll
    for (int k = 0; k < kTileDepth; ++k) {
      const float4 a0 = *reinterpret_cast<const float4*>(&s.a[k][ty * 4]);
      const float4 a1 = *reinterpret_cast<const float4*>(&s.a[k][64 + ty * 4]);
      const float4 b0 = *reinterpret_cast<const float4*>(&s.b[k][tx * 4]);
      const float4 b1 = *reinterpret_cast<const float4*>(&s.b[k][64 + tx * 4]);
      const float fa[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
      const float fb[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
      for (int r = 0; r < 8; ++r)
#pragma unroll
        for (int c = 0; c < 8; ++c) acc[r][c] = __fmaf_rn(fa[r], fb[c], acc[r][c]);
    }
  }
  __syncthreads();
}

inline bool aligned_for_vectors(const float* p, std::int64_t stride, std::int64_t d) {
  return reinterpret_cast<std::uintptr_t>(p) % 16 == 0 && stride % 4 == 0 && d % 4 == 0;
}

}  // namespace mlarsenal::cuda::detail
