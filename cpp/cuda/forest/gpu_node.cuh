// The GPU node layout (see mlarsenal/cuda/forest.hpp) and the per-row walk,
// which repeats mlarsenal::forest::leaf_index decision for decision.
#pragma once

#include <cstdint>

#include "mlarsenal/forest/forest.hpp"

namespace mlarsenal::cuda::detail {

// 16 bytes, read with one 128-bit load.
struct alignas(16) GpuNode {
  // Split: the threshold. Categorical split: the bits of (cat_begin, cat_words)
  // as two 32-bit halves. Leaf: the leaf's value.
  double payload;
  // Split: slot of the left child within the tree (the right child is the
  // next slot). Leaf: ~(the leaf's node index in the tree's source arrays).
  std::int32_t child;
  // Bits 0-23: feature; 24-29: split_kind; 30: missing values go left.
  std::uint32_t meta;
};
static_assert(sizeof(GpuNode) == 16, "GpuNode must stay 16 bytes");

constexpr std::uint32_t kFeatureBits = 24;
constexpr std::int64_t kMaxGpuFeatures = std::int64_t(1) << kFeatureBits;

template <class T>
__device__ __forceinline__ GpuNode walk_tree(const GpuNode* tree, const T* row,
                                             const std::uint32_t* __restrict__ cat_bits) {
  using forest::kCategorical;
  using forest::kCategoryStrict;
  using forest::kCategoryTruncates;
  using forest::kNanIsZero;
  using forest::kTinyIsZero;
  using forest::kZeroIsMissing;
  int slot = 0;
  for (;;) {
    const GpuNode node = tree[slot];
    if (node.child < 0) return node;
    double v = static_cast<double>(row[node.meta & ((1u << kFeatureBits) - 1)]);
    const std::uint32_t kind = (node.meta >> kFeatureBits) & 63u;
    const bool default_left = (node.meta >> 30) & 1u;
    bool go_left;
    if (kind == forest::kNumerical) {
      go_left = v != v ? default_left : v <= node.payload;
    } else {
      constexpr double tiny = static_cast<double>(1e-35f);  // forest::kTinyZero
      if ((kind & kNanIsZero) && v != v) v = 0.0;
      if ((kind & kTinyIsZero) && v >= -tiny && v <= tiny) v = 0.0;
      const bool missing = v != v || ((kind & kZeroIsMissing) && v == 0.0);
      if (missing) {
        go_left = default_left;
      } else if (!(kind & kCategorical)) {
        go_left = v <= node.payload;
      } else {
        if ((kind & kCategoryTruncates) && v > -1.0 && v < 0.0) v = 0.0;
        const auto bits = static_cast<unsigned long long>(__double_as_longlong(node.payload));
        const std::int64_t begin = static_cast<std::uint32_t>(bits);
        const std::int64_t words = static_cast<std::uint32_t>(bits >> 32);
        const bool strict = (kind & kCategoryStrict) != 0;
        go_left = strict && default_left;
        if (v >= 0.0 && v < 32.0 * static_cast<double>(words)) {
          const auto category = static_cast<std::int64_t>(v);
          if (!strict || static_cast<double>(category) == v) {
            const std::uint32_t word = cat_bits[begin + category / 32];
            go_left = ((word >> (category % 32)) & 1u) != 0;
          }
        }
      }
    }
    slot = node.child + (go_left ? 0 : 1);
  }
}

}  // namespace mlarsenal::cuda::detail
