// Tree-ensemble inference on the GPU, with the per-row semantics of
// cpp/include/mlarsenal/forest/forest.hpp (same decisions for NaN, the
// split_kind bits, categorical bitsets; comparisons in double).
//
// A GpuForest is the device copy of one forest in a GPU layout built on the
// host: 16-byte nodes, each tree's nodes renumbered depth-first with the two
// children of a split side by side (right = left + 1), so a step reads one
// node. Leaves carry their value and their node index in the source arrays;
// categorical splits carry their bitset's place in a separate word array.
// The constructor checks the structure it walks (children in range and after
// their parent, features < n_features, bitsets in range) and throws
// InvalidArgument naming the first problem.
//
// Prediction: one thread per row, every tree of the range in order, so each
// row's raw score is base_score plus the leaf values added in tree order, in
// double: bitwise what the CPU engine returns. The nodes of the tree range go
// to shared memory when they fit (see choose_layout), else they are read
// through the read-only data cache; rows with few features are staged in
// shared memory. Const after construction: any number of predictions may run
// concurrently on any streams of its device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mlarsenal/cuda/context.hpp"
#include "mlarsenal/forest/forest.hpp"

namespace mlarsenal::cuda {

// How a prediction is scheduled; exposed so tests and benchmarks can report it.
struct ForestLaunchPlan {
  bool nodes_in_shared = false;
  bool rows_in_shared = false;
  int threads_per_block = 256;
  int blocks = 0;
  std::int64_t shared_bytes = 0;
};

class GpuForest {
 public:
  GpuForest(const forest::ForestView& forest, int device);
  ~GpuForest();
  GpuForest(const GpuForest&) = delete;
  GpuForest& operator=(const GpuForest&) = delete;

  // out (n_rows, n_outputs) double, C order. x (n_rows, n_features) T with
  // unit column stride and row stride x_stride; device pointers.
  template <class T>
  void predict_raw(const T* x, std::int64_t n_rows, std::int64_t x_stride, std::int64_t tree_begin,
                   std::int64_t tree_end, double* out, const ExecutionContext& ctx) const;

  // out (n_rows, tree_end - tree_begin) int32, C order: the leaf (node index
  // within its tree) each row reaches in each tree.
  template <class T>
  void predict_leaf(const T* x, std::int64_t n_rows, std::int64_t x_stride, std::int64_t tree_begin,
                    std::int64_t tree_end, std::int32_t* out, const ExecutionContext& ctx) const;

  ForestLaunchPlan plan(int dtype_bytes, std::int64_t n_rows, std::int64_t tree_begin,
                        std::int64_t tree_end) const;

  std::int64_t n_trees() const { return n_trees_; }
  std::int64_t n_features() const { return n_features_; }
  std::int64_t n_outputs() const { return n_outputs_; }
  int device() const { return device_; }
  std::int64_t device_bytes() const { return device_bytes_; }

 private:
  int device_ = 0;
  std::int64_t n_trees_ = 0, n_features_ = 0, n_outputs_ = 1, n_nodes_ = 0;
  std::int64_t device_bytes_ = 0;
  void* nodes_ = nullptr;                      // GpuNode[n_nodes]
  void* tree_begin_ = nullptr;                 // int32[n_trees + 1], node offsets
  void* tree_output_ = nullptr;                // int32[n_trees]
  void* base_score_ = nullptr;                 // double[n_outputs]
  void* cat_bits_ = nullptr;                   // uint32[n_cat_words] (at least one word)
  std::vector<std::int32_t> host_tree_begin_;  // the node offsets, kept for planning

  template <class T, class Out>
  void predict(const T* x, std::int64_t n_rows, std::int64_t x_stride, std::int64_t tree_begin,
               std::int64_t tree_end, Out* out, const ExecutionContext& ctx) const;
};

}  // namespace mlarsenal::cuda
