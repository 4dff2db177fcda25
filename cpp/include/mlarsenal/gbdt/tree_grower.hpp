// Growing one regression tree on binned data from per-row gradients and
// hessians: leaf-wise (best gain first) histogram gradient boosting.
//
// A TreeGrower keeps what every tree of a fit reuses: the binned matrix
// (borrowed, rows x n_features bytes, C order), the bins, the row index
// buffer and the histogram buffers. grow() is not re-entrant (one grower per
// fit); results do not depend on the thread count: histograms are summed
// over fixed row chunks in a fixed order, and ties break towards the lowest
// feature, bin and node index.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "mlarsenal/common/array_view.hpp"
#include "mlarsenal/gbdt/binning.hpp"

namespace mlarsenal::gbdt {

struct GrowerParams {
  std::int64_t max_leaf_nodes = 31;  // <= 0: no limit
  std::int64_t max_depth = 0;        // <= 0: no limit
  std::int64_t min_samples_leaf = 20;
  double min_child_weight = 1e-3;  // least hessian sum in a child
  double min_split_gain = 0.0;
  double l1_regularization = 0.0;
  double l2_regularization = 0.0;
  double learning_rate = 0.1;  // leaf values are multiplied by it
  double max_features = 1.0;   // fraction of the allowed features drawn per node
  // Categorical splits (LightGBM's regularisation): categories with fewer
  // rows than cat_smooth stay right; the rest are ordered by gradient over
  // (hessian + cat_smooth); a candidate is scored every min_data_per_group
  // rows of that order, with cat_l2 more L2 in its gain.
  double cat_smooth = 10.0;
  double cat_l2 = 10.0;
  std::int64_t min_data_per_group = 100;
  std::int64_t max_cat_threshold = 32;  // most categories on the left of a split
  std::vector<std::int8_t> monotonic;   // per feature: -1, 0, +1; empty: none
  // Interaction constraints: features that may share a branch. Empty: none.
  std::vector<std::vector<std::int32_t>> interaction_groups;
  // Histograms from gradients and hessians rounded stochastically to int8
  // levels (cpp/src/gbdt/quantize.hpp); leaf values from the exact ones.
  bool quantized_gradients = false;
  int n_threads = 0;
};

// A tree in the forest layout of mlarsenal/forest/forest.hpp (real-valued
// thresholds, categorical bitsets over category values), with training
// statistics per node.
struct Tree {
  std::vector<std::int32_t> feature, left, right, cat_begin, cat_size;
  std::vector<double> threshold, value, gain, cover;
  std::vector<std::int64_t> count;
  std::vector<std::uint8_t> default_left, split_kind;
  std::vector<std::uint32_t> cat_bits;

  std::int64_t size() const { return static_cast<std::int64_t>(feature.size()); }
  std::int64_t n_leaves() const;
};

class TreeGrower {
 public:
  TreeGrower(const std::uint8_t* binned, std::int64_t n_rows, std::vector<FeatureBins> bins,
             GrowerParams params);
  ~TreeGrower();
  TreeGrower(const TreeGrower&) = delete;
  TreeGrower& operator=(const TreeGrower&) = delete;

  // Grows a tree from grad/hess (n_rows floats each) on the rows listed in
  // `rows` (ascending; empty: all rows), using the features whose
  // feature_mask entry is non-zero (empty: all). seed drives per-node
  // feature sampling.
  Tree grow(const float* grad, const float* hess, const std::vector<std::int32_t>& rows,
            const std::vector<std::uint8_t>& feature_mask, std::uint64_t seed);

  // raw[r * stride] += the value of the leaf that row r reached in the last
  // grown tree, for every row it was grown on.
  void add_leaf_values(const Tree& tree, double* raw, std::int64_t stride) const;

  // Sets each leaf of the last grown tree to learning_rate times the
  // weighted `alpha`-quantile of y - raw over its rows (absolute error:
  // alpha = 0.5), the optimal constant for those losses.
  void refit_leaves_quantile(Tree& tree, VectorView<const double> y, const double* raw,
                             std::int64_t stride, VectorView<const double> weight,
                             double alpha) const;

  std::int64_t n_features() const { return n_features_; }

 private:
  struct State;
  void renew_node_values(Tree& tree, const std::vector<std::pair<double, double>>& bounds,
                         const float* grad, const float* hess) const;

  const std::uint8_t* binned_;
  std::int64_t n_rows_;
  std::int64_t n_features_;
  std::vector<FeatureBins> bins_;
  GrowerParams params_;
  std::unique_ptr<State> state_;
};

}  // namespace mlarsenal::gbdt
