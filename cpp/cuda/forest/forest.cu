// GPU tree-ensemble inference (see mlarsenal/cuda/forest.hpp): the host
// builds the paired-children layout, the kernel walks it one row per thread.
//
// Scheduling rule (plan()): persistent blocks of 256 threads, as many as fit
// on the GPU at once, loop over tiles of 256 rows.
// - Rows whose features fit in 128 bytes (32 float32 / 16 float64 features)
//   are staged in shared memory per tile (a coalesced load instead of each
//   thread reading its own row), with an odd pitch against bank conflicts.
// - The nodes of the tree range go to shared memory, loaded once per block,
//   when they fit in half the per-block shared-memory limit next to the
//   staged rows (so two blocks still fit on an SM); if they fit only
//   without the rows, rows are read from global memory instead. Larger
//   forests read nodes from global memory through the read-only cache (the
//   hot upper levels of every tree stay in L1/L2).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "../common/check.cuh"
#include "gpu_node.cuh"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/forest.hpp"

namespace mlarsenal::cuda {
namespace {

using detail::GpuNode;

constexpr int kRowsPerTile = 256;
constexpr std::int64_t kStagedRowBytes = 128;

template <class T>
struct ForestArgs {
  const GpuNode* nodes;
  const std::int32_t* tree_begin;
  const std::int32_t* tree_output;
  const double* base_score;
  const std::uint32_t* cat_bits;
  const T* x;
  std::int64_t n_rows, x_stride;
  int n_features, n_outputs;
  std::int64_t t0, t1;
  std::int64_t node_first, node_count;
  bool nodes_in_shared, rows_in_shared;
  int row_pitch;
  double* out_raw;
  std::int32_t* out_leaf;
};

template <class T, bool kLeaf>
__global__ void __launch_bounds__(kRowsPerTile) forest_kernel(ForestArgs<T> a) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  GpuNode* shared_nodes = reinterpret_cast<GpuNode*>(shared_bytes);
  T* shared_rows =
      reinterpret_cast<T*>(shared_bytes + (a.nodes_in_shared ? a.node_count * sizeof(GpuNode) : 0));
  const GpuNode* nodes = a.nodes + a.node_first;
  if (a.nodes_in_shared) {
    const int4* src = reinterpret_cast<const int4*>(nodes);
    int4* dst = reinterpret_cast<int4*>(shared_nodes);
    for (std::int64_t i = threadIdx.x; i < a.node_count; i += blockDim.x) dst[i] = __ldg(src + i);
    nodes = shared_nodes;
  }
  const std::int64_t width = a.t1 - a.t0;
  for (std::int64_t tile = blockIdx.x; tile * kRowsPerTile < a.n_rows; tile += gridDim.x) {
    const std::int64_t first = tile * kRowsPerTile;
    const std::int64_t row = first + threadIdx.x;
    if (a.rows_in_shared) {
      __syncthreads();  // the previous tile's rows (and the nodes' load) are done
      const std::int64_t rows = min(static_cast<std::int64_t>(kRowsPerTile), a.n_rows - first);
      for (std::int64_t i = threadIdx.x; i < rows * a.n_features; i += blockDim.x) {
        const std::int64_t r = i / a.n_features, f = i % a.n_features;
        shared_rows[r * a.row_pitch + f] = __ldg(a.x + (first + r) * a.x_stride + f);
      }
    }
    __syncthreads();
    if (row >= a.n_rows) continue;
    const T* x =
        a.rows_in_shared ? shared_rows + threadIdx.x * a.row_pitch : a.x + row * a.x_stride;
    double single = a.base_score[0];
    if (!kLeaf && a.n_outputs > 1)
      for (int c = 0; c < a.n_outputs; ++c) a.out_raw[row * a.n_outputs + c] = a.base_score[c];
    for (std::int64_t t = a.t0; t < a.t1; ++t) {
      const GpuNode leaf =
          detail::walk_tree(nodes + (__ldg(a.tree_begin + t) - a.node_first), x, a.cat_bits);
      if (kLeaf) {
        a.out_leaf[row * width + (t - a.t0)] = ~leaf.child;
      } else if (a.n_outputs == 1) {
        single += leaf.payload;  // tree order, in double: the CPU's sum
      } else {
        a.out_raw[row * a.n_outputs + __ldg(a.tree_output + t)] += leaf.payload;
      }
    }
    if (!kLeaf && a.n_outputs == 1) a.out_raw[row] = single;
  }
}

template <class Dst, class Src>
void upload(void*& dst, const std::vector<Src>& src, std::int64_t& total) {
  const std::size_t bytes = std::max<std::size_t>(src.size(), 1) * sizeof(Dst);
  detail::check(cudaMalloc(&dst, bytes), "cudaMalloc");
  total += static_cast<std::int64_t>(bytes);
  if (!src.empty())
    detail::check(cudaMemcpy(dst, src.data(), src.size() * sizeof(Dst), cudaMemcpyHostToDevice),
                  "cudaMemcpy");
}

}  // namespace

GpuForest::GpuForest(const forest::ForestView& f, int device) : device_(device) {
  require(f.n_trees >= 0 && f.n_nodes >= 0 && f.n_nodes < (std::int64_t(1) << 31),
          "the GPU forest supports fewer than 2^31 nodes");
  require(f.n_features >= 1 && f.n_features <= detail::kMaxGpuFeatures,
          "the GPU forest supports at most 2^24 features, this forest has " +
              std::to_string(f.n_features));
  require(f.n_outputs >= 1, "a forest needs at least one output");
  n_trees_ = f.n_trees, n_features_ = f.n_features, n_outputs_ = f.n_outputs, n_nodes_ = f.n_nodes;
  std::vector<GpuNode> nodes(static_cast<std::size_t>(f.n_nodes));
  std::vector<std::int32_t> begin(static_cast<std::size_t>(f.n_trees + 1));
  std::vector<std::int32_t> output(static_cast<std::size_t>(f.n_trees));
  std::vector<std::int32_t> stack;
  for (std::int64_t t = 0; t < f.n_trees; ++t) {
    const std::int64_t first = f.tree_offsets[t], size = f.tree_offsets[t + 1] - first;
    require(size >= 1 && first >= 0 && first + size <= f.n_nodes,
            "tree " + std::to_string(t) + " has an invalid node range");
    require(f.tree_output[t] >= 0 && f.tree_output[t] < f.n_outputs,
            "tree " + std::to_string(t) + " adds to an output out of range");
    begin[t] = static_cast<std::int32_t>(first);
    output[t] = f.tree_output[t];
    GpuNode* tree = nodes.data() + first;
    std::int32_t next = 1;
    stack.assign({0, 0});  // (node, slot) pairs
    while (!stack.empty()) {
      const std::int32_t slot = stack.back();
      stack.pop_back();
      const std::int32_t node = stack.back();
      stack.pop_back();
      const std::int64_t at = first + node;
      const std::string where = "tree " + std::to_string(t) + ", node " + std::to_string(node);
      if (f.left[at] < 0) {
        tree[slot] = GpuNode{f.value[at], ~node, 0u};
        continue;
      }
      const std::int32_t l = f.left[at], r = f.right[at];
      require(l > node && l < size && r > node && r < size,
              where + ": children must be in the tree and after their parent");
      // Two splits sharing a child would need more slots than the tree has.
      require(next + 2 <= size, where + ": a node reachable twice is not supported on the GPU");
      require(f.feature[at] >= 0 && f.feature[at] < f.n_features, where + ": feature out of range");
      const std::uint8_t kind = f.split_kind[at];
      require((kind & ~forest::kKnownSplitBits) == 0, where + ": unknown split_kind bits");
      GpuNode out{};
      out.child = next;
      out.meta = static_cast<std::uint32_t>(f.feature[at]) |
                 (static_cast<std::uint32_t>(kind) << detail::kFeatureBits) |
                 (f.default_left[at] != 0 ? (1u << 30) : 0u);
      if (kind & forest::kCategorical) {
        const std::int64_t cb = f.cat_begin[at], cs = f.cat_size[at];
        require(cb >= 0 && cs >= 0 && cb + cs <= f.n_cat_words, where + ": bitset out of range");
        const unsigned long long bits =
            static_cast<std::uint32_t>(cb) | (static_cast<unsigned long long>(cs) << 32);
        static_assert(sizeof(bits) == sizeof(double), "payload bits");
        std::memcpy(&out.payload, &bits, sizeof(double));
      } else {
        out.payload = f.threshold[at];
      }
      tree[slot] = out;
      stack.insert(stack.end(), {r, next + 1, l, next});
      next += 2;
    }
  }
  begin[f.n_trees] = static_cast<std::int32_t>(f.n_nodes);
  host_tree_begin_ = begin;
  std::vector<double> base(f.base_score, f.base_score + f.n_outputs);
  std::vector<std::uint32_t> bits(f.cat_bits, f.cat_bits + f.n_cat_words);

  detail::DeviceScope scope(device);
  try {
    upload<GpuNode>(nodes_, nodes, device_bytes_);
    upload<std::int32_t>(tree_begin_, begin, device_bytes_);
    upload<std::int32_t>(tree_output_, output, device_bytes_);
    upload<double>(base_score_, base, device_bytes_);
    upload<std::uint32_t>(cat_bits_, bits, device_bytes_);
  } catch (...) {
    for (void* p : {nodes_, tree_begin_, tree_output_, base_score_, cat_bits_})
      if (p != nullptr) cudaFree(p);
    throw;
  }
}

GpuForest::~GpuForest() {
  int previous = 0;
  cudaGetDevice(&previous);
  cudaSetDevice(device_);
  for (void* p : {nodes_, tree_begin_, tree_output_, base_score_, cat_bits_})
    if (p != nullptr) cudaFree(p);
  cudaSetDevice(previous);
}

ForestLaunchPlan GpuForest::plan(int dtype_bytes, std::int64_t n_rows, std::int64_t tree_begin,
                                 std::int64_t tree_end) const {
  require(0 <= tree_begin && tree_begin <= tree_end && tree_end <= n_trees_,
          "tree range [" + std::to_string(tree_begin) + ", " + std::to_string(tree_end) +
              ") is outside the model's " + std::to_string(n_trees_) + " trees");
  const std::int64_t node_bytes =
      (host_tree_begin_[tree_end] - host_tree_begin_[tree_begin]) * std::int64_t(sizeof(GpuNode));
  const std::int64_t half = detail::max_shared_optin(device_) / 2 - 1024;
  const int pitch = static_cast<int>(n_features_ | 1);
  const std::int64_t row_bytes = std::int64_t(kRowsPerTile) * pitch * dtype_bytes;
  ForestLaunchPlan p;
  p.rows_in_shared = n_features_ * dtype_bytes <= kStagedRowBytes;
  if (node_bytes + (p.rows_in_shared ? row_bytes : 0) <= half) {
    p.nodes_in_shared = true;
  } else if (node_bytes <= half) {
    p.nodes_in_shared = true;
    p.rows_in_shared = false;
  }
  p.shared_bytes = (p.nodes_in_shared ? node_bytes : 0) + (p.rows_in_shared ? row_bytes : 0);
  p.threads_per_block = kRowsPerTile;
  p.blocks = static_cast<int>(std::max<std::int64_t>(1, detail::ceil_div(n_rows, kRowsPerTile)));
  return p;
}

template <class T, class Out>
void GpuForest::predict(const T* x, std::int64_t n_rows, std::int64_t x_stride,
                        std::int64_t tree_begin, std::int64_t tree_end, Out* out,
                        const ExecutionContext& ctx) const {
  constexpr bool kLeaf = std::is_same<Out, std::int32_t>::value;
  require(n_rows >= 0 && x_stride >= n_features_, "invalid X shape or row stride");
  detail::DeviceScope scope(device_);
  const ForestLaunchPlan p = plan(sizeof(T), n_rows, tree_begin, tree_end);
  if (n_rows == 0 || (kLeaf && tree_begin == tree_end)) return;
  ForestArgs<T> a{};
  a.nodes = static_cast<const GpuNode*>(nodes_);
  a.tree_begin = static_cast<const std::int32_t*>(tree_begin_);
  a.tree_output = static_cast<const std::int32_t*>(tree_output_);
  a.base_score = static_cast<const double*>(base_score_);
  a.cat_bits = static_cast<const std::uint32_t*>(cat_bits_);
  a.x = x, a.n_rows = n_rows, a.x_stride = x_stride;
  a.n_features = static_cast<int>(n_features_), a.n_outputs = static_cast<int>(n_outputs_);
  a.t0 = tree_begin, a.t1 = tree_end;
  a.node_first = host_tree_begin_[tree_begin];
  a.node_count = host_tree_begin_[tree_end] - a.node_first;
  a.nodes_in_shared = p.nodes_in_shared, a.rows_in_shared = p.rows_in_shared;
  a.row_pitch = static_cast<int>(n_features_ | 1);
  if constexpr (kLeaf) {
    a.out_leaf = out;
  } else {
    a.out_raw = out;
  }
  auto kernel = forest_kernel<T, kLeaf>;
  detail::reserve_dynamic_shared(kernel, static_cast<std::size_t>(p.shared_bytes), device_,
                                 "forest_kernel");
  int per_sm = 0;
  detail::check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
                    &per_sm, kernel, kRowsPerTile, static_cast<std::size_t>(p.shared_bytes)),
                "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
  const std::int64_t blocks =
      std::min<std::int64_t>(p.blocks, std::max(1, per_sm) * detail::multiprocessors(device_));
  kernel<<<static_cast<unsigned>(blocks), kRowsPerTile, static_cast<std::size_t>(p.shared_bytes),
           detail::stream_of(ctx)>>>(a);
  detail::check_launch("forest_kernel");
}

template <class T>
void GpuForest::predict_raw(const T* x, std::int64_t n_rows, std::int64_t x_stride,
                            std::int64_t tree_begin, std::int64_t tree_end, double* out,
                            const ExecutionContext& ctx) const {
  predict<T, double>(x, n_rows, x_stride, tree_begin, tree_end, out, ctx);
}

template <class T>
void GpuForest::predict_leaf(const T* x, std::int64_t n_rows, std::int64_t x_stride,
                             std::int64_t tree_begin, std::int64_t tree_end, std::int32_t* out,
                             const ExecutionContext& ctx) const {
  predict<T, std::int32_t>(x, n_rows, x_stride, tree_begin, tree_end, out, ctx);
}

template void GpuForest::predict_raw<float>(const float*, std::int64_t, std::int64_t, std::int64_t,
                                            std::int64_t, double*, const ExecutionContext&) const;
template void GpuForest::predict_raw<double>(const double*, std::int64_t, std::int64_t,
                                             std::int64_t, std::int64_t, double*,
                                             const ExecutionContext&) const;
template void GpuForest::predict_leaf<float>(const float*, std::int64_t, std::int64_t, std::int64_t,
                                             std::int64_t, std::int32_t*,
                                             const ExecutionContext&) const;
template void GpuForest::predict_leaf<double>(const double*, std::int64_t, std::int64_t,
                                              std::int64_t, std::int64_t, std::int32_t*,
                                              const ExecutionContext&) const;

}  // namespace mlarsenal::cuda
