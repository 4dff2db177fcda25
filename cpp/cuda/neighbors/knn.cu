// Exact k-NN on the GPU: fused float32 scan with per-query top-k lists ->
// merge with exact double re-scoring -> exact re-scan of undecided queries.
//
// 1. scan: block (query tile of 128, database chunk). For each 128-row tile
//    of its chunk the block computes the 128 x 128 float32 scores
//    (dot_tile.cuh), then each warp filters its 16 queries' scores against
//    the per-query threshold (the worst of a full list) with one ballot per
//    fragment slot; the rare survivors are inserted one at a time into a
//    sorted list of kc candidates in shared memory by the whole warp. The
//    score matrix never leaves registers.
// 2. merge: one warp per query walks the chunks' sorted lists as a k-way
//    merge to find the k-th smallest approximate score, checks (as the CPU
//    engine does) that every row left out of a full list scores above it by
//    more than twice the rounding bound, re-scores in double only the
//    candidates that can still be in the top k, and emits them in (distance,
//    index) order. Queries that fail the check are flagged.
// 3. exact: flagged queries (and every query of a float64 search) are scanned
//    exactly in double by one block each.
#include <cuda_runtime.h>

#include <algorithm>
#include <cfloat>
#include <climits>
#include <string>

#include "../common/check.cuh"
#include "dot_tile.cuh"
#include "exact_distance.cuh"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/neighbors.hpp"
#include "row_norms.cuh"

namespace mlarsenal::cuda {
namespace {

using detail::DotTileShared;
using detail::kTileCols;
using detail::kTileRows;
using detail::kTileThreads;
using detail::TileOperand;

constexpr unsigned kFullMask = 0xffffffffu;

// How a float32 tile score is formed from the dot product (the CPU engine's
// finish modes, minus the per-query constant |q|^2, which ranks nothing).
enum ScoreMode : int { kEuclideanScore = 0, kNegatedDot = 1, kCosineScore = 2 };

int score_mode(int metric) {
  if (metric == detail::kCosine) return kCosineScore;
  if (metric == detail::kInnerProduct) return kNegatedDot;
  return kEuclideanScore;
}

struct ScanArgs {
  TileOperand q, y;
  int d;
  int mode;
  const float* y_add;    // |y|^2 (euclidean modes)
  const float* y_scale;  // 1/|y| (cosine)
  const float* q_scale;  // 1/|q| (cosine)
  std::int64_t chunk_rows;
  int n_chunks;
  int kc;                   // candidates kept per query and chunk (<= 64)
  float* out_score;         // (n_q, n_chunks, kc)
  std::int32_t* out_index;  // (n_q, n_chunks, kc), -1 for empty slots
};

struct ScanLists {
  float* tau;           // [128] worst score of a full list, else +inf
  int* count;           // [128]
  float* score;         // [128][kc]
  std::int32_t* index;  // [128][kc]
  __device__ float* index_end(int kc) const {
    return reinterpret_cast<float*>(index + kTileRows * kc);
  }
};

// Inserts (v, id) into query q's sorted list; called by all 32 lanes of the
// warp owning q with the same arguments.
__device__ void insert_candidate(const ScanLists& l, int kc, int q, float v, std::int32_t id) {
  const int lane = threadIdx.x % 32;
  if (!(v < l.tau[q])) return;
  float* s = l.score + q * kc;
  std::int32_t* ix = l.index + q * kc;
  const int n = l.count[q];
  int pos = 0;
  for (int base = 0; base < n; base += 32) {
    const int e = base + lane;
    pos += __popc(__ballot_sync(kFullMask, e < n && s[e] <= v));
  }
  const int new_n = min(n + 1, kc);
  float keep_s[2];
  std::int32_t keep_i[2];
#pragma unroll
  for (int part = 0; part < 2; ++part) {
    const int e = lane + 32 * part;
    if (e >= pos && e < new_n - 1) keep_s[part] = s[e], keep_i[part] = ix[e];
  }
  __syncwarp();
#pragma unroll
  for (int part = 0; part < 2; ++part) {
    const int e = lane + 32 * part;
    if (e >= pos && e < new_n - 1) s[e + 1] = keep_s[part], ix[e + 1] = keep_i[part];
  }
  __syncwarp();
  if (lane == 0) {
    s[pos] = v;
    ix[pos] = id;
    l.count[q] = new_n;
    l.tau[q] = new_n == kc ? s[kc - 1] : INFINITY;
  }
  __syncwarp();
}

__global__ void __launch_bounds__(kTileThreads, 2) knn_scan_kernel(ScanArgs a) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  DotTileShared& tile = *reinterpret_cast<DotTileShared*>(shared_bytes);
  ScanLists lists;
  lists.tau = reinterpret_cast<float*>(shared_bytes + sizeof(DotTileShared));
  lists.count = reinterpret_cast<int*>(lists.tau + kTileRows);
  lists.score = reinterpret_cast<float*>(lists.count + kTileRows);
  lists.index = reinterpret_cast<std::int32_t*>(lists.score + kTileRows * a.kc);

  const std::int64_t q0 = static_cast<std::int64_t>(blockIdx.x) * kTileRows;
  const int chunk = blockIdx.y;
  const std::int64_t c0 = chunk * a.chunk_rows;
  const std::int64_t c1 = min(a.y.rows, c0 + a.chunk_rows);
  for (int i = threadIdx.x; i < kTileRows; i += blockDim.x) {
    lists.tau[i] = INFINITY;
    lists.count[i] = 0;
  }
  // Per-query terms live in shared memory: registers go to the 8 x 8 fragment.
  float* q_scale = lists.index_end(a.kc);
  for (int i = threadIdx.x; i < kTileRows; i += blockDim.x)
    q_scale[i] = (a.mode == kCosineScore && q0 + i < a.q.rows) ? a.q_scale[q0 + i] : 1.f;
  const int valid_rows = static_cast<int>(min(static_cast<std::int64_t>(kTileRows), a.q.rows - q0));
  // (dot_tile starts with __syncthreads: the initialisation is visible.)
  float acc[8][8];
  for (std::int64_t b0 = c0; b0 < c1; b0 += kTileCols) {
    detail::dot_tile(a.q, q0, a.y, b0, a.d, tile, acc);
#pragma unroll
    for (int c = 0; c < 8; ++c) {
      const std::int64_t col = b0 + detail::tile_col(c);
      const bool valid = col < c1;
      const float add = (valid && a.mode == kEuclideanScore) ? a.y_add[col] : 0.f;
      const float scale = (valid && a.mode == kCosineScore) ? a.y_scale[col] : 1.f;
#pragma unroll
      for (int r = 0; r < 8; ++r) {
        float s;
        if (a.mode == kEuclideanScore)
          s = __fmaf_rn(-2.f, acc[r][c], add);
        else if (a.mode == kNegatedDot)
          s = -acc[r][c];
        else
          s = -__fmul_rn(__fmul_rn(acc[r][c], q_scale[detail::tile_row(r)]), scale);
        acc[r][c] = valid ? s : INFINITY;
      }
    }
#pragma unroll
    for (int r = 0; r < 8; ++r) {
      const int q = detail::tile_row(r);
      float threshold = q < valid_rows ? lists.tau[q] : -INFINITY;
#pragma unroll
      for (int c = 0; c < 8; ++c) {
        unsigned pending = __ballot_sync(kFullMask, acc[r][c] < threshold);
        while (pending != 0) {
          const int src = __ffs(pending) - 1;
          pending &= pending - 1;
          const float v = __shfl_sync(kFullMask, acc[r][c], src);
          const int id = __shfl_sync(kFullMask, static_cast<int>(b0 + detail::tile_col(c)), src);
          const int qq = __shfl_sync(kFullMask, q, src);
          insert_candidate(lists, a.kc, qq, v, id);
        }
        threshold = q < valid_rows ? lists.tau[q] : -INFINITY;
      }
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < kTileRows * a.kc; i += blockDim.x) {
    const int q = i / a.kc, e = i % a.kc;
    if (q0 + q >= a.q.rows) continue;
    const std::int64_t at = ((q0 + q) * a.n_chunks + chunk) * a.kc + e;
    const bool filled = e < lists.count[q];
    a.out_score[at] = filled ? lists.score[q * a.kc + e] : INFINITY;
    a.out_index[at] = filled ? lists.index[q * a.kc + e] : -1;
  }
}

struct MergeArgs {
  const float* x;
  std::int64_t x_stride;
  const float* y;
  std::int64_t y_stride;
  std::int64_t d, n_q, n_y, k;
  int metric;
  std::int64_t chunk_rows;
  int n_chunks, kc;
  const float* score;
  const std::int32_t* index;
  const double* q_squared;
  const unsigned long long* max_y_bits;
  std::int64_t* out_index;
  float* out_distance;
  int* undecided;
};

// Lexicographic (score, index) minimum across the warp; returns the winner's lane.
__device__ int warp_argmin(double& v, std::int64_t& i) {
  int lane_of = threadIdx.x % 32;
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) {
    const double ov = __shfl_xor_sync(kFullMask, v, offset);
    const std::int64_t oi = __shfl_xor_sync(kFullMask, i, offset);
    const int ol = __shfl_xor_sync(kFullMask, lane_of, offset);
    if (detail::pair_less(ov, oi, v, i) || (ov == v && oi == i && ol < lane_of)) {
      v = ov, i = oi, lane_of = ol;
    }
  }
  return lane_of;
}

// One warp per query; shared memory holds the re-scored candidates.
__global__ void knn_merge_kernel(MergeArgs a) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  const int lane = threadIdx.x % 32;
  const std::int64_t q = blockIdx.x;
  const int m = a.n_chunks * a.kc;
  double* exact = reinterpret_cast<double*>(shared_bytes);
  std::int64_t* exact_index = reinterpret_cast<std::int64_t*>(exact + m);
  const float* s = a.score + q * m;
  const std::int32_t* ix = a.index + q * m;

  // Smallest score left out of any full chunk list.
  float worst_full = INFINITY;
  for (int c = lane; c < a.n_chunks; c += 32) {
    const std::int64_t size = min(a.chunk_rows, a.n_y - c * a.chunk_rows);
    if (size > a.kc) worst_full = fminf(worst_full, s[c * a.kc + a.kc - 1]);
  }
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2)
    worst_full = fminf(worst_full, __shfl_xor_sync(kFullMask, worst_full, offset));

  // k-way merge of the sorted chunk lists up to the k-th smallest score.
  int head[2] = {0, 0};  // lane owns chunks lane and lane + 32
  float kth = INFINITY;
  for (std::int64_t round = 0; round < a.k; ++round) {
    double best = INFINITY;
    std::int64_t best_at = LLONG_MAX;
#pragma unroll
    for (int part = 0; part < 2; ++part) {
      const int c = lane + 32 * part;
      if (c < a.n_chunks && head[part] < a.kc) {
        const std::int64_t at = c * a.kc + head[part];
        const double v = s[at];
        if (detail::pair_less(v, at, best, best_at)) best = v, best_at = at;
      }
    }
    warp_argmin(best, best_at);
    kth = static_cast<float>(best);
    const int owner_chunk = static_cast<int>(best_at / a.kc);
    if (owner_chunk == lane) ++head[0];
    if (owner_chunk == lane + 32) ++head[1];
  }
  const double bound = detail::gemm_error_bound(
      a.metric, a.d, a.q_squared[q], __longlong_as_double(static_cast<long long>(*a.max_y_bits)));
  const double kth_d = static_cast<double>(kth);
  if (!(static_cast<double>(worst_full) > kth_d + 2.0 * bound)) {
    if (lane == 0) a.undecided[q] = 1;
    return;
  }
  // Re-score, in double, the candidates that can still be among the k nearest.
  const double limit = kth_d + 2.0 * bound;
  const float* xq = a.x + q * a.x_stride;
  int n_exact = 0;
  for (int base = 0; base < m; base += 32) {
    const int e = base + lane;
    const bool take = e < m && ix[e] >= 0 && static_cast<double>(s[e]) <= limit;
    const unsigned ballot = __ballot_sync(kFullMask, take);
    if (take) {
      const int slot = n_exact + __popc(ballot & ((1u << lane) - 1));
      const std::int64_t j = ix[e];
      exact[slot] = detail::ranking_distance(xq, a.y + j * a.y_stride, a.d, a.metric);
      exact_index[slot] = j;
    }
    n_exact += __popc(ballot);
  }
  __syncwarp();
  for (std::int64_t r = 0; r < a.k; ++r) {
    double best = INFINITY;
    std::int64_t best_index = LLONG_MAX;
    int best_slot = -1;
    for (int e = lane; e < n_exact; e += 32) {
      if (detail::pair_less(exact[e], exact_index[e], best, best_index))
        best = exact[e], best_index = exact_index[e], best_slot = e;
    }
    const int winner = warp_argmin(best, best_index);
    const int slot = __shfl_sync(kFullMask, best_slot, winner);
    if (lane == 0) {
      a.out_index[q * a.k + r] = best_index;
      a.out_distance[q * a.k + r] = static_cast<float>(detail::finish_distance(best, a.metric));
      exact[slot] = INFINITY;
      exact_index[slot] = LLONG_MAX;
    }
    __syncwarp();
  }
}

constexpr int kExactThreads = 128;

// Exact scan of every database row for one query per block (flagged queries,
// or all of them when `undecided` is null), each thread keeping a sorted
// local list, then k rounds of a block-wide (distance, index) minimum.
template <class T>
__global__ void __launch_bounds__(kExactThreads)
    knn_exact_kernel(const T* __restrict__ x, std::int64_t x_stride, const T* __restrict__ y,
                     std::int64_t y_stride, std::int64_t n_y, std::int64_t d, int metric, int k,
                     const int* undecided, std::int64_t* out_index, T* out_distance) {
  const std::int64_t q = blockIdx.x;
  if (undecided != nullptr && undecided[q] == 0) return;
  double best[kMaxGpuNeighbors];
  std::int64_t best_index[kMaxGpuNeighbors];
  int n = 0;
  const T* xq = x + q * x_stride;
  for (std::int64_t j = threadIdx.x; j < n_y; j += blockDim.x) {
    const double v = detail::ranking_distance(xq, y + j * y_stride, d, metric);
    if (n == k && !detail::pair_less(v, j, best[k - 1], best_index[k - 1])) continue;
    int p = n < k ? n++ : k - 1;
    while (p > 0 && detail::pair_less(v, j, best[p - 1], best_index[p - 1])) {
      best[p] = best[p - 1];
      best_index[p] = best_index[p - 1];
      --p;
    }
    best[p] = v;
    best_index[p] = j;
  }
  __shared__ double warp_best[kExactThreads / 32];
  __shared__ std::int64_t warp_index[kExactThreads / 32];
  __shared__ int warp_thread[kExactThreads / 32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  int head = 0;
  for (int r = 0; r < k; ++r) {
    double v = head < n ? best[head] : INFINITY;
    std::int64_t i = head < n ? best_index[head] : LLONG_MAX;
    const int winner_lane = warp_argmin(v, i);
    if (lane == 0) {
      warp_best[warp] = v;
      warp_index[warp] = i;
      warp_thread[warp] = warp * 32 + winner_lane;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      int w_best = 0;
      for (int w = 1; w < kExactThreads / 32; ++w)
        if (detail::pair_less(warp_best[w], warp_index[w], warp_best[w_best], warp_index[w_best]))
          w_best = w;
      out_index[q * k + r] = warp_index[w_best];
      out_distance[q * k + r] = static_cast<T>(detail::finish_distance(warp_best[w_best], metric));
      warp_thread[0] = warp_thread[w_best];
    }
    __syncthreads();
    if (static_cast<int>(threadIdx.x) == warp_thread[0]) ++head;
    __syncthreads();
  }
}

void check_arguments(std::int64_t n_x, std::int64_t n_y, std::int64_t d, int metric,
                     std::int64_t x_stride, std::int64_t y_stride) {
  require(gpu_supports_metric(metric),
          "the GPU kernels support the sqeuclidean, euclidean, cosine and inner_product metrics "
          "(got metric code " +
              std::to_string(metric) + ")");
  require(n_x >= 0 && n_y >= 0 && d >= 0, "sizes must be non-negative");
  require(n_y < (std::int64_t(1) << 31), "the GPU search supports fewer than 2^31 database rows");
  require(x_stride >= d && y_stride >= d, "row strides must be at least the number of features");
}

}  // namespace

bool gpu_supports_metric(int metric) {
  return metric == detail::kSqeuclidean || metric == detail::kEuclidean ||
         metric == detail::kCosine || metric == detail::kInnerProduct;
}

template <class T>
void knn_search(const T* x, std::int64_t n_x, std::int64_t x_stride, const T* y, std::int64_t n_y,
                std::int64_t y_stride, std::int64_t d, int metric, std::int64_t k,
                std::int64_t* indices, T* distances, const ExecutionContext& ctx) {
  check_arguments(n_x, n_y, d, metric, x_stride, y_stride);
  require(d >= 1, "at least one feature is required");
  require(k >= 1 && k <= n_y, "k = " + std::to_string(k) + " must be in [1, " +
                                  std::to_string(n_y) + "] (the number of indexed rows)");
  require(k <= kMaxGpuNeighbors,
          "the GPU search supports k <= " + std::to_string(kMaxGpuNeighbors) +
              ", got k = " + std::to_string(k));
  if (n_x == 0) return;
  detail::DeviceScope scope(ctx.device);
  const cudaStream_t stream = detail::stream_of(ctx);

  if constexpr (!std::is_same<T, float>::value) {
    // float64: exact double scan of every query (no float32 candidate pass).
    knn_exact_kernel<T><<<static_cast<unsigned>(n_x), kExactThreads, 0, stream>>>(
        x, x_stride, y, y_stride, n_y, d, metric, static_cast<int>(k), nullptr, indices, distances);
    detail::check_launch("knn_exact_kernel");
    return;
  } else {
    const int kc = static_cast<int>(std::min<std::int64_t>(kMaxGpuNeighbors, k + 16));
    const std::int64_t q_tiles = detail::ceil_div(n_x, kTileRows);
    // Enough blocks to fill the GPU about four times over, chunks of at
    // least 8 tiles, at most 64 chunks (the merge reads n_chunks * kc).
    const std::int64_t target = 8LL * detail::multiprocessors(ctx.device);
    std::int64_t n_chunks = std::clamp<std::int64_t>(detail::ceil_div(target, q_tiles), 1, 64);
    n_chunks = std::min(n_chunks, std::max<std::int64_t>(1, detail::ceil_div(n_y, 8 * kTileCols)));
    const std::int64_t chunk_rows =
        detail::ceil_div(detail::ceil_div(n_y, n_chunks), kTileCols) * kTileCols;
    n_chunks = detail::ceil_div(n_y, chunk_rows);

    detail::Scratch<double> q_squared(static_cast<std::size_t>(n_x), stream);
    detail::Scratch<float> q_scale(static_cast<std::size_t>(n_x), stream);
    detail::Scratch<float> y_add(static_cast<std::size_t>(n_y), stream);
    detail::Scratch<float> y_scale(static_cast<std::size_t>(n_y), stream);
    detail::Scratch<unsigned long long> max_y(1, stream);
    detail::check(cudaMemsetAsync(max_y.get(), 0, sizeof(unsigned long long), stream),
                  "cudaMemsetAsync");
    detail::launch_row_norms(x, n_x, x_stride, d, q_squared.get(), nullptr, q_scale.get(), nullptr,
                             stream);
    detail::launch_row_norms(y, n_y, y_stride, d, nullptr, y_add.get(), y_scale.get(), max_y.get(),
                             stream);
    detail::check_launch("row_norms_kernel");

    const std::size_t m = static_cast<std::size_t>(n_x * n_chunks * kc);
    detail::Scratch<float> scores(m, stream);
    detail::Scratch<std::int32_t> index(m, stream);
    detail::Scratch<int> undecided(static_cast<std::size_t>(n_x), stream);
    detail::check(cudaMemsetAsync(undecided.get(), 0, sizeof(int) * n_x, stream),
                  "cudaMemsetAsync");

    ScanArgs a;
    a.q = {x, n_x, x_stride, detail::aligned_for_vectors(x, x_stride, d)};
    a.y = {y, n_y, y_stride, detail::aligned_for_vectors(y, y_stride, d)};
    a.d = static_cast<int>(d);
    a.mode = score_mode(metric);
    a.y_add = y_add.get();
    a.y_scale = y_scale.get();
    a.q_scale = q_scale.get();
    a.chunk_rows = chunk_rows;
    a.n_chunks = static_cast<int>(n_chunks);
    a.kc = kc;
    a.out_score = scores.get();
    a.out_index = index.get();
    const std::size_t scan_shared =
        sizeof(DotTileShared) + kTileRows * (sizeof(float) + sizeof(int)) +
        static_cast<std::size_t>(kTileRows) * kc * (sizeof(float) + sizeof(std::int32_t)) +
        kTileRows * sizeof(float);
    detail::reserve_dynamic_shared(knn_scan_kernel, scan_shared, ctx.device, "knn_scan_kernel");
    knn_scan_kernel<<<dim3(static_cast<unsigned>(q_tiles), static_cast<unsigned>(n_chunks)),
                      kTileThreads, scan_shared, stream>>>(a);
    detail::check_launch("knn_scan_kernel");

    MergeArgs g;
    g.x = x, g.x_stride = x_stride, g.y = y, g.y_stride = y_stride;
    g.d = d, g.n_q = n_x, g.n_y = n_y, g.k = k, g.metric = metric;
    g.chunk_rows = chunk_rows, g.n_chunks = static_cast<int>(n_chunks), g.kc = kc;
    g.score = scores.get(), g.index = index.get();
    g.q_squared = q_squared.get(), g.max_y_bits = max_y.get();
    g.out_index = indices, g.out_distance = distances, g.undecided = undecided.get();
    const std::size_t merge_shared = m / n_x * (sizeof(double) + sizeof(std::int64_t));
    detail::reserve_dynamic_shared(knn_merge_kernel, merge_shared, ctx.device, "knn_merge_kernel");
    knn_merge_kernel<<<static_cast<unsigned>(n_x), 32, merge_shared, stream>>>(g);
    detail::check_launch("knn_merge_kernel");

    knn_exact_kernel<float><<<static_cast<unsigned>(n_x), kExactThreads, 0, stream>>>(
        x, x_stride, y, y_stride, n_y, d, metric, static_cast<int>(k), undecided.get(), indices,
        distances);
    detail::check_launch("knn_exact_kernel");
  }
}

template void knn_search<float>(const float*, std::int64_t, std::int64_t, const float*,
                                std::int64_t, std::int64_t, std::int64_t, int, std::int64_t,
                                std::int64_t*, float*, const ExecutionContext&);
template void knn_search<double>(const double*, std::int64_t, std::int64_t, const double*,
                                 std::int64_t, std::int64_t, std::int64_t, int, std::int64_t,
                                 std::int64_t*, double*, const ExecutionContext&);

}  // namespace mlarsenal::cuda
