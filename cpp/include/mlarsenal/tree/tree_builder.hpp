// Growing decision trees to full depth on binned data: the trainer behind
// decision trees, random forests and extra trees.
//
// The binned matrix is the gradient-boosting binning (mlarsenal/gbdt/
// binning.hpp) stored feature-major, so a node's split search over one
// feature reads one contiguous column. Trees of a forest grow in parallel,
// one tree per thread, all reading the same binned columns; each tree draws
// its rows (bootstrap) and its features from its own seed, so a forest is the
// same for any thread count.
//
// A tree is grown depth-first (best-first when max_leaf_nodes is set). A
// node's split is the best, by the criterion, over up to max_features
// features drawn at random; extra trees score one random threshold per
// feature instead of all of them. Missing values (the missing bin) go to the
// side that scores better.
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/gbdt/binning.hpp"

namespace mlarsenal::tree {

enum class Criterion : std::int32_t { kGini = 0, kEntropy = 1, kSquaredError = 2 };

struct TreeParams {
  Criterion criterion = Criterion::kGini;
  std::int32_t n_classes = 0;  // classification: >= 2; squared error: ignored
  std::int64_t max_depth = 0;  // <= 0: no limit
  std::int64_t min_samples_split = 2;
  std::int64_t min_samples_leaf = 1;
  double min_weight_leaf = 0.0;  // least weight in a child
  // Least weighted impurity decrease of a split over the root's weight
  // (scikit-learn's min_impurity_decrease).
  double min_impurity_decrease = 0.0;
  std::int64_t max_leaf_nodes = 0;  // <= 0: no limit (depth-first); else best-first
  std::int32_t max_features = 0;    // features scored per node; <= 0: all
  bool random_thresholds = false;   // extra trees: one random threshold per feature
};

// The binned training data: codes[f * n_rows + r] is row r's bin of feature f.
struct BinnedColumns {
  const std::uint8_t* codes = nullptr;
  std::int64_t n_rows = 0;
  const std::vector<gbdt::FeatureBins>* bins = nullptr;

  std::int64_t n_features() const { return static_cast<std::int64_t>(bins->size()); }
};

// Per-row targets: class indices in [0, n_classes) or real values, and
// weights (nullptr: all 1). Rows of weight 0 are left out of every tree.
struct Targets {
  const std::int32_t* classes = nullptr;
  const double* values = nullptr;
  const double* weights = nullptr;
};

// Rows each tree is grown on: all rows, or n_draws drawn with replacement.
struct RowSampling {
  bool bootstrap = false;
  std::int64_t n_draws = 0;
};

// A grown tree in the forest layout (children after their parent, -1 at
// leaves; a row goes left when x <= threshold, NaN follows default_left),
// with the statistics importances and explanations use.
struct GrownTree {
  std::vector<std::int32_t> feature, left, right;
  std::vector<double> threshold;
  std::vector<std::uint8_t> default_left;
  std::vector<double> impurity;     // of each node (gini, entropy in bits, or variance)
  std::vector<double> gain;         // weighted impurity decrease of the split; 0 at leaves
  std::vector<double> weight;       // summed row weights in the node
  std::vector<std::int64_t> count;  // distinct training rows in the node
  // n_nodes x n_values: class fractions (classification) or the mean (regression).
  std::vector<double> value;
  std::int32_t n_values = 1;

  std::int64_t size() const { return static_cast<std::int64_t>(feature.size()); }
};

// How many times each of n_rows rows is drawn in n_draws uniform draws with
// replacement from `seed`: the bootstrap of the tree grown from that seed.
std::vector<std::uint32_t> bootstrap_counts(std::uint64_t seed, std::int64_t n_rows,
                                            std::int64_t n_draws);

// Grows one tree per seed, on up to n_threads threads (<= 0: all).
// Throws InvalidArgument for inconsistent inputs (class out of range,
// negative or non-finite weights, non-finite regression targets).
std::vector<GrownTree> grow_trees(const BinnedColumns& x, const Targets& y,
                                  const TreeParams& params, const RowSampling& sampling,
                                  const std::vector<std::uint64_t>& seeds, int n_threads);

}  // namespace mlarsenal::tree
