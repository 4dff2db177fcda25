// Best split of one node from its histogram (internal to cpp/src/gbdt).
//
// Objective of a leaf with gradient sum G, hessian sum H and value v:
//   G v + (H + l2) v^2 / 2 + l1 |v|,
// minimised by v* = -sign(G) max(|G| - l1, 0) / (H + l2), then clipped to the
// node's bounds (monotonic constraints). A split's gain is the decrease of
// that objective from the node to its two children, evaluated at the clipped
// values, so a constrained split is scored by what it can really achieve.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "histogram.hpp"
#include "mlarsenal/gbdt/binning.hpp"
#include "mlarsenal/gbdt/tree_grower.hpp"

namespace mlarsenal::gbdt {

// Bins that go left in a categorical split (255 bins + the missing bin).
using BinSet = std::array<std::uint32_t, 8>;

struct SplitCandidate {
  double gain = -std::numeric_limits<double>::infinity();
  std::int32_t feature = -1;
  std::int32_t bin = -1;  // numerical: bins <= bin go left
  bool default_left = false;
  bool categorical = false;
  BinSet left_bins{};
  Stats left, right;
  double left_value = 0, right_value = 0;  // before the learning rate

  bool found() const { return feature >= 0; }
};

// What the split search needs to know about the node being split.
struct NodeContext {
  Stats total;
  double lower = -std::numeric_limits<double>::infinity();  // bounds on leaf values
  double upper = std::numeric_limits<double>::infinity();
  double value = 0;    // the node's own (clipped) value
  double quality = 0;  // minus the node's objective at `value`
};

class SplitFinder {
 public:
  SplitFinder(const GrowerParams& params, const std::vector<FeatureBins>& bins,
              const std::vector<std::int32_t>& offsets);

  double leaf_value(const Stats& s, double lower, double upper) const;
  double quality(const Stats& s, double value) const;
  // quality at the unclipped optimal value, times 2 (with extra_l2 added to l2).
  double optimum_score(const Stats& s, double extra_l2 = 0.0) const;
  NodeContext context(const Stats& total, double lower, double upper) const;

  // The best split on feature f, or a candidate with found() == false.
  SplitCandidate best_split(const HistBin* hist, std::int32_t f, const NodeContext& node) const;

 private:
  // extra_l2: more L2 on the children's gain (categorical splits).
  void consider(const Stats& left, const Stats& right, const NodeContext& node,
                std::int8_t monotone, SplitCandidate& best, std::int32_t f, std::int32_t bin,
                bool default_left, double extra_l2 = 0.0) const;
  SplitCandidate numerical(const HistBin* hist, std::int32_t f, const NodeContext& node) const;
  void scan_unbounded(const HistBin* hist, int first, int last, const Stats& start,
                      int default_mode, const NodeContext& node, std::int32_t f,
                      SplitCandidate& best) const;
  SplitCandidate categorical(const HistBin* hist, std::int32_t f, const NodeContext& node) const;

  const GrowerParams& params_;
  const std::vector<FeatureBins>& bins_;
  const std::vector<std::int32_t>& offsets_;
};

inline bool bin_in(const BinSet& set, int bin) {
  return ((set[static_cast<std::size_t>(bin) / 32] >> (bin % 32)) & 1u) != 0;
}

}  // namespace mlarsenal::gbdt
