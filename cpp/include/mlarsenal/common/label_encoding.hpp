// Integer class labels -> dense codes through a lookup table, in O(n).
//
// The caller knows the labels' range [lo, hi] (numpy's min/max are already
// fast) and owns every buffer. Replaces the O(n log n) sort of np.unique for
// the common case of labels with a compact range (0..k-1 and the like).
// T is std::int32_t or std::int64_t. Safe to call from many threads at once.
#pragma once

#include <cstdint>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal {

// present[v - lo] = 1 for every value v (present has hi - lo + 1 entries, and
// entries are only ever set to 1). Values outside [lo, hi] -> InvalidArgument.
template <class T>
void mark_present(VectorView<const T> values, std::int64_t lo, std::int64_t hi,
                  std::uint8_t* present, int n_threads);

// codes[i] = table[values[i] - lo] where lo <= values[i] <= hi, else -1.
// table has hi - lo + 1 entries; codes has values.size entries.
template <class T>
void lookup_codes(VectorView<const T> values, std::int64_t lo, std::int64_t hi,
                  const std::int32_t* table, std::int32_t* codes, int n_threads);

}  // namespace mlarsenal
