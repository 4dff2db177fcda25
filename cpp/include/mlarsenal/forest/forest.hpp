// The one tree-ensemble representation: what every tree model of mlarsenal
// (gradient boosting, forests, models imported from other libraries) is
// stored as, saved as and predicted with.
//
// Layout: structure of arrays over all nodes of all trees. Tree t owns nodes
// [tree_offsets[t], tree_offsets[t + 1]); child indices are local to the tree
// and always greater than their parent's index (pre-order or breadth-first
// numbering), which makes a cycle impossible and lets a loader check a file
// in one pass. A node is a leaf when left == -1.
//
// Decision at an internal node with feature f and value x = X(row, f).
// split_kind is a set of bits (kinds below); 0 is a plain numerical split.
// First x is normalised, then routed:
//   - kNanIsZero and x is NaN           -> x = 0.0
//   - kTinyIsZero and |x| <= kTinyZero  -> x = 0.0 (LightGBM drops such
//     values from its input rows; kTinyZero is the float 1e-35 widened)
//   - x is NaN, or kZeroIsMissing and x == 0.0
//                                       -> left if default_left, else right
//   - numerical:   x <= threshold   -> left, else right
//   - categorical (kCategorical): x is a category whose bit is set in the
//     node's bitset -> left, else right. The category of x is (int)x for
//     0 <= x < 32 * cat_size. With kCategoryTruncates a value in (-1, 0) is
//     category 0 (a C cast, as LightGBM does). Any other value (negative,
//     too large, a category not seen in training) goes right; with
//     kCategoryStrict such values, and values that are not whole numbers,
//     follow default_left instead (scikit-learn's "unknown category is
//     missing"). The two kCategory* bits are only valid on categorical nodes.
// Comparisons are in double: x is widened from the input dtype first.
// Trees add value[leaf] to output column tree_output[t]; outputs start at
// base_score. Everything is read-only during prediction: one ForestView may be
// used by any number of threads at once.
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::forest {

// Bits of split_kind. Files from before the flag bits hold only 0 and 1,
// which keep their meaning.
enum SplitKind : std::uint8_t {
  kNumerical = 0,
  kCategorical = 1,
  kNanIsZero = 2,
  kZeroIsMissing = 4,
  kTinyIsZero = 8,
  kCategoryStrict = 16,
  kCategoryTruncates = 32,
};
constexpr std::uint8_t kKnownSplitBits = 63;
constexpr std::uint8_t kCategoryOnlyBits = kCategoryStrict | kCategoryTruncates;
// LightGBM's kZeroThreshold: 1e-35f as a double.
constexpr double kTinyZero = static_cast<double>(1e-35f);

// A node of the packed layout (derived from the arrays when a forest is
// built, never read from a file): 16 bytes, four to a cache line, the two
// children of a split side by side so one index finds both. Only trees whose
// splits are all plain numerical ones are packed.
struct PackedNode {
  double threshold;
  // Bits 0-30: the feature; bit 31: missing values go left.
  std::uint32_t feature_and_missing;
  // Split: index of the left child in the tree's packed nodes (the right one
  // follows it). Leaf: ~(the leaf's node index in the arrays), negative.
  std::int32_t child;
};
static_assert(sizeof(PackedNode) == 16, "PackedNode must stay 16 bytes");

struct ForestView {
  std::int64_t n_trees = 0;
  std::int64_t n_nodes = 0;
  std::int64_t n_features = 0;
  std::int64_t n_outputs = 1;
  const std::int64_t* tree_offsets = nullptr;  // n_trees + 1, first 0, last n_nodes
  const std::int32_t* tree_output = nullptr;   // n_trees, in [0, n_outputs)
  const double* base_score = nullptr;          // n_outputs
  // Per node (n_nodes each).
  const std::int32_t* feature = nullptr;  // -1 at leaves
  const double* threshold = nullptr;
  const std::int32_t* left = nullptr;   // -1 at leaves
  const std::int32_t* right = nullptr;  // -1 at leaves
  const std::uint8_t* default_left = nullptr;
  const std::uint8_t* split_kind = nullptr;
  const double* value = nullptr;
  const std::int32_t* cat_begin = nullptr;  // first word of the node's bitset in cat_bits
  const std::int32_t* cat_size = nullptr;   // words in the node's bitset (0: numerical)
  const std::uint32_t* cat_bits = nullptr;
  std::int64_t n_cat_words = 0;
  // Optional, per tree (derived, never read from a file): 1 when tree t has
  // exactly the splits of tree t - 1, so every row reaches the same leaf in
  // both. Classifier forests hold one such copy per class (scikit-learn's
  // forests, ours); prediction then walks the structure once per group.
  const std::uint8_t* same_as_previous = nullptr;
  // Optional, derived: n_nodes packed nodes (tree t's at tree_offsets[t]),
  // and per tree 1 when its packed nodes are valid (all splits numerical).
  const PackedNode* packed = nullptr;
  const std::uint8_t* tree_packed = nullptr;
};

// Checks everything prediction relies on (offsets monotone, children in
// range and after their parent, features < n_features, outputs in range,
// bitsets inside cat_bits). Throws InvalidArgument naming the first problem.
void validate(const ForestView& forest);

// For each tree, 1 when it has exactly the splits (features, thresholds,
// children, missing directions, kinds, category sets) of the tree before it.
// Call on a validated forest; the result is what same_as_previous points to.
std::vector<std::uint8_t> same_structure_as_previous(const ForestView& forest);

// The packed nodes of every tree whose splits are all plain numerical
// (tree_packed[t] = 1); other trees keep their slots unused. Call on a
// validated forest with `packed` sized n_nodes and `tree_packed` n_trees.
void pack_trees(const ForestView& forest, PackedNode* packed, std::uint8_t* tree_packed);

// The leaf reached by one row in a packed tree: what leaf_index returns for
// the same tree, with one 16-byte node read per level.
template <class RowAccess>
inline std::int32_t packed_leaf_index(const PackedNode* nodes, RowAccess x) {
  std::int32_t i = 0;
  for (;;) {
    const PackedNode& node = nodes[i];
    if (node.child < 0) return ~node.child;
    const double v =
        static_cast<double>(x(static_cast<std::int32_t>(node.feature_and_missing & 0x7fffffffu)));
    const bool go_left = v != v ? (node.feature_and_missing >> 31) != 0 : v <= node.threshold;
    i = node.child + (go_left ? 0 : 1);
  }
}

// The leaf reached by one row in the tree whose nodes start at `nodes`
// (an offset into the node arrays). x(f) returns the row's feature f.
// Written once, used by every batch and single-row path.
template <class RowAccess>
inline std::int32_t leaf_index(const ForestView& forest, std::int64_t nodes, RowAccess x) {
  std::int32_t node = 0;
  while (forest.left[nodes + node] >= 0) {
    const std::int64_t at = nodes + node;
    double v = static_cast<double>(x(forest.feature[at]));
    const std::uint8_t kind = forest.split_kind[at];
    bool go_left;
    if (kind == kNumerical) {  // the common case, kept to two comparisons
      go_left = v != v ? forest.default_left[at] != 0 : v <= forest.threshold[at];
    } else {
      if ((kind & kNanIsZero) && v != v) v = 0.0;
      if ((kind & kTinyIsZero) && v >= -kTinyZero && v <= kTinyZero) v = 0.0;
      const bool missing = v != v || ((kind & kZeroIsMissing) && v == 0.0);
      if (missing) {
        go_left = forest.default_left[at] != 0;
      } else if (!(kind & kCategorical)) {
        go_left = v <= forest.threshold[at];
      } else {
        if ((kind & kCategoryTruncates) && v > -1.0 && v < 0.0) v = 0.0;
        const std::int64_t words = forest.cat_size[at];
        const bool strict = (kind & kCategoryStrict) != 0;
        go_left = strict && forest.default_left[at] != 0;
        if (v >= 0.0 && v < 32.0 * static_cast<double>(words)) {
          const auto category = static_cast<std::int64_t>(v);
          if (!strict || static_cast<double>(category) == v) {
            const std::uint32_t word = forest.cat_bits[forest.cat_begin[at] + category / 32];
            go_left = ((word >> (category % 32)) & 1u) != 0;
          }
        }
      }
    }
    node = go_left ? forest.left[at] : forest.right[at];
  }
  return node;
}

// out (rows x n_outputs, C order) = base_score + the sum over trees
// [tree_begin, tree_end) of each tree's leaf value. X is float32 or float64.
template <class T>
void predict_raw(const ForestView& forest, MatrixView<const T> x, std::int64_t tree_begin,
                 std::int64_t tree_end, int n_threads, double* out);

// out (rows x (tree_end - tree_begin), C order) = the leaf (node index within
// its tree) each row reaches in each tree of the range.
template <class T>
void predict_leaf(const ForestView& forest, MatrixView<const T> x, std::int64_t tree_begin,
                  std::int64_t tree_end, int n_threads, std::int32_t* out);

}  // namespace mlarsenal::forest
