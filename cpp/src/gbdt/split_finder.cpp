#include "split_finder.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlarsenal::gbdt {
namespace {
constexpr double kUnbounded = std::numeric_limits<double>::infinity();
}  // namespace

SplitFinder::SplitFinder(const GrowerParams& params, const std::vector<FeatureBins>& bins,
                         const std::vector<std::int32_t>& offsets)
    : params_(params), bins_(bins), offsets_(offsets) {}

double SplitFinder::leaf_value(const Stats& s, double lower, double upper) const {
  const double denominator = s.h + params_.l2_regularization;
  if (!(denominator > 0)) return std::clamp(0.0, lower, upper);
  const double shrunk = std::max(std::abs(s.g) - params_.l1_regularization, 0.0);
  const double v = -(s.g > 0 ? shrunk : -shrunk) / denominator;
  return std::clamp(v, lower, upper);
}

double SplitFinder::quality(const Stats& s, double v) const {
  return -(s.g * v + 0.5 * (s.h + params_.l2_regularization) * v * v +
           params_.l1_regularization * std::abs(v));
}

double SplitFinder::optimum_score(const Stats& s, double extra_l2) const {
  const double denominator = s.h + params_.l2_regularization + extra_l2;
  if (!(denominator > 0)) return 0.0;
  const double shrunk = std::max(std::abs(s.g) - params_.l1_regularization, 0.0);
  return shrunk * shrunk / denominator;
}

NodeContext SplitFinder::context(const Stats& total, double lower, double upper) const {
  NodeContext c;
  c.total = total;
  c.lower = lower;
  c.upper = upper;
  c.value = leaf_value(total, lower, upper);
  c.quality = quality(total, c.value);
  return c;
}

void SplitFinder::consider(const Stats& left, const Stats& right, const NodeContext& node,
                           std::int8_t monotone, SplitCandidate& best, std::int32_t f,
                           std::int32_t bin, bool default_left, double extra_l2) const {
  if (left.n < params_.min_samples_leaf || right.n < params_.min_samples_leaf) return;
  if (left.h < params_.min_child_weight || right.h < params_.min_child_weight) return;
  double gain;
  double vl = 0, vr = 0;
  const bool bounded = monotone != 0 || node.lower > -kUnbounded || node.upper < kUnbounded;
  if (!bounded) {
    // At the unclipped optimum a leaf's quality is T(G)^2 / (2 (H + l2)):
    // two divisions per candidate, values only for the winner.
    gain = 0.5 * (optimum_score(left, extra_l2) + optimum_score(right, extra_l2)) - node.quality;
  } else {
    vl = leaf_value(left, node.lower, node.upper);
    vr = leaf_value(right, node.lower, node.upper);
    if ((monotone > 0 && vl > vr) || (monotone < 0 && vl < vr)) return;
    gain = quality(left, vl) + quality(right, vr) - node.quality;
  }
  if (!(gain > best.gain)) return;
  if (!bounded) {
    vl = leaf_value(left, node.lower, node.upper);
    vr = leaf_value(right, node.lower, node.upper);
  }
  best.gain = gain;
  best.feature = f;
  best.bin = bin;
  best.default_left = default_left;
  best.left = left;
  best.right = right;
  best.left_value = vl;
  best.right_value = vr;
}

SplitCandidate SplitFinder::best_split(const HistBin* hist, std::int32_t f,
                                       const NodeContext& node) const {
  SplitCandidate best = bins_[static_cast<std::size_t>(f)].categorical
                            ? categorical(hist + offsets_[f], f, node)
                            : numerical(hist + offsets_[f], f, node);
  if (best.found() && !(best.gain > std::max(params_.min_split_gain, 0.0))) return {};
  return best;
}

// The common case (no monotonic bound on the node): one tight loop over
// running sums, scoring T(G)^2 / (H + l2) per side, with the candidate
// split's statistics and values built once, for the winner. default_mode:
// 0 missing go right, 1 missing go left (start holds them), -1 no missing
// (they follow the larger side).
void SplitFinder::scan_unbounded(const HistBin* hist, int first, int last, const Stats& start,
                                 int default_mode, const NodeContext& node, std::int32_t f,
                                 SplitCandidate& best) const {
  const double min_rows = static_cast<double>(params_.min_samples_leaf);
  const double min_hessian = params_.min_child_weight;
  const double l1 = params_.l1_regularization;
  const double l2 = params_.l2_regularization;
  const double total_g = node.total.g, total_h = node.total.h;
  const auto total_n = static_cast<double>(node.total.n);
  const auto side = [&](double g, double h) {
    const double shrunk = std::max(std::abs(g) - l1, 0.0);
    const double denominator = h + l2;
    return denominator > 0 ? shrunk * shrunk / denominator : 0.0;
  };
  // A candidate must beat the best gain so far: score > 2 (best + node quality).
  double best_score = 2.0 * (best.gain + node.quality);
  int best_bin = -1;
  double g = start.g, h = start.h, n = static_cast<double>(start.n);
  for (int b = first; b <= last; ++b) {
    const HistBin& e = hist[b];
    if (e.n == 0) continue;
    g += e.g;
    h += e.h;
    n += e.n;
    if (n < min_rows) continue;
    if (total_n - n < min_rows) break;
    const double right_h = total_h - h;
    if (h < min_hessian || right_h < min_hessian) continue;
    const double score = side(g, h) + side(total_g - g, right_h);
    if (score > best_score) {
      best_score = score;
      best_bin = b;
    }
  }
  if (best_bin < 0) return;
  Stats left = start;
  for (int b = first; b <= best_bin; ++b) left += hist[b];
  const Stats right = node.total - left;
  best.gain = 0.5 * best_score - node.quality;
  best.feature = f;
  best.bin = best_bin;
  best.default_left = default_mode < 0 ? left.n >= right.n : default_mode == 1;
  best.left = left;
  best.right = right;
  best.left_value = leaf_value(left, node.lower, node.upper);
  best.right_value = leaf_value(right, node.lower, node.upper);
}

// Bins 0..nb-1 hold values, bin nb the missing values. Scanning left to
// right with the missing values on the right, then again with them on the
// left, learns where missing values go; with none at training time they
// follow the larger child.
SplitCandidate SplitFinder::numerical(const HistBin* hist, std::int32_t f,
                                      const NodeContext& node) const {
  SplitCandidate best;
  const int nb = bins_[static_cast<std::size_t>(f)].n_bins();
  const std::int8_t monotone =
      params_.monotonic.empty() ? 0 : params_.monotonic[static_cast<std::size_t>(f)];
  Stats missing;
  missing += hist[nb];
  const bool has_missing = missing.n > 0;
  // With missing values, "every value left, missing right" is a split too.
  const int last = has_missing ? nb - 1 : nb - 2;
  // An empty bin leaves the partition unchanged (the previous candidate
  // already scored it): skipped, which makes small nodes cheap. Candidates
  // stop once the right side is too small.
  const double min_rows = static_cast<double>(params_.min_samples_leaf);
  const bool bounded = monotone != 0 || node.lower > -kUnbounded || node.upper < kUnbounded;
  if (!bounded) {
    scan_unbounded(hist, 0, last, Stats{}, has_missing ? 0 : -1, node, f, best);
    if (has_missing) scan_unbounded(hist, 0, nb - 2, missing, 1, node, f, best);
    return best;
  }
  Stats left;
  for (int b = 0; b <= last; ++b) {
    if (hist[b].n == 0) continue;
    left += hist[b];
    if (static_cast<double>(left.n) < min_rows) continue;
    const Stats right = node.total - left;
    if (static_cast<double>(right.n) < min_rows) break;
    consider(left, right, node, monotone, best, f, b, has_missing ? false : left.n >= right.n);
  }
  if (has_missing) {
    left = missing;
    for (int b = 0; b <= nb - 2; ++b) {
      if (hist[b].n == 0) continue;
      left += hist[b];
      if (static_cast<double>(left.n) < min_rows) continue;
      const Stats right = node.total - left;
      if (static_cast<double>(right.n) < min_rows) break;
      consider(left, right, node, monotone, best, f, b, true);
    }
  }
  return best;
}

// Categories (the missing bin among them) are ordered by gradient over
// smoothed hessian; the best split puts a prefix of that order on the left
// (the classic result for squared-error-like objectives), scanned from
// both ends.
SplitCandidate SplitFinder::categorical(const HistBin* hist, std::int32_t f,
                                        const NodeContext& node) const {
  SplitCandidate best;
  const int nb = bins_[static_cast<std::size_t>(f)].n_bins();
  const double smooth = params_.cat_smooth;
  // Categories too rare to order reliably stay on the right (LightGBM's
  // regularisation of categorical splits, which keeps them from overfitting
  // many small categories).
  std::vector<int> used;
  for (int b = 0; b <= nb; ++b)
    if (hist[b].n >= std::max(smooth, 1.0)) used.push_back(b);
  if (used.size() < 2) return best;
  std::stable_sort(used.begin(), used.end(), [&](int a, int b) {
    return hist[a].g / (hist[a].h + smooth) < hist[b].g / (hist[b].h + smooth);
  });
  const auto n_used = static_cast<std::int64_t>(used.size());
  const std::int64_t longest =
      std::min<std::int64_t>({n_used - 1, params_.max_cat_threshold, (n_used + 1) / 2});
  int best_direction = 0;
  std::int64_t best_length = 0;
  for (int direction = 0; direction < 2; ++direction) {
    Stats left;
    double group = 0;  // rows added since the last candidate
    for (std::int64_t k = 0; k < longest; ++k) {
      const int b = used[static_cast<std::size_t>(direction == 0 ? k : n_used - 1 - k)];
      left += hist[b];
      group += hist[b].n;
      if (group < static_cast<double>(params_.min_data_per_group)) continue;
      group = 0;
      const double before = best.gain;
      consider(left, node.total - left, node, 0, best, f, -1, false, params_.cat_l2);
      if (best.gain > before) {
        best_direction = direction;
        best_length = k + 1;
      }
    }
  }
  if (!best.found()) return best;
  best.categorical = true;
  best.left_bins = {};
  for (std::int64_t k = 0; k < best_length; ++k) {
    const int b = used[static_cast<std::size_t>(best_direction == 0 ? k : n_used - 1 - k)];
    best.left_bins[static_cast<std::size_t>(b) / 32] |= 1u << (b % 32);
  }
  if (hist[nb].n > 0) {
    best.default_left = bin_in(best.left_bins, nb);
  } else {
    // No missing values in training: they follow the larger child.
    best.default_left = best.left.n >= best.right.n;
    if (best.default_left) best.left_bins[static_cast<std::size_t>(nb) / 32] |= 1u << (nb % 32);
  }
  return best;
}

}  // namespace mlarsenal::gbdt
