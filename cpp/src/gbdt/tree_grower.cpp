// Leaf-wise tree growth.
//
// Rows of the tree live in one index buffer; every leaf owns a contiguous
// range of it, and splitting a leaf partitions its range in place (stable,
// so row order and therefore every sum stays deterministic). Only the
// smaller child's histogram is built from rows; the larger child's is its
// parent's minus the smaller one, computed in the parent's buffer.
#include "mlarsenal/gbdt/tree_grower.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>

#include "histogram.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/random.hpp"
#include "quantize.hpp"
#include "split_finder.hpp"

namespace mlarsenal::gbdt {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kPartitionChunk = 32768;
constexpr std::int64_t kParallelSplitBins = 32768;

std::vector<std::int32_t> histogram_offsets(const std::vector<FeatureBins>& bins) {
  std::vector<std::int32_t> offsets(bins.size() + 1, 0);
  for (std::size_t f = 0; f < bins.size(); ++f) offsets[f + 1] = offsets[f] + bins[f].n_bins() + 1;
  return offsets;
}

struct Leaf {
  std::int32_t node = 0;
  std::int64_t begin = 0, end = 0;  // range in the row index buffer
  std::int64_t depth = 0;
  int hist = -1;  // histogram buffer in the pool, -1: none
  NodeContext context;
  SplitCandidate split;
  std::vector<std::int32_t> path;  // features split on above (interaction constraints)

  std::int64_t rows() const { return end - begin; }
};

}  // namespace

std::int64_t Tree::n_leaves() const {
  return std::count(left.begin(), left.end(), -1);
}

struct TreeGrower::State {
  HistogramBuilder builder;
  SplitFinder finder;
  std::vector<std::int32_t> rows, buffer, right_buffer;
  std::vector<float> gh;
  QuantizedGradients quantized;
  // The binned matrix again, feature-major: a partition reads one feature of
  // rows in ascending order, which this layout turns into nearby bytes.
  std::vector<std::uint8_t> by_feature;
  std::vector<std::vector<HistBin>> pool;
  std::vector<int> free_buffers;
  std::vector<Leaf> leaves;  // of the last grown tree

  State(const std::uint8_t* binned, std::int64_t n_features, const std::vector<FeatureBins>& bins,
        const GrowerParams& params)
      : builder(binned, n_features, histogram_offsets(bins), params.n_threads),
        finder(params, bins, builder.offsets()) {}

  int acquire() {
    if (!free_buffers.empty()) {
      const int b = free_buffers.back();
      free_buffers.pop_back();
      return b;
    }
    pool.emplace_back(static_cast<std::size_t>(builder.total_bins()));
    return static_cast<int>(pool.size()) - 1;
  }
  void release(int& b) {
    if (b >= 0) free_buffers.push_back(b);
    b = -1;
  }
};

TreeGrower::TreeGrower(const std::uint8_t* binned, std::int64_t n_rows,
                       std::vector<FeatureBins> bins, GrowerParams params)
    : binned_(binned),
      n_rows_(n_rows),
      n_features_(static_cast<std::int64_t>(bins.size())),
      bins_(std::move(bins)),
      params_(std::move(params)) {
  require(n_rows >= 1 && n_rows <= std::numeric_limits<std::int32_t>::max(),
          "the number of training rows must be in [1, 2**31 - 1]");
  require(n_features_ >= 1, "no features to split on");
  require(params_.min_samples_leaf >= 1, "min_samples_leaf must be >= 1");
  require(params_.max_features > 0 && params_.max_features <= 1, "max_features must be in (0, 1]");
  require(params_.monotonic.empty() ||
              static_cast<std::int64_t>(params_.monotonic.size()) == n_features_,
          "monotonic constraints must give one entry per feature");
  for (std::size_t f = 0; f < params_.monotonic.size(); ++f) {
    require(params_.monotonic[f] >= -1 && params_.monotonic[f] <= 1,
            "monotonic constraints must be -1, 0 or 1");
    require(params_.monotonic[f] == 0 || !bins_[f].categorical,
            "feature " + std::to_string(f) + " is categorical and cannot be monotonic");
  }
  for (const auto& group : params_.interaction_groups)
    for (const std::int32_t f : group)
      require(f >= 0 && f < n_features_, "interaction constraint feature out of range");
  state_ = std::make_unique<State>(binned_, n_features_, bins_, params_);
  std::vector<std::uint8_t>& t = state_->by_feature;
  t.resize(static_cast<std::size_t>(n_rows_ * n_features_));
  parallel_for_blocks(
      n_rows_, 16384, params_.n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
        for (std::int64_t f = 0; f < n_features_; ++f)
          for (std::int64_t r = begin; r < end; ++r)
            t[static_cast<std::size_t>(f * n_rows_ + r)] = binned_[r * n_features_ + f];
      });
}

TreeGrower::~TreeGrower() = default;

Tree TreeGrower::grow(const float* grad, const float* hess, const std::vector<std::int32_t>& rows,
                      const std::vector<std::uint8_t>& feature_mask, std::uint64_t seed) {
  State& s = *state_;
  const GrowerParams& p = params_;
  const std::int64_t n_features = n_features_;
  require(feature_mask.empty() || static_cast<std::int64_t>(feature_mask.size()) == n_features,
          "feature mask must give one entry per feature");

  if (rows.empty()) {
    s.rows.resize(static_cast<std::size_t>(n_rows_));
    std::iota(s.rows.begin(), s.rows.end(), 0);
  } else {
    for (const std::int32_t r : rows) require(r >= 0 && r < n_rows_, "row index out of range");
    s.rows = rows;
  }
  s.buffer.resize(s.rows.size());
  s.right_buffer.resize(s.rows.size());
  const int levels = p.quantized_gradients ? quantization_levels(n_rows_) : 0;
  const bool quantized = levels >= 8;
  if (quantized) {
    quantize_gradients(grad, hess, n_rows_, levels, seed ^ 0x5851f42d4c957f2dULL, p.n_threads,
                       s.quantized);
  }
  // A constant hessian (unweighted squared error) needs no hessian lane:
  // bins of (gradient, count), half the bytes, read from grad directly.
  const double hess_constant = quantized ? 0.0 : constant_hessian(hess, n_rows_, p.n_threads);
  if (!quantized && hess_constant == 0.0) {
    // (gradient, hessian) interleaved: one cache line fetch per row in the
    // histogram loop instead of two.
    s.gh.resize(2 * static_cast<std::size_t>(n_rows_));
    parallel_for_blocks(n_rows_, 65536, p.n_threads,
                        [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                          for (std::int64_t r = begin; r < end; ++r) {
                            s.gh[2 * r] = grad[r];
                            s.gh[2 * r + 1] = hess[r];
                          }
                        });
  }
  const auto build_histogram = [&](const Leaf& leaf, HistBin* out) {
    const std::int32_t* leaf_rows = s.rows.data() + leaf.begin;
    if (quantized)
      s.builder.build(leaf_rows, leaf.rows(), s.quantized, out);
    else if (hess_constant > 0)
      s.builder.build_constant_hessian(leaf_rows, leaf.rows(), grad, hess_constant, out);
    else
      s.builder.build(leaf_rows, leaf.rows(), s.gh.data(), out);
  };
  for (Leaf& leaf : s.leaves) s.release(leaf.hist);
  s.leaves.clear();

  Tree tree;
  // Each node's monotonic bounds, for recomputing values from exact sums.
  std::vector<std::pair<double, double>> bounds;
  const auto add_node = [&](const NodeContext& c) {
    bounds.emplace_back(c.lower, c.upper);
    tree.feature.push_back(-1);
    tree.left.push_back(-1);
    tree.right.push_back(-1);
    tree.cat_begin.push_back(0);
    tree.cat_size.push_back(0);
    tree.threshold.push_back(0.0);
    tree.value.push_back(p.learning_rate * c.value);
    tree.gain.push_back(0.0);
    tree.cover.push_back(c.total.h);
    tree.count.push_back(c.total.n);
    tree.default_left.push_back(0);
    tree.split_kind.push_back(0);
    return static_cast<std::int32_t>(tree.feature.size() - 1);
  };

  // Features a leaf may split on: the tree's mask, the interaction groups
  // that hold every feature already on the leaf's path, then a per-node draw.
  const auto candidates = [&](const Leaf& leaf) {
    std::vector<std::int32_t> out;
    std::vector<std::uint8_t> allowed(static_cast<std::size_t>(n_features),
                                      p.interaction_groups.empty() ? 1 : 0);
    if (!p.interaction_groups.empty()) {
      for (const auto& group : p.interaction_groups) {
        const bool holds_path =
            std::all_of(leaf.path.begin(), leaf.path.end(), [&](std::int32_t f) {
              return std::find(group.begin(), group.end(), f) != group.end();
            });
        if (holds_path)
          for (const std::int32_t f : group) allowed[static_cast<std::size_t>(f)] = 1;
      }
    }
    for (std::int32_t f = 0; f < n_features; ++f)
      if (allowed[static_cast<std::size_t>(f)] &&
          (feature_mask.empty() || feature_mask[static_cast<std::size_t>(f)]))
        out.push_back(f);
    if (p.max_features < 1.0 && out.size() > 1) {
      const auto keep = std::max<std::size_t>(
          1, static_cast<std::size_t>(std::ceil(p.max_features * static_cast<double>(out.size()))));
      std::uint64_t state =
          seed ^ (0x632be59bd9b4e019ULL * static_cast<std::uint64_t>(leaf.node + 1));
      for (std::size_t i = 0; i < keep; ++i) {
        const std::size_t j = i + static_cast<std::size_t>(splitmix64(state) % (out.size() - i));
        std::swap(out[i], out[j]);
      }
      out.resize(keep);
      std::sort(out.begin(), out.end());
    }
    return out;
  };

  const auto can_split = [&](const Leaf& leaf) {
    return leaf.rows() >= 2 * p.min_samples_leaf && (p.max_depth <= 0 || leaf.depth < p.max_depth);
  };

  // Best split of each listed leaf, all (leaf, feature) pairs in one
  // parallel loop; per-leaf reduction in feature order.
  const auto find_splits = [&](const std::vector<Leaf*>& targets) {
    std::vector<std::pair<std::size_t, std::int32_t>> tasks;
    for (std::size_t t = 0; t < targets.size(); ++t)
      for (const std::int32_t f : candidates(*targets[t])) tasks.emplace_back(t, f);
    std::vector<SplitCandidate> found(tasks.size());
    // A split search costs about 5 ns per bin: threads pay off only for
    // many features (a parallel region costs microseconds, far more on a
    // busy machine).
    std::int64_t work = 0;
    for (const auto& task : tasks) work += bins_[static_cast<std::size_t>(task.second)].n_bins();
    parallel_for(
        static_cast<std::int64_t>(tasks.size()), work >= kParallelSplitBins ? p.n_threads : 1,
        [&](std::int64_t i) {
          const auto [t, f] = tasks[static_cast<std::size_t>(i)];
          const Leaf& leaf = *targets[t];
          found[static_cast<std::size_t>(i)] = s.finder.best_split(
              s.pool[static_cast<std::size_t>(leaf.hist)].data(), f, leaf.context);
        },
        8);
    for (Leaf* leaf : targets) leaf->split = SplitCandidate{};
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      SplitCandidate& best = targets[tasks[i].first]->split;
      if (found[i].found() && (!best.found() || found[i].gain > best.gain)) best = found[i];
    }
  };

  // Root.
  {
    Leaf root;
    root.begin = 0;
    root.end = static_cast<std::int64_t>(s.rows.size());
    root.hist = s.acquire();
    HistBin* hist = s.pool[static_cast<std::size_t>(root.hist)].data();
    build_histogram(root, hist);
    Stats total;
    for (std::int32_t j = 0; j < s.builder.offsets()[1]; ++j) total += hist[j];
    root.context = s.finder.context(total, -kInf, kInf);
    root.node = add_node(root.context);
    s.leaves.push_back(std::move(root));
    if (can_split(s.leaves[0]) && p.max_leaf_nodes != 1) {
      find_splits({&s.leaves[0]});
    } else {
      s.release(s.leaves[0].hist);
    }
  }

  const std::int64_t max_leaves =
      p.max_leaf_nodes <= 0 ? std::numeric_limits<std::int64_t>::max() : p.max_leaf_nodes;
  while (static_cast<std::int64_t>(s.leaves.size()) < max_leaves) {
    // The leaf with the largest gain; ties go to the earliest node.
    std::size_t chosen = s.leaves.size();
    for (std::size_t i = 0; i < s.leaves.size(); ++i) {
      const Leaf& l = s.leaves[i];
      if (l.split.found() &&
          (chosen == s.leaves.size() || l.split.gain > s.leaves[chosen].split.gain))
        chosen = i;
    }
    if (chosen == s.leaves.size()) break;

    Leaf parent = std::move(s.leaves[chosen]);
    const SplitCandidate split = parent.split;
    const std::int32_t f = split.feature;
    const FeatureBins& fb = bins_[static_cast<std::size_t>(f)];

    // Partition the parent's rows: left rows first, both sides in row order.
    const int missing_bin = fb.missing_bin();
    const std::uint8_t* column = s.by_feature.data() + static_cast<std::int64_t>(f) * n_rows_;
    const auto goes_left = [&](std::int32_t r) {
      const int b = column[r];
      if (split.categorical) return bin_in(split.left_bins, b);
      return b == missing_bin ? split.default_left : b <= split.bin;
    };
    // One pass over the rows (each row's bin is read once): every chunk
    // writes its left rows to `lefts` and its right rows to `rights` at the
    // chunk's own offset; then the pieces are copied back in chunk order.
    const std::int64_t m = parent.rows();
    const std::int64_t chunks = num_blocks(m, kPartitionChunk);
    std::vector<std::int64_t> left_counts(static_cast<std::size_t>(chunks), 0);
    std::int32_t* range = s.rows.data() + parent.begin;
    std::int32_t* lefts = s.buffer.data() + parent.begin;
    std::int32_t* rights = s.right_buffer.data() + parent.begin;
    parallel_for_blocks(m, kPartitionChunk, p.n_threads,
                        [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
                          std::int64_t l = begin, r = begin;
                          for (std::int64_t i = begin; i < end; ++i) {
                            const std::int32_t row = range[i];
                            const bool left = goes_left(row);
                            // Both stores, one kept: no unpredictable branch.
                            lefts[l] = row;
                            rights[r] = row;
                            l += left;
                            r += !left;
                          }
                          left_counts[static_cast<std::size_t>(c)] = l - begin;
                        });
    std::vector<std::int64_t> left_at(static_cast<std::size_t>(chunks) + 1, 0);
    for (std::int64_t c = 0; c < chunks; ++c)
      left_at[static_cast<std::size_t>(c) + 1] =
          left_at[static_cast<std::size_t>(c)] + left_counts[static_cast<std::size_t>(c)];
    const std::int64_t n_left = left_at.back();
    parallel_for_blocks(
        m, kPartitionChunk, p.n_threads, [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
          const auto cc = static_cast<std::size_t>(c);
          const std::int64_t nl = left_counts[cc];
          std::memcpy(range + left_at[cc], lefts + begin,
                      sizeof(std::int32_t) * static_cast<std::size_t>(nl));
          const std::int64_t right_at = n_left + (begin - left_at[cc]);
          std::memcpy(range + right_at, rights + begin,
                      sizeof(std::int32_t) * static_cast<std::size_t>(end - begin - nl));
        });

    // The parent becomes an internal node.
    const std::int32_t node = parent.node;
    tree.feature[node] = f;
    tree.gain[node] = split.gain;
    tree.default_left[node] = split.default_left ? 1 : 0;
    if (split.categorical) {
      tree.split_kind[node] = 1;
      std::vector<std::int64_t> values;
      for (int b = 0; b < fb.n_bins(); ++b)
        if (bin_in(split.left_bins, b))
          values.push_back(static_cast<std::int64_t>(fb.categories[static_cast<std::size_t>(b)]));
      const std::int64_t words = values.empty() ? 1 : values.back() / 32 + 1;
      tree.cat_begin[node] = static_cast<std::int32_t>(tree.cat_bits.size());
      tree.cat_size[node] = static_cast<std::int32_t>(words);
      tree.cat_bits.resize(tree.cat_bits.size() + static_cast<std::size_t>(words), 0);
      std::uint32_t* bits = tree.cat_bits.data() + tree.cat_begin[node];
      for (const std::int64_t v : values) bits[v / 32] |= 1u << (v % 32);
    } else {
      tree.threshold[node] =
          split.bin < fb.n_bins() - 1 ? fb.thresholds[static_cast<std::size_t>(split.bin)] : kInf;
    }

    // Children: bounds narrowed across a monotonic split.
    double left_lower = parent.context.lower, left_upper = parent.context.upper;
    double right_lower = left_lower, right_upper = left_upper;
    const std::int8_t monotone = p.monotonic.empty() ? 0 : p.monotonic[static_cast<std::size_t>(f)];
    if (monotone != 0) {
      const double mid = 0.5 * (split.left_value + split.right_value);
      if (monotone > 0) {
        left_upper = mid;
        right_lower = mid;
      } else {
        left_lower = mid;
        right_upper = mid;
      }
    }
    Leaf left, right;
    left.begin = parent.begin;
    left.end = parent.begin + n_left;
    right.begin = left.end;
    right.end = parent.end;
    left.depth = right.depth = parent.depth + 1;
    left.context = s.finder.context(split.left, left_lower, left_upper);
    right.context = s.finder.context(split.right, right_lower, right_upper);
    if (!p.interaction_groups.empty()) {
      left.path = parent.path;
      if (std::find(left.path.begin(), left.path.end(), f) == left.path.end())
        left.path.push_back(f);
      right.path = left.path;
    }
    left.node = add_node(left.context);
    right.node = add_node(right.context);
    tree.left[node] = left.node;
    tree.right[node] = right.node;

    // Histograms only for children that may still be split.
    const bool room = static_cast<std::int64_t>(s.leaves.size()) + 1 < max_leaves;
    const bool split_left = room && can_split(left);
    const bool split_right = room && can_split(right);
    Leaf& small = left.rows() <= right.rows() ? left : right;
    Leaf& large = left.rows() <= right.rows() ? right : left;
    const bool want_small = &small == &left ? split_left : split_right;
    const bool want_large = &large == &left ? split_left : split_right;
    if (want_small || want_large) {
      small.hist = s.acquire();
      HistBin* small_hist = s.pool[static_cast<std::size_t>(small.hist)].data();
      build_histogram(small, small_hist);
      if (want_large) {
        large.hist = parent.hist;
        parent.hist = -1;
        s.builder.subtract(s.pool[static_cast<std::size_t>(large.hist)].data(), small_hist);
      }
      if (!want_small) s.release(small.hist);
    }
    s.release(parent.hist);
    std::vector<Leaf*> targets;
    if (left.hist >= 0) targets.push_back(&left);
    if (right.hist >= 0) targets.push_back(&right);
    if (!targets.empty()) find_splits(targets);
    for (Leaf* child : {&left, &right})
      if (!child->split.found()) s.release(child->hist);
    s.leaves[chosen] = std::move(left);
    s.leaves.push_back(std::move(right));
  }
  for (Leaf& leaf : s.leaves) s.release(leaf.hist);
  if (quantized) renew_node_values(tree, bounds, grad, hess);
  return tree;
}

void TreeGrower::renew_node_values(Tree& tree, const std::vector<std::pair<double, double>>& bounds,
                                   const float* grad, const float* hess) const {
  // Splits were chosen on quantized sums; every node's value and cover come
  // from its rows' true gradients, within the node's monotonic bounds: each
  // leaf sums its rows, each internal node its children's sums (children
  // always come after their parent in node order).
  const State& s = *state_;
  const auto n_nodes = static_cast<std::size_t>(tree.size());
  std::vector<double> g(n_nodes, 0.0), h(n_nodes, 0.0);
  const int threads = s.rows.size() >= 65536 ? params_.n_threads : 1;
  parallel_for(static_cast<std::int64_t>(s.leaves.size()), threads, [&](std::int64_t i) {
    const Leaf& leaf = s.leaves[static_cast<std::size_t>(i)];
    double leaf_g = 0, leaf_h = 0;
    for (std::int64_t j = leaf.begin; j < leaf.end; ++j) {
      const std::int32_t r = s.rows[static_cast<std::size_t>(j)];
      leaf_g += grad[r];
      leaf_h += hess[r];
    }
    g[static_cast<std::size_t>(leaf.node)] = leaf_g;
    h[static_cast<std::size_t>(leaf.node)] = leaf_h;
  });
  for (std::size_t n = n_nodes; n-- > 0;) {
    if (tree.left[n] >= 0) {
      const auto l = static_cast<std::size_t>(tree.left[n]);
      const auto r = static_cast<std::size_t>(tree.right[n]);
      g[n] = g[l] + g[r];
      h[n] = h[l] + h[r];
    }
    const Stats exact{g[n], h[n], tree.count[n]};
    tree.value[n] =
        params_.learning_rate * s.finder.leaf_value(exact, bounds[n].first, bounds[n].second);
    tree.cover[n] = h[n];
  }
}

void TreeGrower::add_leaf_values(const Tree& tree, double* raw, std::int64_t stride) const {
  const State& s = *state_;
  // Threads only when the tree covers enough rows to pay for them.
  const int threads = s.rows.size() >= 65536 ? params_.n_threads : 1;
  parallel_for(static_cast<std::int64_t>(s.leaves.size()), threads, [&](std::int64_t i) {
    const Leaf& leaf = s.leaves[static_cast<std::size_t>(i)];
    const double v = tree.value[static_cast<std::size_t>(leaf.node)];
    for (std::int64_t j = leaf.begin; j < leaf.end; ++j)
      raw[static_cast<std::int64_t>(s.rows[static_cast<std::size_t>(j)]) * stride] += v;
  });
}

void TreeGrower::refit_leaves_quantile(Tree& tree, VectorView<const double> y, const double* raw,
                                       std::int64_t stride, VectorView<const double> weight,
                                       double alpha) const {
  const State& s = *state_;
  const int threads = s.rows.size() >= 65536 ? params_.n_threads : 1;
  require(y.size == n_rows_, "y must have one entry per training row");
  require(weight.empty() || weight.size == n_rows_, "sample_weight must match the training rows");
  parallel_for(static_cast<std::int64_t>(s.leaves.size()), threads, [&](std::int64_t i) {
    const Leaf& leaf = s.leaves[static_cast<std::size_t>(i)];
    std::vector<std::pair<double, double>> residuals;  // (y - raw, weight)
    residuals.reserve(static_cast<std::size_t>(leaf.rows()));
    double total = 0;
    for (std::int64_t j = leaf.begin; j < leaf.end; ++j) {
      const std::int64_t r = s.rows[static_cast<std::size_t>(j)];
      const double w = weight.empty() ? 1.0 : weight[r];
      residuals.emplace_back(y[r] - raw[r * stride], w);
      total += w;
    }
    std::sort(residuals.begin(), residuals.end());
    const double target = alpha * total;
    double cumulative = 0;
    double q = residuals.empty() ? 0.0 : residuals.back().first;
    for (const auto& [value, w] : residuals) {
      cumulative += w;
      if (cumulative >= target) {
        q = value;
        break;
      }
    }
    tree.value[static_cast<std::size_t>(leaf.node)] = params_.learning_rate * q;
  });
}

}  // namespace mlarsenal::gbdt
