// Batch prediction over the shared tree representation.
//
// Rows are cut into fixed blocks; each block walks every tree of the range
// before moving on, so a tree's nodes stay in cache while the block's rows
// go through it. A tree with the splits of the tree before it (one copy per
// class of a classifier forest) is not walked again: the block's leaves are
// kept and only its values are added. A block is small enough that its outputs stay in L1. One
// block (a single row, say) runs inline: no thread is started, nothing is
// allocated.
#include <algorithm>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/forest/forest.hpp"

namespace mlarsenal::forest {
namespace {

constexpr std::int64_t kRowBlock = 128;
// Forests of large trees (a full-depth random forest: thousands of nodes
// each) go the other way round: a tree no longer fits in cache next to the
// others, so many rows go through one tree while its nodes are cached.
constexpr std::int64_t kLargeTreeNodes = 2048;
constexpr std::int64_t kLargeTreeRowBlock = 4096;

std::int64_t row_block(const ForestView& forest) {
  const std::int64_t average = forest.n_trees > 0 ? forest.n_nodes / forest.n_trees : 0;
  return average >= kLargeTreeNodes ? kLargeTreeRowBlock : kRowBlock;
}
// Fewest rows worth a thread: a parallel region costs microseconds (far more
// on a busy machine), a row through a small forest well under one.
constexpr std::int64_t kRowsPerThread = 4096;

int threads_for(std::int64_t rows, int n_threads) {
  const std::int64_t useful = std::max<std::int64_t>(1, rows / kRowsPerThread);
  return static_cast<int>(std::min<std::int64_t>(resolve_threads(n_threads), useful));
}

void check_range(const ForestView& forest, std::int64_t tree_begin, std::int64_t tree_end,
                 std::int64_t x_cols) {
  require(0 <= tree_begin && tree_begin <= tree_end && tree_end <= forest.n_trees,
          "tree range [" + std::to_string(tree_begin) + ", " + std::to_string(tree_end) +
              ") is outside the model's " + std::to_string(forest.n_trees) + " trees");
  require(x_cols == forest.n_features, "X has " + std::to_string(x_cols) +
                                           " features, but the model expects " +
                                           std::to_string(forest.n_features));
}

}  // namespace

// Fills leaves[0, end - begin) with the leaf each row of [begin, end) reaches
// in tree t, unless tree t shares tree t - 1's splits and t - 1 was just
// walked (then leaves already holds the answer).
template <class T>
void walk_tree(const ForestView& forest, MatrixView<const T> x, std::int64_t t,
               std::int64_t tree_begin, std::int64_t begin, std::int64_t end,
               std::int32_t* leaves) {
  if (t > tree_begin && forest.same_as_previous != nullptr && forest.same_as_previous[t] != 0)
    return;
  const std::int64_t nodes = forest.tree_offsets[t];
  if (forest.packed != nullptr && forest.tree_packed[t] != 0) {
    const PackedNode* packed = forest.packed + nodes;
    for (std::int64_t i = begin; i < end; ++i) {
      const auto row = x.row(i);
      leaves[i - begin] = packed_leaf_index(packed, [&](std::int32_t f) { return row[f]; });
    }
    return;
  }
  for (std::int64_t i = begin; i < end; ++i) {
    const auto row = x.row(i);
    leaves[i - begin] = leaf_index(forest, nodes, [&](std::int32_t f) { return row[f]; });
  }
}

template <class T>
void predict_raw(const ForestView& forest, MatrixView<const T> x, std::int64_t tree_begin,
                 std::int64_t tree_end, int n_threads, double* out) {
  check_range(forest, tree_begin, tree_end, x.cols);
  const std::int64_t k = forest.n_outputs;
  parallel_for_blocks(x.rows, row_block(forest), threads_for(x.rows, n_threads),
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        std::int32_t leaves[kLargeTreeRowBlock];
                        for (std::int64_t i = begin; i < end; ++i)
                          for (std::int64_t c = 0; c < k; ++c)
                            out[i * k + c] = forest.base_score[c];
                        for (std::int64_t t = tree_begin; t < tree_end; ++t) {
                          walk_tree(forest, x, t, tree_begin, begin, end, leaves);
                          const double* value = forest.value + forest.tree_offsets[t];
                          const std::int64_t column = forest.tree_output[t];
                          for (std::int64_t i = begin; i < end; ++i)
                            out[i * k + column] += value[leaves[i - begin]];
                        }
                      });
}

template <class T>
void predict_leaf(const ForestView& forest, MatrixView<const T> x, std::int64_t tree_begin,
                  std::int64_t tree_end, int n_threads, std::int32_t* out) {
  check_range(forest, tree_begin, tree_end, x.cols);
  const std::int64_t width = tree_end - tree_begin;
  parallel_for_blocks(x.rows, row_block(forest), threads_for(x.rows, n_threads),
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        std::int32_t leaves[kLargeTreeRowBlock];
                        for (std::int64_t t = tree_begin; t < tree_end; ++t) {
                          walk_tree(forest, x, t, tree_begin, begin, end, leaves);
                          for (std::int64_t i = begin; i < end; ++i)
                            out[i * width + (t - tree_begin)] = leaves[i - begin];
                        }
                      });
}

template void predict_raw<float>(const ForestView&, MatrixView<const float>, std::int64_t,
                                 std::int64_t, int, double*);
template void predict_raw<double>(const ForestView&, MatrixView<const double>, std::int64_t,
                                  std::int64_t, int, double*);
template void predict_leaf<float>(const ForestView&, MatrixView<const float>, std::int64_t,
                                  std::int64_t, int, std::int32_t*);
template void predict_leaf<double>(const ForestView&, MatrixView<const double>, std::int64_t,
                                   std::int64_t, int, std::int32_t*);

}  // namespace mlarsenal::forest
