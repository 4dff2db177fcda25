#include "quantize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "../simd/histogram_kernels.hpp"

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal::gbdt {
namespace {

constexpr std::int64_t kBlock = 65536;

float from_bits(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

}  // namespace

int quantization_levels(std::int64_t n_rows) {
  const std::int64_t fit =
      std::numeric_limits<std::int32_t>::max() / std::max<std::int64_t>(1, n_rows);
  return static_cast<int>(std::min<std::int64_t>(kMaxQuantizationLevels, fit));
}

void quantize_gradients(const float* grad, const float* hess, std::int64_t n_rows, int levels,
                        std::uint64_t seed, int n_threads, QuantizedGradients& q) {
  const auto& kernels = simd::histogram_kernels();
  // Largest |g| and h per block, and whether each block's hessians all equal
  // its first: max and equality do not depend on the blocks' order.
  const std::int64_t blocks = num_blocks(n_rows, kBlock);
  std::vector<std::uint32_t> extent(3 * static_cast<std::size_t>(blocks));
  parallel_for_blocks(n_rows, kBlock, n_threads,
                      [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
                        kernels.gradient_extent(grad, hess, begin, end, &extent[3 * c]);
                      });
  std::uint32_t g_bits = 0, h_bits = 0;
  bool constant = hess[0] > 0;
  for (std::int64_t c = 0; c < blocks; ++c) {
    g_bits = std::max(g_bits, extent[3 * c]);
    h_bits = std::max(h_bits, extent[3 * c + 1]);
    constant = constant && extent[3 * c + 2] != 0 && hess[c * kBlock] == hess[0];
  }
  const double g_max = from_bits(g_bits);
  const double h_max = from_bits(h_bits);
  require(std::isfinite(g_max) && std::isfinite(h_max),
          "gradients and hessians must be finite to be quantized");
  // Below kNegligible every value rounds to zero levels: a scale of 1 keeps
  // the float inverse finite.
  constexpr double kNegligible = 1e-30;
  q.constant_hessian = constant;
  q.g_scale = g_max > kNegligible ? g_max / levels : 1.0;
  q.h_scale =
      constant ? static_cast<double>(hess[0]) : (h_max > kNegligible ? h_max / levels : 1.0);
  q.gh.resize(2 * static_cast<std::size_t>(n_rows));
  const auto g_inverse = static_cast<float>(1.0 / q.g_scale);
  const auto h_inverse = static_cast<float>(1.0 / q.h_scale);
  const auto folded_seed = static_cast<std::uint32_t>(seed ^ (seed >> 32));
  parallel_for_blocks(
      n_rows, kBlock, n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
        kernels.quantize(grad, hess, begin, end, g_inverse, h_inverse, static_cast<float>(levels),
                         constant, folded_seed, q.gh.data());
      });
}

}  // namespace mlarsenal::gbdt
