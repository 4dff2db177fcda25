// Which trees repeat the splits of the tree before them (see
// same_as_previous in mlarsenal/forest/forest.hpp).
#include <cstring>
#include <vector>

#include "mlarsenal/forest/forest.hpp"

namespace mlarsenal::forest {
namespace {

template <class T>
bool same_span(const T* a, const T* b, std::int64_t n) {
  return std::memcmp(a, b, static_cast<std::size_t>(n) * sizeof(T)) == 0;
}

bool same_splits(const ForestView& f, std::int64_t a, std::int64_t b, std::int64_t n) {
  if (!same_span(f.feature + a, f.feature + b, n) || !same_span(f.left + a, f.left + b, n) ||
      !same_span(f.right + a, f.right + b, n) ||
      !same_span(f.default_left + a, f.default_left + b, n) ||
      !same_span(f.split_kind + a, f.split_kind + b, n) ||
      !same_span(f.cat_size + a, f.cat_size + b, n))
    return false;
  // Thresholds bit for bit: a leaf's threshold is unused but compared too,
  // which only ever makes the answer "different" (safe).
  if (!same_span(f.threshold + a, f.threshold + b, n)) return false;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int32_t words = f.cat_size[a + i];
    if (words > 0 &&
        !same_span(f.cat_bits + f.cat_begin[a + i], f.cat_bits + f.cat_begin[b + i], words))
      return false;
  }
  return true;
}

}  // namespace

std::vector<std::uint8_t> same_structure_as_previous(const ForestView& f) {
  std::vector<std::uint8_t> same(static_cast<std::size_t>(f.n_trees), 0);
  for (std::int64_t t = 1; t < f.n_trees; ++t) {
    const std::int64_t begin = f.tree_offsets[t], previous = f.tree_offsets[t - 1];
    const std::int64_t size = f.tree_offsets[t + 1] - begin;
    if (size == begin - previous && same_splits(f, previous, begin, size))
      same[static_cast<std::size_t>(t)] = 1;
  }
  return same;
}

void pack_trees(const ForestView& f, PackedNode* packed, std::uint8_t* tree_packed) {
  std::vector<std::int32_t> stack;
  for (std::int64_t t = 0; t < f.n_trees; ++t) {
    const std::int64_t begin = f.tree_offsets[t];
    const std::int64_t size = f.tree_offsets[t + 1] - begin;
    bool plain = true;
    for (std::int64_t n = 0; n < size && plain; ++n)
      plain = f.left[begin + n] < 0 || f.split_kind[begin + n] == kNumerical;
    if (!plain) {
      tree_packed[t] = 0;
      continue;
    }
    // Depth-first, children in pairs: stack entries are (array node, packed
    // slot) pairs flattened; slot 0 is the root.
    PackedNode* nodes = packed + begin;
    std::int32_t next = 1;
    stack.assign({0, 0});
    while (!stack.empty() && plain) {
      const std::int32_t slot = stack.back();
      stack.pop_back();
      const std::int32_t node = stack.back();
      stack.pop_back();
      const std::int64_t at = begin + node;
      PackedNode& out = nodes[slot];
      if (f.left[at] < 0) {
        out = PackedNode{0.0, 0u, ~node};
        continue;
      }
      // A validated forest has no cycles, but a crafted one may point two
      // splits at the same child: its nodes would then need more slots than
      // the tree has. Such a tree keeps the general traversal.
      if (next + 2 > size) {
        plain = false;
        break;
      }
      out.threshold = f.threshold[at];
      out.feature_and_missing =
          static_cast<std::uint32_t>(f.feature[at]) | (f.default_left[at] != 0 ? 0x80000000u : 0u);
      out.child = next;
      // The right pair member is pushed first so the left subtree is laid
      // out next: a row going left keeps reading nearby memory.
      stack.insert(stack.end(), {f.right[at], next + 1, f.left[at], next});
      next += 2;
    }
    tree_packed[t] = plain ? 1 : 0;
  }
}

}  // namespace mlarsenal::forest
