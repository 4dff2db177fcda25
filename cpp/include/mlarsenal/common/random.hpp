// Small, fast, reproducible random numbers for kernels.
//
// The streams are defined here (not by the standard library, whose
// distributions differ between implementations), so a seed gives the same
// numbers with every compiler and platform.
#pragma once

#include <cstdint>

namespace mlarsenal {

// One step of SplitMix64: advances state and returns a well-mixed 64-bit word.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A SplitMix64 stream with the draws kernels need.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() { return splitmix64(state_); }

  // Uniform in [0, n) for n >= 1, by Lemire's multiply-shift (the bias is
  // below 2**-32 for any n < 2**32, far under what sampling rows can show).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

 private:
  std::uint64_t state_;
};

}  // namespace mlarsenal
