// Depth-first (or best-first) growth of one tree on binned columns, and the
// parallel loop over a forest's trees. See mlarsenal/tree/tree_builder.hpp.
//
// Split search for one feature of a node: one pass over the node's rows adds
// each row to its bin's summary and records the bins it touches; the
// touched bins, in order, are then swept once. Only touched bins are read
// and cleared again, so a node of 5 rows costs 5 bins, not 256: full-depth
// trees have far more small nodes than large ones.
#include "mlarsenal/tree/tree_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <queue>
#include <string>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/random.hpp"
#include "split_criterion.hpp"

namespace mlarsenal::tree {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// A node whose impurity is at most this is pure (scikit-learn's EPSILON).
constexpr double kPure = std::numeric_limits<double>::epsilon();

struct Split {
  double score = -kInf;  // proxy(L) + proxy(R); higher is better
  std::int32_t feature = -1;
  int bin = 0;  // rows with bin <= this (and not missing) go left
  bool missing_left = false;
  bool found() const { return feature >= 0; }
};

struct Frontier {
  std::int32_t node = 0;
  std::int64_t begin = 0, end = 0, depth = 0;
  Split split;
  double gain = 0.0;
};

// Best-first order: larger gain first, then the older node.
struct LowerGain {
  bool operator()(const Frontier& a, const Frontier& b) const {
    return a.gain != b.gain ? a.gain < b.gain : a.node > b.node;
  }
};

// Everything one thread needs to grow trees, reused from tree to tree.
class TreeBuilder {
 public:
  TreeBuilder(const BinnedColumns& x, const Targets& y, const TreeParams& params)
      : x_(x),
        y_(y),
        p_(params),
        criterion_(params.criterion, params.n_classes),
        stride_(criterion_.stride()),
        weight_(static_cast<std::size_t>(x.n_rows)),
        rows_(static_cast<std::size_t>(x.n_rows)),
        scratch_(static_cast<std::size_t>(x.n_rows)),
        hist_(static_cast<std::size_t>((gbdt::kMaxBins + 1) * stride_), 0.0),
        hist_count_(gbdt::kMaxBins + 1, 0),
        touched_(gbdt::kMaxBins + 1),
        features_(static_cast<std::size_t>(x.n_features())) {}

  GrownTree grow(std::uint64_t seed, const RowSampling& sampling) {
    Random rng(seed);
    const std::int64_t n_rows = sample_rows(sampling, seed);
    for (std::size_t f = 0; f < features_.size(); ++f) features_[f] = static_cast<std::int32_t>(f);

    GrownTree tree;
    tree.n_values = criterion_.n_values();
    std::vector<double> totals(static_cast<std::size_t>(stride_ + 1));
    const auto create = [&](std::int64_t begin, std::int64_t end, std::int64_t depth) {
      Frontier item;
      item.node = add_node(tree, begin, end, totals.data());
      item.begin = begin;
      item.end = end;
      item.depth = depth;
      if (splittable(tree, item)) {
        item.split = best_split(item, totals.data(), rng);
        if (item.split.found()) item.gain = gain_of(item, totals.data());
        // scikit-learn's rule: the decrease weighted by the node's share of
        // the root's weight (node 0).
        if (item.split.found() && item.gain / tree.weight[0] + kPure < p_.min_impurity_decrease)
          item.split = Split{};
      }
      return item;
    };

    const bool best_first = p_.max_leaf_nodes > 0;
    std::vector<Frontier> stack;
    std::priority_queue<Frontier, std::vector<Frontier>, LowerGain> heap;
    const auto push = [&](Frontier item) {
      if (!item.split.found()) return;  // stays a leaf
      if (best_first) {
        heap.push(std::move(item));
      } else {
        stack.push_back(std::move(item));
      }
    };
    push(create(0, n_rows, 0));
    std::int64_t leaves = 1;
    while (best_first ? !heap.empty() : !stack.empty()) {
      Frontier item;
      if (best_first) {
        if (leaves >= p_.max_leaf_nodes) break;
        item = heap.top();
        heap.pop();
      } else {
        item = std::move(stack.back());
        stack.pop_back();
      }
      const std::int64_t mid = partition(item);
      const auto at = static_cast<std::size_t>(item.node);
      tree.feature[at] = item.split.feature;
      tree.threshold[at] = threshold_of(item.split);
      tree.default_left[at] = item.split.missing_left ? 1 : 0;
      tree.gain[at] = item.gain;
      Frontier left = create(item.begin, mid, item.depth + 1);
      tree.left[at] = left.node;
      Frontier right = create(mid, item.end, item.depth + 1);
      tree.right[at] = right.node;
      ++leaves;
      // Depth-first: the right child is pushed first so the left subtree
      // grows first and its rows, just partitioned, are still in cache.
      push(std::move(right));
      push(std::move(left));
    }
    return tree;
  }

 private:
  // Fills weight_ (0 for rows outside this tree) and rows_ (the tree's rows,
  // ascending); returns how many rows the tree has.
  std::int64_t sample_rows(const RowSampling& sampling, std::uint64_t seed) {
    const std::int64_t n = x_.n_rows;
    if (sampling.bootstrap) {
      const auto counts = bootstrap_counts(seed, n, sampling.n_draws);
      for (std::int64_t r = 0; r < n; ++r)
        weight_[static_cast<std::size_t>(r)] =
            static_cast<double>(counts[static_cast<std::size_t>(r)]);
    } else {
      std::fill(weight_.begin(), weight_.end(), 1.0);
    }
    std::int64_t kept = 0;
    for (std::int64_t r = 0; r < n; ++r) {
      double& w = weight_[static_cast<std::size_t>(r)];
      if (y_.weights != nullptr) w *= y_.weights[r];
      if (w > 0.0) rows_[static_cast<std::size_t>(kept++)] = static_cast<std::int32_t>(r);
    }
    return kept;
  }

  // Appends a leaf for rows [begin, end) with its value, impurity and
  // statistics; leaves the node's summary (plus sum w y^2) in totals.
  std::int32_t add_node(GrownTree& tree, std::int64_t begin, std::int64_t end, double* totals) {
    std::fill(totals, totals + stride_ + 1, 0.0);
    double& sum_wy2 = totals[stride_];
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int32_t r = rows_[static_cast<std::size_t>(i)];
      const double w = weight_[static_cast<std::size_t>(r)];
      add_row(totals, r, w);
      if (!criterion_.classification()) sum_wy2 += w * y_.values[r] * y_.values[r];
    }
    const auto node = static_cast<std::int32_t>(tree.feature.size());
    tree.feature.push_back(-1);
    tree.left.push_back(-1);
    tree.right.push_back(-1);
    tree.threshold.push_back(0.0);
    tree.default_left.push_back(0);
    tree.gain.push_back(0.0);
    tree.weight.push_back(totals[0]);
    tree.count.push_back(end - begin);
    tree.impurity.push_back(criterion_.impurity(totals, sum_wy2));
    const double w = totals[0] > 0.0 ? totals[0] : 1.0;
    for (int k = 1; k <= criterion_.n_values(); ++k) tree.value.push_back(totals[k] / w);
    return node;
  }

  bool splittable(const GrownTree& tree, const Frontier& item) const {
    const std::int64_t n = item.end - item.begin;
    const auto at = static_cast<std::size_t>(item.node);
    return n >= p_.min_samples_split && n >= 2 * p_.min_samples_leaf &&
           tree.weight[at] >= 2.0 * p_.min_weight_leaf &&
           (p_.max_depth <= 0 || item.depth < p_.max_depth) && tree.impurity[at] > kPure;
  }

  // The best split over up to max_features randomly drawn features that are
  // not constant in the node (more are drawn while some turn out constant).
  Split best_split(const Frontier& item, const double* totals, Random& rng) {
    Split best;
    const auto n_features = static_cast<std::int64_t>(features_.size());
    const std::int64_t wanted =
        p_.max_features > 0 ? std::min<std::int64_t>(p_.max_features, n_features) : n_features;
    std::int64_t visited = 0;
    for (std::int64_t i = 0; i < n_features && visited < wanted; ++i) {
      const auto j =
          i + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n_features - i)));
      std::swap(features_[static_cast<std::size_t>(i)], features_[static_cast<std::size_t>(j)]);
      const std::int32_t f = features_[static_cast<std::size_t>(i)];
      const bool scored = p_.random_thresholds ? score_random_threshold(f, item, totals, rng, best)
                                               : score_feature(f, item, best);
      if (scored) ++visited;
    }
    return best;
  }

  // Scores the splits of one feature into `best`; false when the feature is
  // constant in the node.
  bool score_feature(std::int32_t f, const Frontier& item, Split& best) {
    const gbdt::FeatureBins& bins = (*x_.bins)[static_cast<std::size_t>(f)];
    const int missing = bins.missing_bin();
    const std::uint8_t* column = column_of(f);
    const int n_touched = accumulate(column, item.begin, item.end);
    order_touched(n_touched, missing);

    // touched_[0, n_present) are the non-missing bins, ascending.
    const int n_present = n_touched - (hist_count_[static_cast<std::size_t>(missing)] > 0 ? 1 : 0);
    const bool constant = n_present + (n_present < n_touched ? 1 : 0) <= 1;
    if (!constant) score_all(f, n_present, missing, best);
    clear_touched(n_touched);
    return !constant;
  }

  // Extra trees: one threshold drawn uniformly among the bin edges between
  // the node's smallest and largest present bins. Two passes over the rows
  // (the bin range, then the sums left of the threshold) and no histogram.
  bool score_random_threshold(std::int32_t f, const Frontier& item, const double* totals,
                              Random& rng, Split& best) {
    const int missing = (*x_.bins)[static_cast<std::size_t>(f)].missing_bin();
    const std::uint8_t* column = column_of(f);
    int lo = missing, hi = -1;
    std::int64_t miss_count = 0;
    for (std::int64_t i = item.begin; i < item.end; ++i) {
      const int bin = column[rows_[static_cast<std::size_t>(i)]];
      if (bin == missing) {
        ++miss_count;
      } else {
        lo = std::min(lo, bin);
        hi = std::max(hi, bin);
      }
    }
    if (hi < 0 || (lo == hi && miss_count == 0)) return false;  // constant
    // With one present bin only "missing apart" separates the rows.
    const int bin = lo < hi ? lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo)))
                            : missing - 1;
    double left[kMaxStride] = {}, miss[kMaxStride] = {}, present[kMaxStride];
    std::int64_t left_count = 0;
    for (std::int64_t i = item.begin; i < item.end; ++i) {
      const std::int32_t r = rows_[static_cast<std::size_t>(i)];
      const int b = column[r];
      double* sums = b == missing ? miss : (b <= bin ? left : nullptr);
      if (sums == nullptr) continue;
      left_count += b == missing ? 0 : 1;
      add_row(sums, r, weight_[static_cast<std::size_t>(r)]);
    }
    for (int k = 0; k < stride_; ++k) present[k] = totals[k] - miss[k];
    const std::int64_t present_count = item.end - item.begin - miss_count;
    if (lo == hi) {
      score_missing_split(f, bin, present, present_count, miss, miss_count, best);
    } else {
      score_position(f, bin, left, left_count, present, present_count, miss, miss_count, best);
    }
    return true;
  }

  // Feature f's binned column (one byte per row).
  const std::uint8_t* column_of(std::int32_t f) const {
    return x_.codes + static_cast<std::int64_t>(f) * x_.n_rows;
  }

  int accumulate(const std::uint8_t* column, std::int64_t begin, std::int64_t end) {
    int n_touched = 0;
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int32_t r = rows_[static_cast<std::size_t>(i)];
      const int bin = column[r];
      const double w = weight_[static_cast<std::size_t>(r)];
      if (hist_count_[static_cast<std::size_t>(bin)]++ == 0)
        touched_[static_cast<std::size_t>(n_touched++)] = bin;
      add_row(hist_.data() + static_cast<std::ptrdiff_t>(bin) * stride_, r, w);
    }
    return n_touched;
  }

  // Adds row r, of weight w, to a summary (see split_criterion.hpp).
  void add_row(double* sums, std::int32_t r, double w) const {
    sums[0] += w;
    if (criterion_.classification()) {
      sums[1 + y_.classes[r]] += w;
    } else {
      sums[1] += w * y_.values[r];
    }
  }

  // Sorts the touched bins; the missing bin (the largest index) ends last.
  void order_touched(int n_touched, int missing) {
    auto first = touched_.begin();
    auto last = first + n_touched;
    if (n_touched * 8 < missing + 1) {
      std::sort(first, last);
    } else {  // many bins touched: collect them in order instead of sorting
      int k = 0;
      for (int b = 0; b <= missing; ++b)
        if (hist_count_[static_cast<std::size_t>(b)] > 0)
          touched_[static_cast<std::size_t>(k++)] = b;
    }
  }

  void clear_touched(int n_touched) {
    for (int i = 0; i < n_touched; ++i) {
      const int b = touched_[static_cast<std::size_t>(i)];
      hist_count_[static_cast<std::size_t>(b)] = 0;
      std::fill_n(hist_.begin() + static_cast<std::ptrdiff_t>(b) * stride_, stride_, 0.0);
    }
  }

  // Scores "left = the present rows in bins up to `bin`" with the missing
  // rows on each side they may go; updates best.
  void score_position(std::int32_t f, int bin, const double* left, std::int64_t left_count,
                      const double* present, std::int64_t present_count, const double* miss,
                      std::int64_t miss_count, Split& best) {
    double l[kMaxStride], r[kMaxStride];
    for (int side = 0; side < (miss_count > 0 ? 2 : 1); ++side) {
      const bool missing_left = side == 1;
      std::int64_t nl = left_count, nr = present_count - left_count;
      for (int k = 0; k < stride_; ++k) {
        l[k] = left[k];
        r[k] = present[k] - left[k];
      }
      if (missing_left) {
        nl += miss_count;
        for (int k = 0; k < stride_; ++k) l[k] += miss[k];
      } else {
        nr += miss_count;
        for (int k = 0; k < stride_; ++k) r[k] += miss[k];
      }
      consider(f, bin, missing_left, l, nl, r, nr, best);
    }
  }

  // Makes the split (l: nl rows, r: nr rows) the best when both sides meet
  // the leaf limits and it scores higher.
  void consider(std::int32_t f, int bin, bool missing_left, const double* l, std::int64_t nl,
                const double* r, std::int64_t nr, Split& best) const {
    if (nl < p_.min_samples_leaf || nr < p_.min_samples_leaf) return;
    if (l[0] < p_.min_weight_leaf || r[0] < p_.min_weight_leaf) return;
    if (!(l[0] > 0.0) || !(r[0] > 0.0)) return;
    const double score = criterion_.proxy(l) + criterion_.proxy(r);
    if (score > best.score) {
      best.score = score;
      best.feature = f;
      best.bin = bin;
      best.missing_left = missing_left;
    }
  }

  // Sums the present (non-missing) bins into present.
  std::int64_t sum_present(int n_present, double* present) const {
    std::fill(present, present + stride_, 0.0);
    std::int64_t count = 0;
    for (int g = 0; g < n_present; ++g) {
      const int b = touched_[static_cast<std::size_t>(g)];
      const double* h = hist_.data() + static_cast<std::ptrdiff_t>(b) * stride_;
      for (int k = 0; k < stride_; ++k) present[k] += h[k];
      count += hist_count_[static_cast<std::size_t>(b)];
    }
    return count;
  }

  void score_all(std::int32_t f, int n_present, int missing, Split& best) {
    const double* miss = hist_.data() + static_cast<std::ptrdiff_t>(missing) * stride_;
    const std::int64_t miss_count = hist_count_[static_cast<std::size_t>(missing)];
    double present[kMaxStride], left[kMaxStride];
    const std::int64_t present_count = sum_present(n_present, present);
    std::fill(left, left + stride_, 0.0);
    std::int64_t left_count = 0;
    // Every cut between two present bins, missing rows on either side.
    for (int g = 0; g + 1 < n_present; ++g) {
      const int b = touched_[static_cast<std::size_t>(g)];
      const double* h = hist_.data() + static_cast<std::ptrdiff_t>(b) * stride_;
      for (int k = 0; k < stride_; ++k) left[k] += h[k];
      left_count += hist_count_[static_cast<std::size_t>(b)];
      // The threshold halfway between this bin and the next present one.
      const int bin = (b + touched_[static_cast<std::size_t>(g + 1)] - 1) / 2;
      score_position(f, bin, left, left_count, present, present_count, miss, miss_count, best);
    }
    // And every present row on one side, the missing ones on the other (a
    // threshold above every value), as scikit-learn also scores.
    if (miss_count > 0)
      score_missing_split(f, missing - 1, present, present_count, miss, miss_count, best);
  }

  // Present rows left, missing rows right.
  void score_missing_split(std::int32_t f, int bin, const double* present,
                           std::int64_t present_count, const double* miss, std::int64_t miss_count,
                           Split& best) {
    consider(f, bin, /*missing_left=*/false, present, present_count, miss, miss_count, best);
  }

  double gain_of(const Frontier& item, const double* totals) const {
    return criterion_.gain_scale() * (item.split.score - criterion_.proxy(totals));
  }

  double threshold_of(const Split& split) const {
    const auto& thresholds = (*x_.bins)[static_cast<std::size_t>(split.feature)].thresholds;
    return split.bin < static_cast<int>(thresholds.size())
               ? thresholds[static_cast<std::size_t>(split.bin)]
               : kInf;
  }

  // Reorders rows [begin, end) so the left child's rows come first; returns
  // where the right child's rows start.
  std::int64_t partition(const Frontier& item) {
    const Split& s = item.split;
    const std::uint8_t* column = column_of(s.feature);
    const int missing = (*x_.bins)[static_cast<std::size_t>(s.feature)].missing_bin();
    // Stable, so each child's rows stay ascending and the column reads of
    // later split searches keep moving forward through memory.
    std::int64_t kept = item.begin, moved = 0;
    for (std::int64_t i = item.begin; i < item.end; ++i) {
      const std::int32_t r = rows_[static_cast<std::size_t>(i)];
      const int bin = column[r];
      const bool go_left = bin == missing ? s.missing_left : bin <= s.bin;
      if (go_left) {
        rows_[static_cast<std::size_t>(kept++)] = r;
      } else {
        scratch_[static_cast<std::size_t>(moved++)] = r;
      }
    }
    std::copy_n(scratch_.begin(), moved, rows_.begin() + kept);
    return kept;
  }

 public:
  // Summaries hold a weight and up to this many classes on the stack.
  static constexpr int kMaxStride = 257;

 private:
  const BinnedColumns& x_;
  const Targets& y_;
  const TreeParams& p_;
  SplitCriterion criterion_;
  int stride_;
  std::vector<double> weight_;
  std::vector<std::int32_t> rows_;
  std::vector<std::int32_t> scratch_;  // partition buffer
  std::vector<double> hist_;
  std::vector<std::int64_t> hist_count_;
  std::vector<int> touched_;
  std::vector<std::int32_t> features_;
};

void check_inputs(const BinnedColumns& x, const Targets& y, const TreeParams& p,
                  const RowSampling& sampling) {
  require(x.bins != nullptr && x.codes != nullptr, "binned data is missing");
  require(x.n_rows < std::numeric_limits<std::int32_t>::max(), "too many rows (at most 2**31 - 1)");
  const bool classification = p.criterion != Criterion::kSquaredError;
  if (classification) {
    require(p.n_classes >= 1 && p.n_classes < TreeBuilder::kMaxStride,
            "n_classes must be in [1, " + std::to_string(TreeBuilder::kMaxStride - 1) + "]");
    require(y.classes != nullptr, "class targets are missing");
    for (std::int64_t r = 0; r < x.n_rows; ++r)
      require(y.classes[r] >= 0 && y.classes[r] < p.n_classes,
              "class index out of range at row " + std::to_string(r));
  } else {
    require(y.values != nullptr, "regression targets are missing");
    for (std::int64_t r = 0; r < x.n_rows; ++r)
      require(std::isfinite(y.values[r]), "y is not finite at row " + std::to_string(r));
  }
  if (y.weights != nullptr)
    for (std::int64_t r = 0; r < x.n_rows; ++r)
      require(std::isfinite(y.weights[r]) && y.weights[r] >= 0.0,
              "sample_weight must be finite and >= 0 (row " + std::to_string(r) + ")");
  for (std::int64_t f = 0; f < x.n_features(); ++f)
    require((*x.bins)[static_cast<std::size_t>(f)].n_bins() <= gbdt::kMaxBins,
            "a feature has more than 255 bins");
  require(p.min_samples_leaf >= 1, "min_samples_leaf must be >= 1");
  require(!sampling.bootstrap || sampling.n_draws >= 1, "max_samples must draw at least one row");
}

}  // namespace

std::vector<std::uint32_t> bootstrap_counts(std::uint64_t seed, std::int64_t n_rows,
                                            std::int64_t n_draws) {
  require(n_rows >= 1, "bootstrap needs at least one row");
  std::vector<std::uint32_t> counts(static_cast<std::size_t>(n_rows), 0);
  // A stream of its own: the tree's feature draws start from the same seed.
  Random rng(seed ^ 0x5851f42d4c957f2dULL);
  for (std::int64_t i = 0; i < n_draws; ++i)
    ++counts[static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(n_rows)))];
  return counts;
}

std::vector<GrownTree> grow_trees(const BinnedColumns& x, const Targets& y,
                                  const TreeParams& params, const RowSampling& sampling,
                                  const std::vector<std::uint64_t>& seeds, int n_threads) {
  check_inputs(x, y, params, sampling);
  const auto n_trees = static_cast<std::int64_t>(seeds.size());
  std::vector<GrownTree> trees(seeds.size());
  const int threads = static_cast<int>(std::min<std::int64_t>(resolve_threads(n_threads), n_trees));
  if (threads <= 1) {
    TreeBuilder builder(x, y, params);
    for (std::int64_t t = 0; t < n_trees; ++t)
      trees[static_cast<std::size_t>(t)] =
          builder.grow(seeds[static_cast<std::size_t>(t)], sampling);
    return trees;
  }
  // Trees differ in cost: hand them out one at a time. Each tree depends on
  // its seed only, so the schedule never changes a result.
  ExceptionCollector errors;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    // Every thread must reach the worksharing loop, even one whose
    // workspace could not be allocated.
    std::unique_ptr<TreeBuilder> builder;
    try {
      builder = std::make_unique<TreeBuilder>(x, y, params);
    } catch (...) {
      errors.capture();
    }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (std::int64_t t = 0; t < n_trees; ++t) {
      if (errors.failed() || !builder) continue;
      try {
        trees[static_cast<std::size_t>(t)] =
            builder->grow(seeds[static_cast<std::size_t>(t)], sampling);
      } catch (...) {
        errors.capture();
      }
    }
  }
  errors.rethrow_if_failed();
  return trees;
}

}  // namespace mlarsenal::tree
