// Gradient quantization for histogram building (internal to cpp/src/gbdt).
//
// Each row's gradient and hessian become small integers by stochastic
// rounding: g -> floor(g / g_scale + u) with u uniform in [0, 1), so the
// integer is unbiased (its expectation is g / g_scale). Histograms of int8
// values sum in int32 lanes, a quarter (or, with a constant hessian, an
// eighth) of the bytes of double bins, and exactly, so any chunking gives
// the same sums. Split gains use the quantized sums; leaf values are
// recomputed from the true gradients (TreeGrower::grow).
#pragma once

#include <cstdint>

#include "histogram.hpp"

namespace mlarsenal::gbdt {

// The most quantization levels on each side of zero (int8).
constexpr int kMaxQuantizationLevels = 127;

// Levels that keep every histogram sum of n_rows rows within int32: below 8
// (more than about 268 million rows) quantization is not worth its error and
// the grower falls back to exact histograms.
int quantization_levels(std::int64_t n_rows);

// Fills q for rows [0, n_rows) of grad/hess (hess >= 0) with `levels`
// levels. The rounding draws depend on seed and the row index only, not on
// the thread count.
void quantize_gradients(const float* grad, const float* hess, std::int64_t n_rows, int levels,
                        std::uint64_t seed, int n_threads, QuantizedGradients& q);

}  // namespace mlarsenal::gbdt
