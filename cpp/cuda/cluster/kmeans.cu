// k-means Lloyd iterations on the GPU (see mlarsenal/cuda/kmeans.hpp).
//
// assign kernel (persistent blocks, 128 points per tile): the float32 tile
// of dot_tile.cuh against every 128-centre tile gives each thread, per row,
// the best and second-best score |c|^2 - 2 x.c of its columns; a butterfly
// over the 16 lanes sharing a row finishes the argmin. When the two best
// are within twice the rounding bound, the point is re-scored exactly in
// double over every centre (the CPU engine's rule, so labels agree). The
// tile's points are then added to their centres' sums (k x (d + 1)
// doubles, the last column the weight): in shared memory when the
// accumulators fit, flushed to global memory once per block with atomics.
// deterministic mode instead sums fixed ranges of points in point order into
// per-range partials and adds the partials in range order.
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "../common/check.cuh"
#include "../neighbors/dot_tile.cuh"
#include "../neighbors/exact_distance.cuh"
#include "../neighbors/row_norms.cuh"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/kmeans.hpp"

namespace mlarsenal::cuda {
namespace {

using detail::DotTileShared;
using detail::kTileCols;
using detail::kTileRows;
using detail::kTileThreads;
using detail::TileOperand;

// Shared-memory accumulators up to this size; larger k * (d + 1) use global atomics.
constexpr std::int64_t kSharedAccumBytes = 96 * 1024;
// Point ranges of the deterministic accumulation (fewer if partials would be large).
constexpr std::int64_t kDeterministicRanges = 256;
constexpr std::int64_t kMaxPartialBytes = std::int64_t(256) << 20;

struct AssignArgs {
  TileOperand x, c;
  int d, k;
  const float* c_add;                    // |c|^2
  const double* x_squared;               // |x|^2
  const unsigned long long* max_c_bits;  // bits of max |c|^2
  const float* weight;                   // null: unit weights
  std::int32_t* labels;
  int* changed;           // null, or += labels that differ from the previous ones
  double* accum;          // null, or (k, d + 1) sums and weights to add to
  bool shared_accum;      // stage accum in shared memory
  double* block_inertia;  // null, or [gridDim.x] weighted exact distances per block
  std::int64_t n_tiles;
};

__global__ void __launch_bounds__(kTileThreads) assign_kernel(AssignArgs a) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  DotTileShared& tile = *reinterpret_cast<DotTileShared*>(shared_bytes);
  auto* label_s = reinterpret_cast<std::int32_t*>(shared_bytes + sizeof(DotTileShared));
  auto* dist_s = reinterpret_cast<double*>(label_s + kTileRows);
  double* accum_s = dist_s + kTileRows;
  const int width = a.d + 1;
  const std::int64_t cells = static_cast<std::int64_t>(a.k) * width;
  if (a.accum != nullptr && a.shared_accum)
    for (std::int64_t i = threadIdx.x; i < cells; i += blockDim.x) accum_s[i] = 0.0;
  const double max_c = __longlong_as_double(static_cast<long long>(*a.max_c_bits));
  const bool row_owner = threadIdx.x % 16 == 0;
  int changed = 0;
  double inertia = 0.0;

  for (std::int64_t t = blockIdx.x; t < a.n_tiles; t += gridDim.x) {
    const std::int64_t p0 = t * kTileRows;
    float best[8], second[8];
    int arg[8];
#pragma unroll
    for (int r = 0; r < 8; ++r) best[r] = second[r] = INFINITY, arg[r] = INT_MAX;
    float acc[8][8];
    for (int c0 = 0; c0 < a.k; c0 += kTileCols) {
      detail::dot_tile(a.x, p0, a.c, c0, a.d, tile, acc);
#pragma unroll
      for (int c = 0; c < 8; ++c) {
        const int col = c0 + detail::tile_col(c);
        const bool valid = col < a.k;
        const float add = valid ? a.c_add[col] : 0.f;
#pragma unroll
        for (int r = 0; r < 8; ++r) {
          const float s = valid ? __fmaf_rn(-2.f, acc[r][c], add) : INFINITY;
          // Columns arrive in increasing order: an equal score keeps the
          // smaller index as best and becomes the runner-up (gap 0: exact).
          if (s < best[r]) {
            second[r] = best[r];
            best[r] = s;
            arg[r] = col;
          } else if (s < second[r]) {
            second[r] = s;
          }
        }
      }
    }
#pragma unroll
    for (int r = 0; r < 8; ++r) {
#pragma unroll
      for (int offset = 1; offset < 16; offset *= 2) {
        const float ob = __shfl_xor_sync(0xffffffffu, best[r], offset);
        const float os = __shfl_xor_sync(0xffffffffu, second[r], offset);
        const int oa = __shfl_xor_sync(0xffffffffu, arg[r], offset);
        if (ob < best[r] || (ob == best[r] && oa < arg[r])) {
          second[r] = fminf(best[r], os);
          best[r] = ob;
          arg[r] = oa;
        } else {
          second[r] = fminf(second[r], ob);
        }
      }
    }
    if (row_owner) {
#pragma unroll
      for (int r = 0; r < 8; ++r) {
        const int row = detail::tile_row(r);
        const std::int64_t i = p0 + row;
        if (i >= a.x.rows) continue;
        const float* xi = a.x.data + i * a.x.stride;
        // No finite score (float32 overflow in the GEMM form) leaves arg at
        // INT_MAX: never let it index the accumulators; the exact pass decides.
        const bool undecided = arg[r] == INT_MAX;
        int label = undecided ? 0 : arg[r];
        double dist = 0.0;
        const double bound =
            detail::gemm_error_bound(detail::kSqeuclidean, a.d, a.x_squared[i], max_c);
        if (undecided ||
            static_cast<double>(second[r]) - static_cast<double>(best[r]) <= 2.0 * bound) {
          // Too close to call in float32: every centre, exactly (ties: smaller index).
          dist = INFINITY;
          for (int cc = 0; cc < a.k; ++cc) {
            const double v =
                detail::ranking_distance(xi, a.c.data + static_cast<std::int64_t>(cc) * a.c.stride,
                                         a.d, detail::kSqeuclidean);
            if (v < dist) dist = v, label = cc;
          }
        } else if (a.block_inertia != nullptr) {
          dist =
              detail::ranking_distance(xi, a.c.data + static_cast<std::int64_t>(label) * a.c.stride,
                                       a.d, detail::kSqeuclidean);
        }
        const double w = a.weight != nullptr ? static_cast<double>(a.weight[i]) : 1.0;
        label_s[row] = label;
        dist_s[row] = w * dist;
        if (a.changed != nullptr) changed += a.labels[i] != label;
        a.labels[i] = label;
      }
    }
    __syncthreads();
    if (a.accum != nullptr) {
      double* target = a.shared_accum ? accum_s : a.accum;
      for (int idx = threadIdx.x; idx < kTileRows * width; idx += blockDim.x) {
        const int p = idx / width, j = idx % width;
        const std::int64_t i = p0 + p;
        if (i >= a.x.rows) continue;
        const double w = a.weight != nullptr ? static_cast<double>(a.weight[i]) : 1.0;
        const double v = j < a.d ? w * static_cast<double>(a.x.data[i * a.x.stride + j]) : w;
        atomicAdd(target + static_cast<std::int64_t>(label_s[p]) * width + j, v);
      }
    }
    if (a.block_inertia != nullptr && threadIdx.x == 0) {
      const int rows = static_cast<int>(min(static_cast<std::int64_t>(kTileRows), a.x.rows - p0));
      for (int p = 0; p < rows; ++p) inertia += dist_s[p];  // point order: reproducible
    }
    __syncthreads();
  }
  if (a.accum != nullptr && a.shared_accum) {
    for (std::int64_t i = threadIdx.x; i < cells; i += blockDim.x)
      if (accum_s[i] != 0.0) atomicAdd(a.accum + i, accum_s[i]);
  }
  if (a.changed != nullptr) {
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2)
      changed += __shfl_xor_sync(0xffffffffu, changed, offset);
    if (threadIdx.x % 32 == 0 && changed != 0) atomicAdd(a.changed, changed);
  }
  if (a.block_inertia != nullptr && threadIdx.x == 0) a.block_inertia[blockIdx.x] = inertia;
}

// Deterministic accumulation: block b sums points of range b in point order,
// each thread owning columns of the (k, d + 1) partial.
__global__ void accumulate_ranges_kernel(const float* __restrict__ x, std::int64_t n,
                                         std::int64_t stride, int d, int k,
                                         const float* __restrict__ weight,
                                         const std::int32_t* __restrict__ labels,
                                         std::int64_t ranges, double* partial) {
  const std::int64_t b = blockIdx.x;
  const std::int64_t lo = n * b / ranges, hi = n * (b + 1) / ranges;
  const int width = d + 1;
  double* mine = partial + b * static_cast<std::int64_t>(k) * width;
  for (int j = threadIdx.x; j < width; j += blockDim.x) {
    for (std::int64_t i = lo; i < hi; ++i) {
      const double w = weight != nullptr ? static_cast<double>(weight[i]) : 1.0;
      const double v = j < d ? w * static_cast<double>(x[i * stride + j]) : w;
      mine[static_cast<std::int64_t>(labels[i]) * width + j] += v;
    }
  }
}

__global__ void reduce_ranges_kernel(const double* __restrict__ partial, std::int64_t ranges,
                                     std::int64_t cells, double* accum) {
  const std::int64_t cell = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (cell >= cells) return;
  double total = 0.0;
  for (std::int64_t b = 0; b < ranges; ++b) total += partial[b * cells + cell];
  accum[cell] = total;
}

// Status of one iteration, read by the host.
struct IterationStatus {
  int changed;
  int empty;
  double shift;
};

__global__ void count_empty_kernel(const double* accum, int k, int d, IterationStatus* status) {
  int empty = 0;
  for (int c = threadIdx.x; c < k; c += blockDim.x)
    empty += accum[static_cast<std::int64_t>(c) * (d + 1) + d] == 0.0;
  for (int offset = 16; offset > 0; offset /= 2)
    empty += __shfl_xor_sync(0xffffffffu, empty, offset);
  if (threadIdx.x % 32 == 0 && empty != 0) atomicAdd(&status->empty, empty);
}

// centers <- sums / weights where the weight is non-zero; shift[c] = the
// squared move of centre c, in feature order (as the CPU sums it).
__global__ void update_centers_kernel(const double* __restrict__ accum, int k, int d,
                                      float* centers, double* shift) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= k) return;
  const double* row = accum + static_cast<std::int64_t>(c) * (d + 1);
  const double w = row[d];
  double moved = 0.0;
  if (w != 0.0) {
    for (int p = 0; p < d; ++p) {
      const float updated = static_cast<float>(row[p] / w);
      const double delta = static_cast<double>(updated) -
                           static_cast<double>(centers[static_cast<std::int64_t>(c) * d + p]);
      moved += delta * delta;
      centers[static_cast<std::int64_t>(c) * d + p] = updated;
    }
  }
  if (shift != nullptr) shift[c] = moved;
}

__global__ void total_shift_kernel(const double* shift, int k, IterationStatus* status) {
  double total = 0.0;
  for (int c = 0; c < k; ++c) total += shift[c];  // centre order, as on the CPU
  status->shift = total;
}

__global__ void distance_to_label_kernel(const float* __restrict__ x, std::int64_t n,
                                         std::int64_t stride, int d, const float* centers,
                                         const std::int32_t* labels, double* out) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  out[i] = detail::ranking_distance(
      x + i * stride, centers + static_cast<std::int64_t>(labels[i]) * d, d, detail::kSqeuclidean);
}

class LloydRunner {
 public:
  LloydRunner(const float* x, std::int64_t n, std::int64_t d, std::int64_t stride,
              const float* weight, float* centers, std::int64_t k, bool deterministic,
              std::int32_t* labels, const ExecutionContext& ctx)
      : x_(x),
        n_(n),
        d_(d),
        stride_(stride),
        weight_(weight),
        centers_(centers),
        k_(k),
        deterministic_(deterministic),
        labels_(labels),
        ctx_(ctx),
        stream_(detail::stream_of(ctx)),
        x_squared_(static_cast<std::size_t>(n), stream_),
        c_add_(static_cast<std::size_t>(k), stream_),
        max_c_(1, stream_),
        accum_(static_cast<std::size_t>(k * (d + 1)), stream_),
        status_(1, stream_) {
    require(d >= 1, "at least one feature is required");
    require(k >= 1 && k <= n, "n_clusters = " + std::to_string(k) + " must be in [1, " +
                                  std::to_string(n) + "] (the number of samples)");
    require(k < INT_MAX && d < INT_MAX / 2, "n_clusters and n_features must fit in 32 bits");
    require(stride >= d, "the row stride must be at least the number of features");
    detail::launch_row_norms(x, n, stride, d, x_squared_.get(), nullptr, nullptr, nullptr, stream_);
    detail::check_launch("row_norms_kernel");
    n_tiles_ = detail::ceil_div(n, kTileRows);
    const std::int64_t accum_bytes = k * (d + 1) * static_cast<std::int64_t>(sizeof(double));
    const std::int64_t base_bytes =
        sizeof(DotTileShared) + kTileRows * (sizeof(std::int32_t) + sizeof(double));
    // The accumulators must also fit next to the tile within the GPU's
    // per-block limit (96 KiB on V100, 99 KiB on sm_86/89, 227 KiB on H100).
    shared_accum_ =
        accum_bytes <= std::min<std::int64_t>(kSharedAccumBytes,
                                              detail::max_shared_optin(ctx.device) - base_bytes);
    shared_bytes_ = static_cast<std::size_t>(base_bytes + (shared_accum_ ? accum_bytes : 0));
    detail::reserve_dynamic_shared(assign_kernel, shared_bytes_, ctx.device, "assign_kernel");
    int per_sm = 0;
    detail::check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, assign_kernel,
                                                                kTileThreads, shared_bytes_),
                  "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
    blocks_ =
        std::min<std::int64_t>(n_tiles_, std::max(1, per_sm) * detail::multiprocessors(ctx.device));
    ranges_ = std::clamp<std::int64_t>(kMaxPartialBytes / std::max<std::int64_t>(1, accum_bytes), 1,
                                       std::min(kDeterministicRanges, n));
  }

  // Labels (and, with accumulate, sums and weights) for the current centres.
  void assign(bool accumulate, bool count_changes, double* block_inertia) {
    prepare_centers();
    if (accumulate)
      detail::check(cudaMemsetAsync(accum_.get(), 0, sizeof(double) * k_ * (d_ + 1), stream_),
                    "cudaMemsetAsync");
    AssignArgs a;
    a.x = {x_, n_, stride_, detail::aligned_for_vectors(x_, stride_, d_)};
    a.c = {centers_, k_, d_, detail::aligned_for_vectors(centers_, d_, d_)};
    a.d = static_cast<int>(d_);
    a.k = static_cast<int>(k_);
    a.c_add = c_add_.get();
    a.x_squared = x_squared_.get();
    a.max_c_bits = max_c_.get();
    a.weight = weight_;
    a.labels = labels_;
    a.changed = count_changes ? &status_.get()->changed : nullptr;
    a.accum = accumulate && !deterministic_ ? accum_.get() : nullptr;
    a.shared_accum = shared_accum_;
    a.block_inertia = block_inertia;
    a.n_tiles = n_tiles_;
    assign_kernel<<<static_cast<unsigned>(blocks_), kTileThreads, shared_bytes_, stream_>>>(a);
    detail::check_launch("assign_kernel");
    if (accumulate && deterministic_) {
      const std::int64_t cells = k_ * (d_ + 1);
      detail::Scratch<double> partial(static_cast<std::size_t>(ranges_ * cells), stream_);
      detail::check(cudaMemsetAsync(partial.get(), 0, sizeof(double) * ranges_ * cells, stream_),
                    "cudaMemsetAsync");
      const int threads = static_cast<int>(std::min<std::int64_t>(256, (d_ + 1 + 31) / 32 * 32));
      accumulate_ranges_kernel<<<static_cast<unsigned>(ranges_), threads, 0, stream_>>>(
          x_, n_, stride_, static_cast<int>(d_), static_cast<int>(k_), weight_, labels_, ranges_,
          partial.get());
      reduce_ranges_kernel<<<static_cast<unsigned>(detail::ceil_div(cells, 256)), 256, 0,
                             stream_>>>(partial.get(), ranges_, cells, accum_.get());
      detail::check_launch("deterministic accumulation");
    }
  }

  void update_centers(double* shift) {
    update_centers_kernel<<<static_cast<unsigned>(detail::ceil_div(k_, 128)), 128, 0, stream_>>>(
        accum_.get(), static_cast<int>(k_), static_cast<int>(d_), centers_, shift);
    detail::check_launch("update_centers_kernel");
  }

  LloydStatus run(std::int64_t max_iter, double tol) {
    require(max_iter >= 1, "max_iter must be >= 1");
    LloydStatus result;
    detail::Scratch<double> shift(static_cast<std::size_t>(k_), stream_);
    detail::check(cudaMemsetAsync(labels_, 0xff, sizeof(std::int32_t) * n_, stream_),
                  "cudaMemsetAsync");
    for (std::int64_t iter = 0; iter < max_iter; ++iter) {
      detail::check(cudaMemsetAsync(status_.get(), 0, sizeof(IterationStatus), stream_),
                    "cudaMemsetAsync");
      assign(/*accumulate=*/true, /*count_changes=*/true, nullptr);
      count_empty_kernel<<<1, 256, 0, stream_>>>(accum_.get(), static_cast<int>(k_),
                                                 static_cast<int>(d_), status_.get());
      detail::check_launch("count_empty_kernel");
      IterationStatus status = read_status();
      if (status.empty > 0) reseed_empty_clusters();
      update_centers(shift.get());
      total_shift_kernel<<<1, 1, 0, stream_>>>(shift.get(), static_cast<int>(k_), status_.get());
      detail::check_launch("total_shift_kernel");
      status = read_status();
      result.n_iter = iter + 1;
      if (status.changed == 0) {
        result.strict_convergence = true;
        break;
      }
      if (status.shift <= tol) break;
    }
    result.inertia = final_labels();
    return result;
  }

  double final_labels() {
    detail::Scratch<double> block_inertia(static_cast<std::size_t>(blocks_), stream_);
    assign(false, false, block_inertia.get());
    std::vector<double> host(static_cast<std::size_t>(blocks_));
    detail::check(cudaMemcpyAsync(host.data(), block_inertia.get(), sizeof(double) * blocks_,
                                  cudaMemcpyDeviceToHost, stream_),
                  "cudaMemcpyAsync");
    detail::check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    return std::accumulate(host.begin(), host.end(), 0.0);
  }

 private:
  void prepare_centers() {
    detail::check(cudaMemsetAsync(max_c_.get(), 0, sizeof(unsigned long long), stream_),
                  "cudaMemsetAsync");
    detail::launch_row_norms(centers_, k_, d_, d_, nullptr, c_add_.get(), nullptr, max_c_.get(),
                             stream_);
    detail::check_launch("row_norms_kernel");
  }

  IterationStatus read_status() {
    IterationStatus status;
    detail::check(
        cudaMemcpyAsync(&status, status_.get(), sizeof(status), cudaMemcpyDeviceToHost, stream_),
        "cudaMemcpyAsync");
    detail::check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    return status;
  }

  // The CPU engine's rule, on host copies: empty clusters take the points
  // farthest from their (current) centres, farthest first (ties: smaller index).
  void reseed_empty_clusters() {
    const std::int64_t width = d_ + 1;
    std::vector<double> accum(static_cast<std::size_t>(k_ * width));
    std::vector<double> dist(static_cast<std::size_t>(n_));
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n_));
    detail::Scratch<double> device_dist(static_cast<std::size_t>(n_), stream_);
    distance_to_label_kernel<<<static_cast<unsigned>(detail::ceil_div(n_, 256)), 256, 0, stream_>>>(
        x_, n_, stride_, static_cast<int>(d_), centers_, labels_, device_dist.get());
    detail::check_launch("distance_to_label_kernel");
    copy_down(accum.data(), accum_.get(), accum.size() * sizeof(double));
    copy_down(dist.data(), device_dist.get(), dist.size() * sizeof(double));
    copy_down(labels.data(), labels_, labels.size() * sizeof(std::int32_t));
    detail::check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    std::vector<std::int64_t> empty;
    for (std::int64_t c = 0; c < k_; ++c)
      if (accum[c * width + d_] == 0.0) empty.push_back(c);
    std::vector<std::pair<double, std::int64_t>> far(static_cast<std::size_t>(n_));
    for (std::int64_t i = 0; i < n_; ++i) far[i] = {-dist[i], i};
    const std::size_t m = std::min(empty.size(), far.size());
    std::partial_sort(far.begin(), far.begin() + m, far.end());
    std::vector<float> row(static_cast<std::size_t>(d_));
    for (std::size_t e = 0; e < m; ++e) {
      const std::int64_t i = far[e].second, to = empty[e], from = labels[i];
      float w_f = 1.f;
      if (weight_ != nullptr) copy_down(&w_f, weight_ + i, sizeof(float));
      copy_down(row.data(), x_ + i * stride_, sizeof(float) * d_);
      detail::check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
      const double w = weight_ != nullptr ? static_cast<double>(w_f) : 1.0;
      for (std::int64_t p = 0; p < d_; ++p) {
        accum[from * width + p] -= w * row[p];
        accum[to * width + p] = w * row[p];
      }
      accum[to * width + d_] = w;
      accum[from * width + d_] -= w;
    }
    detail::check(cudaMemcpyAsync(accum_.get(), accum.data(), accum.size() * sizeof(double),
                                  cudaMemcpyHostToDevice, stream_),
                  "cudaMemcpyAsync");
    detail::check(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  }

  void copy_down(void* dst, const void* src, std::size_t bytes) {
    detail::check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, stream_),
                  "cudaMemcpyAsync");
  }

  const float* x_;
  std::int64_t n_, d_, stride_;
  const float* weight_;
  float* centers_;
  std::int64_t k_;
  bool deterministic_;
  std::int32_t* labels_;
  ExecutionContext ctx_;
  cudaStream_t stream_;
  detail::Scratch<double> x_squared_;
  detail::Scratch<float> c_add_;
  detail::Scratch<unsigned long long> max_c_;
  detail::Scratch<double> accum_;
  detail::Scratch<IterationStatus> status_;
  std::int64_t n_tiles_ = 0, blocks_ = 0, ranges_ = 1;
  bool shared_accum_ = false;
  std::size_t shared_bytes_ = 0;
};

}  // namespace

LloydStatus lloyd(const float* x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
                  const float* weight, float* centers, std::int64_t k, std::int64_t max_iter,
                  double tol, bool deterministic, std::int32_t* labels,
                  const ExecutionContext& ctx) {
  detail::DeviceScope scope(ctx.device);
  LloydRunner runner(x, n, d, x_stride, weight, centers, k, deterministic, labels, ctx);
  return runner.run(max_iter, tol);
}

void lloyd_step(const float* x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
                const float* weight, float* centers, std::int64_t k, bool deterministic,
                std::int32_t* labels, const ExecutionContext& ctx) {
  detail::DeviceScope scope(ctx.device);
  LloydRunner runner(x, n, d, x_stride, weight, centers, k, deterministic, labels, ctx);
  runner.assign(/*accumulate=*/true, /*count_changes=*/false, nullptr);
  runner.update_centers(nullptr);
}

double assign_labels(const float* x, std::int64_t n, std::int64_t d, std::int64_t x_stride,
                     const float* weight, const float* centers, std::int64_t k,
                     std::int32_t* labels, const ExecutionContext& ctx) {
  detail::DeviceScope scope(ctx.device);
  // The runner never writes the centres when it only assigns.
  LloydRunner runner(x, n, d, x_stride, weight, const_cast<float*>(centers), k, false, labels, ctx);
  return runner.final_labels();
}

}  // namespace mlarsenal::cuda
