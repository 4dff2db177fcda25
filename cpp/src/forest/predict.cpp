// Batch prediction over the shared tree representation.
//
// Rows are cut into fixed blocks; each block walks every tree of the range
// before moving on, so a tree's nodes stay in cache while the block's rows
// go through it. A block is small enough that its outputs stay in L1. One
// block (a single row, say) runs inline: no thread is started, nothing is
// allocated.
#include <algorithm>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/forest/forest.hpp"

namespace mlarsenal::forest {
namespace {

constexpr std::int64_t kRowBlock = 128;
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

template <class T>
void predict_raw(const ForestView& forest, MatrixView<const T> x, std::int64_t tree_begin,
                 std::int64_t tree_end, int n_threads, double* out) {
  check_range(forest, tree_begin, tree_end, x.cols);
  const std::int64_t k = forest.n_outputs;
  parallel_for_blocks(x.rows, kRowBlock, threads_for(x.rows, n_threads),
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t i = begin; i < end; ++i)
                          for (std::int64_t c = 0; c < k; ++c)
                            out[i * k + c] = forest.base_score[c];
                        for (std::int64_t t = tree_begin; t < tree_end; ++t) {
                          const std::int64_t nodes = forest.tree_offsets[t];
                          const std::int64_t column = forest.tree_output[t];
                          for (std::int64_t i = begin; i < end; ++i) {
                            const auto row = x.row(i);
                            const std::int32_t leaf =
                                leaf_index(forest, nodes, [&](std::int32_t f) { return row[f]; });
                            out[i * k + column] += forest.value[nodes + leaf];
                          }
                        }
                      });
}

template <class T>
void predict_leaf(const ForestView& forest, MatrixView<const T> x, std::int64_t tree_begin,
                  std::int64_t tree_end, int n_threads, std::int32_t* out) {
  check_range(forest, tree_begin, tree_end, x.cols);
  const std::int64_t width = tree_end - tree_begin;
  parallel_for_blocks(x.rows, kRowBlock, threads_for(x.rows, n_threads),
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t t = tree_begin; t < tree_end; ++t) {
                          const std::int64_t nodes = forest.tree_offsets[t];
                          for (std::int64_t i = begin; i < end; ++i) {
                            const auto row = x.row(i);
                            out[i * width + (t - tree_begin)] =
                                leaf_index(forest, nodes, [&](std::int32_t f) { return row[f]; });
                          }
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
