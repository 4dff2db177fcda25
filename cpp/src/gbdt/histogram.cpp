// Histogram construction: the hot loop of training.
//
// Row-wise: a row's bins are n_features consecutive bytes, so one cache line
// brings every feature of a row, and the gathered gradient pair is reused
// across the row's features (the loop itself is in
// cpp/src/simd/histogram_kernels_impl.inc, one build per instruction set).
// Each chunk of rows is accumulated into its own histogram (no atomics, no
// false sharing), then chunks are added in order.
#include "histogram.hpp"

#include <algorithm>
#include <cstring>

#include "../simd/histogram_kernels.hpp"

#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal::gbdt {
namespace {

// Rows per chunk, and the most chunks a node is cut into. Fixed constants:
// the chunking of a node, and so its floating-point sums, depends on its
// row count only.
constexpr std::int64_t kChunkRows = 4096;
constexpr std::int64_t kMaxChunks = 16;

}  // namespace

HistogramBuilder::HistogramBuilder(const std::uint8_t* binned, std::int64_t n_features,
                                   std::vector<std::int32_t> offsets, int n_threads)
    : binned_(binned),
      n_features_(n_features),
      offsets_(std::move(offsets)),
      n_threads_(n_threads) {}

void HistogramBuilder::build(const std::int32_t* rows, std::int64_t m, const float* gh,
                             HistBin* out) {
  const std::int64_t bins = total_bins();
  const std::int64_t chunks = std::clamp<std::int64_t>(num_blocks(m, kChunkRows), 1, kMaxChunks);
  const std::int64_t per_chunk = (m + chunks - 1) / chunks;
  if (static_cast<std::int64_t>(scratch_.size()) < (chunks - 1) * bins)
    scratch_.resize(static_cast<std::size_t>((chunks - 1) * bins));
  HistBin* scratch = scratch_.data();
  const std::int32_t* offsets = offsets_.data();
  parallel_for_blocks(chunks, 1, n_threads_, [&](std::int64_t c, std::int64_t, std::int64_t) {
    HistBin* hist = c == 0 ? out : scratch + (c - 1) * bins;
    std::memset(static_cast<void*>(hist), 0, sizeof(HistBin) * static_cast<std::size_t>(bins));
    const std::int64_t begin = std::min(m, c * per_chunk);
    const std::int64_t end = std::min(m, begin + per_chunk);
    simd::histogram_kernels().accumulate(binned_, n_features_, offsets, rows, begin, end, gh,
                                         &hist->g);
  });
  if (chunks == 1) return;
  parallel_for_blocks(bins, 1024, n_threads_,
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t c = 1; c < chunks; ++c) {
                          const HistBin* part = scratch + (c - 1) * bins;
                          for (std::int64_t j = begin; j < end; ++j) {
                            out[j].g += part[j].g;
                            out[j].h += part[j].h;
                            out[j].n += part[j].n;
                          }
                        }
                      });
}

void HistogramBuilder::build(const std::int32_t* rows, std::int64_t m, const QuantizedGradients& q,
                             HistBin* out) {
  const std::int64_t bins = total_bins();
  const std::int64_t chunks = std::clamp<std::int64_t>(num_blocks(m, kChunkRows), 1, kMaxChunks);
  const std::int64_t per_chunk = (m + chunks - 1) / chunks;
  // int64 words per bin: one packed (gradient, count) word, or two words
  // holding four int32 lanes (g, h, n, unused).
  const std::int64_t words = q.constant_hessian ? 1 : 2;
  const auto needed = static_cast<std::size_t>(chunks * bins * words);
  if (quantized_scratch_.size() < needed) quantized_scratch_.resize(needed);
  std::int64_t* scratch = quantized_scratch_.data();
  const std::int32_t* offsets = offsets_.data();
  const auto& kernels = simd::histogram_kernels();
  parallel_for_blocks(chunks, 1, n_threads_, [&](std::int64_t c, std::int64_t, std::int64_t) {
    std::int64_t* hist = scratch + c * bins * words;
    std::memset(hist, 0, sizeof(std::int64_t) * static_cast<std::size_t>(bins * words));
    const std::int64_t begin = std::min(m, c * per_chunk);
    const std::int64_t end = std::min(m, begin + per_chunk);
    if (q.constant_hessian)
      kernels.accumulate_quantized_packed(binned_, n_features_, offsets, rows, begin, end,
                                          q.gh.data(), hist);
    else
      kernels.accumulate_quantized(binned_, n_features_, offsets, rows, begin, end, q.gh.data(),
                                   reinterpret_cast<std::int32_t*>(hist));
  });
  // Chunk sums are exact integers: adding them in any order gives the same
  // totals, which are then scaled once.
  constexpr std::int64_t kHalf = std::int64_t{1} << 32;
  parallel_for_blocks(bins, 1024, n_threads_,
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t j = begin; j < end; ++j) {
                          std::int64_t g = 0, h = 0, n = 0;
                          for (std::int64_t c = 0; c < chunks; ++c) {
                            const std::int64_t* bin = scratch + (c * bins + j) * words;
                            if (q.constant_hessian) {
                              const std::int64_t count = bin[0] & (kHalf - 1);
                              g += (bin[0] - count) / kHalf;
                              n += count;
                            } else {
                              const auto* lanes = reinterpret_cast<const std::int32_t*>(bin);
                              g += lanes[0];
                              h += lanes[1];
                              n += lanes[2];
                            }
                          }
                          out[j].g = static_cast<double>(g) * q.g_scale;
                          out[j].h = static_cast<double>(q.constant_hessian ? n : h) * q.h_scale;
                          out[j].n = static_cast<double>(n);
                          out[j].unused = 0.0;
                        }
                      });
}

void HistogramBuilder::subtract(HistBin* hist, const HistBin* smaller) const {
  const std::int64_t bins = total_bins();
  for (std::int64_t j = 0; j < bins; ++j) {
    hist[j].g -= smaller[j].g;
    hist[j].h -= smaller[j].h;
    hist[j].n -= smaller[j].n;
  }
}

}  // namespace mlarsenal::gbdt
