// Structural checks of a forest before any traversal: a model read from
// untrusted bytes must not make prediction read out of bounds or loop.
#include <string>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/forest/forest.hpp"

namespace mlarsenal::forest {
namespace {

std::string at_node(std::int64_t tree, std::int64_t node) {
  return "tree " + std::to_string(tree) + ", node " + std::to_string(node) + ": ";
}

}  // namespace

void validate(const ForestView& f) {
  require(f.n_trees >= 0 && f.n_nodes >= 0, "negative tree or node count");
  require(f.n_features >= 1, "a forest needs at least one feature");
  require(f.n_outputs >= 1, "a forest needs at least one output");
  require(f.tree_offsets[0] == 0, "tree_offsets must start at 0");
  require(f.tree_offsets[f.n_trees] == f.n_nodes, "tree_offsets must end at the node count");
  for (std::int64_t t = 0; t < f.n_trees; ++t) {
    const std::int64_t begin = f.tree_offsets[t];
    const std::int64_t end = f.tree_offsets[t + 1];
    require(begin < end, "tree " + std::to_string(t) + " has no nodes");
    require(end - begin <= INT32_MAX, "tree " + std::to_string(t) + " has too many nodes");
    require(f.tree_output[t] >= 0 && f.tree_output[t] < f.n_outputs,
            "tree " + std::to_string(t) + " adds to output " + std::to_string(f.tree_output[t]) +
                ", outside [0, " + std::to_string(f.n_outputs) + ")");
    const std::int64_t size = end - begin;
    for (std::int64_t n = 0; n < size; ++n) {
      const std::int64_t at = begin + n;
      const std::int32_t l = f.left[at];
      const std::int32_t r = f.right[at];
      if (l == -1) {
        require(r == -1, at_node(t, n) + "a leaf must have right == -1");
        continue;
      }
      // Children after the parent: no cycles, and every path ends at a leaf.
      require(l > n && l < size && r > n && r < size,
              at_node(t, n) + "child index out of range or not after its parent");
      require(f.feature[at] >= 0 && f.feature[at] < f.n_features,
              at_node(t, n) + "feature " + std::to_string(f.feature[at]) + " outside [0, " +
                  std::to_string(f.n_features) + ")");
      const std::uint8_t kind = f.split_kind[at];
      require((kind & ~kKnownSplitBits) == 0,
              at_node(t, n) + "unknown split kind " + std::to_string(kind));
      const bool categorical = (kind & kCategorical) != 0;
      require(categorical || (kind & kCategoryOnlyBits) == 0,
              at_node(t, n) + "split kind " + std::to_string(kind) +
                  " has category bits on a numerical split");
      if (categorical) {
        const std::int64_t first = f.cat_begin[at];
        const std::int64_t words = f.cat_size[at];
        require(first >= 0 && words >= 1 && words <= f.n_cat_words - first,
                at_node(t, n) + "categorical bitset outside cat_bits");
      } else {
        require(f.threshold[at] == f.threshold[at], at_node(t, n) + "threshold is NaN");
      }
    }
  }
}

}  // namespace mlarsenal::forest
