#include "mlarsenal/common/label_encoding.hpp"

#include <string>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal {
namespace {
constexpr std::int64_t kGrain = 1 << 15;
}

template <class T>
void mark_present(VectorView<const T> values, std::int64_t lo, std::int64_t hi,
                  std::uint8_t* present, int n_threads) {
  parallel_for_blocks(
      values.size, kGrain, n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
          const std::int64_t v = static_cast<std::int64_t>(values[i]);
          if (v < lo || v > hi)
            throw InvalidArgument("label " + std::to_string(v) + " outside the declared range");
          // Threads may set the same byte; a relaxed atomic store
          // makes that well-defined at the cost of a plain store.
          __atomic_store_n(present + (v - lo), std::uint8_t(1), __ATOMIC_RELAXED);
        }
      });
}

template <class T>
void lookup_codes(VectorView<const T> values, std::int64_t lo, std::int64_t hi,
                  const std::int32_t* table, std::int32_t* codes, int n_threads) {
  parallel_for_blocks(values.size, kGrain, n_threads,
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t i = begin; i < end; ++i) {
                          const std::int64_t v = static_cast<std::int64_t>(values[i]);
                          codes[i] = (v < lo || v > hi) ? -1 : table[v - lo];
                        }
                      });
}

template void mark_present<std::int32_t>(VectorView<const std::int32_t>, std::int64_t, std::int64_t,
                                         std::uint8_t*, int);
template void mark_present<std::int64_t>(VectorView<const std::int64_t>, std::int64_t, std::int64_t,
                                         std::uint8_t*, int);
template void lookup_codes<std::int32_t>(VectorView<const std::int32_t>, std::int64_t, std::int64_t,
                                         const std::int32_t*, std::int32_t*, int);
template void lookup_codes<std::int64_t>(VectorView<const std::int64_t>, std::int64_t, std::int64_t,
                                         const std::int32_t*, std::int32_t*, int);

}  // namespace mlarsenal
