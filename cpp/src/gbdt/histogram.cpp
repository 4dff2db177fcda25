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

// The fixed chunks of a node of m rows.
struct Chunks {
  std::int64_t count;
  std::int64_t rows;  // per chunk; the last may hold fewer

  explicit Chunks(std::int64_t m)
      : count(std::clamp<std::int64_t>(num_blocks(m, kChunkRows), 1, kMaxChunks)),
        rows((m + count - 1) / count) {}
};

// Calls accumulate(c, begin, end) for every chunk c of rows [0, m), the
// chunks in parallel (each writes its own histogram).
template <class Accumulate>
void for_each_chunk(const Chunks& chunks, std::int64_t m, int n_threads, Accumulate&& accumulate) {
  parallel_for_blocks(chunks.count, 1, n_threads, [&](std::int64_t c, std::int64_t, std::int64_t) {
    const std::int64_t begin = std::min(m, c * chunks.rows);
    accumulate(c, begin, std::min(m, begin + chunks.rows));
  });
}

// Fills bins [0, n) of `out` in parallel: convert(begin, end) writes a range.
template <class Convert>
void for_each_bin_range(std::int64_t n, int n_threads, Convert&& convert) {
  parallel_for_blocks(n, 1024, n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
    convert(begin, end);
  });
}

template <class T>
T* zeroed(std::vector<T>& buffer, std::size_t offset, std::size_t size) {
  T* p = buffer.data() + offset;
  std::memset(static_cast<void*>(p), 0, sizeof(T) * size);
  return p;
}

}  // namespace

double constant_hessian(const float* hess, std::int64_t n, int n_threads) {
  if (!(hess[0] > 0)) return 0.0;
  constexpr std::int64_t kBlock = 65536;
  const std::int64_t blocks = num_blocks(n, kBlock);
  std::vector<std::uint8_t> same(static_cast<std::size_t>(blocks), 0);
  parallel_for_blocks(
      n, kBlock, n_threads, [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
        std::uint32_t extent[3];
        simd::histogram_kernels().gradient_extent(hess, hess, begin, end, extent);
        same[static_cast<std::size_t>(c)] = extent[2] != 0 && hess[begin] == hess[0];
      });
  const bool all = std::all_of(same.begin(), same.end(), [](std::uint8_t s) { return s != 0; });
  return all ? static_cast<double>(hess[0]) : 0.0;
}

HistogramBuilder::HistogramBuilder(const std::uint8_t* binned, std::int64_t n_features,
                                   std::vector<std::int32_t> offsets, int n_threads)
    : binned_(binned),
      n_features_(n_features),
      offsets_(std::move(offsets)),
      n_threads_(n_threads) {}

void HistogramBuilder::build(const std::int32_t* rows, std::int64_t m, const float* gh,
                             HistBin* out) {
  const std::int64_t bins = total_bins();
  const Chunks chunks(m);
  if (static_cast<std::int64_t>(scratch_.size()) < (chunks.count - 1) * bins)
    scratch_.resize(static_cast<std::size_t>((chunks.count - 1) * bins));
  HistBin* scratch = scratch_.data();
  for_each_chunk(chunks, m, n_threads_, [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
    HistBin* hist = c == 0 ? out : scratch + (c - 1) * bins;
    std::memset(static_cast<void*>(hist), 0, sizeof(HistBin) * static_cast<std::size_t>(bins));
    simd::histogram_kernels().accumulate(binned_, n_features_, offsets_.data(), rows, begin, end,
                                         gh, &hist->g);
  });
  if (chunks.count == 1) return;
  for_each_bin_range(bins, n_threads_, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = 1; c < chunks.count; ++c) {
      const HistBin* part = scratch + (c - 1) * bins;
      for (std::int64_t j = begin; j < end; ++j) {
        out[j].g += part[j].g;
        out[j].h += part[j].h;
        out[j].n += part[j].n;
      }
    }
  });
}

void HistogramBuilder::build_constant_hessian(const std::int32_t* rows, std::int64_t m,
                                              const float* grad, double hess, HistBin* out) {
  // Chunks are summed in the same order as build() sums them, so the
  // gradient sums are the same bits; the hessian is the count times hess.
  const std::int64_t bins = total_bins();
  const Chunks chunks(m);
  const auto words = static_cast<std::size_t>(2 * bins);  // (g, n) per bin
  if (count_scratch_.size() < chunks.count * words) count_scratch_.resize(chunks.count * words);
  for_each_chunk(chunks, m, n_threads_, [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
    double* hist = zeroed(count_scratch_, static_cast<std::size_t>(c) * words, words);
    simd::histogram_kernels().accumulate_gradient_count(binned_, n_features_, offsets_.data(), rows,
                                                        begin, end, grad, hist);
  });
  const double* scratch = count_scratch_.data();
  for_each_bin_range(bins, n_threads_, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      double g = scratch[2 * j], n = scratch[2 * j + 1];
      for (std::int64_t c = 1; c < chunks.count; ++c) {
        g += scratch[static_cast<std::size_t>(c) * words + 2 * j];
        n += scratch[static_cast<std::size_t>(c) * words + 2 * j + 1];
      }
      out[j] = HistBin{g, n * hess, n, 0.0};
    }
  });
}

void HistogramBuilder::build(const std::int32_t* rows, std::int64_t m, const QuantizedGradients& q,
                             HistBin* out) {
  const std::int64_t bins = total_bins();
  const Chunks chunks(m);
  // int64 words per bin: one packed (gradient, count) word, or two words
  // holding four int32 lanes (g, h, n, unused).
  const std::int64_t words = q.constant_hessian ? 1 : 2;
  const auto chunk_words = static_cast<std::size_t>(bins * words);
  if (quantized_scratch_.size() < chunks.count * chunk_words)
    quantized_scratch_.resize(chunks.count * chunk_words);
  const auto& kernels = simd::histogram_kernels();
  for_each_chunk(chunks, m, n_threads_, [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
    std::int64_t* hist =
        zeroed(quantized_scratch_, static_cast<std::size_t>(c) * chunk_words, chunk_words);
    if (q.constant_hessian)
      kernels.accumulate_quantized_packed(binned_, n_features_, offsets_.data(), rows, begin, end,
                                          q.gh.data(), hist);
    else
      kernels.accumulate_quantized(binned_, n_features_, offsets_.data(), rows, begin, end,
                                   q.gh.data(), reinterpret_cast<std::int32_t*>(hist));
  });
  // Chunk sums are exact integers: adding them in any order gives the same
  // totals, which are then scaled once.
  constexpr std::int64_t kHalf = std::int64_t{1} << 32;
  const std::int64_t* scratch = quantized_scratch_.data();
  for_each_bin_range(bins, n_threads_, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      std::int64_t g = 0, h = 0, n = 0;
      for (std::int64_t c = 0; c < chunks.count; ++c) {
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
      const auto count = static_cast<double>(n);
      out[j] =
          HistBin{static_cast<double>(g) * q.g_scale,
                  (q.constant_hessian ? count : static_cast<double>(h)) * q.h_scale, count, 0.0};
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
