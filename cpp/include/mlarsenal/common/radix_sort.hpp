// Parallel, stable LSD radix sort of (key, payload) pairs.
//
// Keys are unsigned integers compared as such; use sortable_key() to map
// floating-point values onto keys that sort in numeric order. Stability makes
// the output unique, hence independent of the thread count. Passes whose
// digit is the same for every key are skipped, which matters for keys with a
// narrow range (probabilities share their top bits).
//
// Cost: one counting read and one scattering read/write of both arrays per
// 8-bit digit; extra memory: one copy of both arrays.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal {

// Maps a float/double onto an unsigned key with the same order. -0.0 and 0.0
// map to one key. NaN must be rejected by the caller (its key is arbitrary).
inline std::uint64_t sortable_key(double x) {
  x = x + 0.0;  // turns -0.0 into +0.0
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}
inline std::uint32_t sortable_key(float x) {
  x = x + 0.0f;
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return (u >> 31) ? ~u : (u | 0x80000000U);
}
inline double key_to_value(std::uint64_t key) {
  const std::uint64_t u = (key >> 63) ? (key & ~0x8000000000000000ULL) : ~key;
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}
inline float key_to_value(std::uint32_t key) {
  const std::uint32_t u = (key >> 31) ? (key & ~0x80000000U) : ~key;
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// Sorts keys ascending, carrying payload along. Both vectors have equal size.
template <class Key, class Payload>
void radix_sort_pairs(std::vector<Key>& keys, std::vector<Payload>& payload, int n_threads) {
  static_assert(std::is_unsigned<Key>::value, "radix_sort_pairs sorts unsigned keys");
  constexpr int kDigits = static_cast<int>(sizeof(Key));
  constexpr std::int64_t kMinPerThread = 1 << 16;
  const std::int64_t n = static_cast<std::int64_t>(keys.size());
  if (n < 2) return;
  const int threads = static_cast<int>(std::max<std::int64_t>(
      1, std::min<std::int64_t>(resolve_threads(n_threads), n / kMinPerThread)));
  const std::int64_t chunk = (n + threads - 1) / threads;

  std::vector<Key> keys_out(keys.size());
  std::vector<Payload> payload_out(payload.size());
  std::vector<std::array<std::int64_t, 256>> counts(threads);

  for (int digit = 0; digit < kDigits; ++digit) {
    const int shift = 8 * digit;
    parallel_for_blocks(n, chunk, threads,
                        [&](std::int64_t t, std::int64_t begin, std::int64_t end) {
                          auto& c = counts[t];
                          c.fill(0);
                          const Key* k = keys.data();
                          for (std::int64_t i = begin; i < end; ++i) ++c[(k[i] >> shift) & 0xFF];
                        });
    // Skip a digit every key shares: the pass would only copy.
    bool trivial = false;
    for (int d = 0; d < 256 && !trivial; ++d) {
      std::int64_t total = 0;
      for (int t = 0; t < threads; ++t) total += counts[t][d];
      trivial = total == n;
    }
    if (trivial) continue;
    // Bucket-major, thread-minor offsets keep the sort stable.
    std::int64_t running = 0;
    for (int d = 0; d < 256; ++d) {
      for (int t = 0; t < threads; ++t) {
        const std::int64_t c = counts[t][d];
        counts[t][d] = running;
        running += c;
      }
    }
    parallel_for_blocks(n, chunk, threads,
                        [&](std::int64_t t, std::int64_t begin, std::int64_t end) {
                          auto& offset = counts[t];
                          const Key* k = keys.data();
                          const Payload* p = payload.data();
                          for (std::int64_t i = begin; i < end; ++i) {
                            const std::int64_t dst = offset[(k[i] >> shift) & 0xFF]++;
                            keys_out[dst] = k[i];
                            payload_out[dst] = p[i];
                          }
                        });
    keys.swap(keys_out);
    payload.swap(payload_out);
  }
}

}  // namespace mlarsenal
