// Gradient/hessian histograms of one tree node (internal to cpp/src/gbdt).
//
// A node's histogram holds, for every (feature, bin), the sums of the
// gradients, hessians and row counts of the node's rows falling in that bin.
// Features are laid out back to back: feature f owns entries
// [offsets[f], offsets[f + 1]), its missing-value bin last.
#pragma once

#include <cstdint>
#include <vector>

namespace mlarsenal::gbdt {

// 32 bytes: one bin is updated with two 16-byte vector adds, (g, h) and
// (n, unused), and never straddles a cache line.
struct alignas(32) HistBin {
  double g;
  double h;
  double n;  // row count; exact as a double up to 2**53
  double unused;
};

struct Stats {
  double g = 0;
  double h = 0;
  std::int64_t n = 0;

  Stats& operator+=(const HistBin& b) {
    g += b.g;
    h += b.h;
    n += static_cast<std::int64_t>(b.n);
    return *this;
  }
  Stats& operator+=(const Stats& o) {
    g += o.g;
    h += o.h;
    n += o.n;
    return *this;
  }
  Stats operator-(const Stats& o) const { return {g - o.g, h - o.h, n - o.n}; }
};

// One tree's gradients and hessians as small integers (quantize.hpp): the
// true values are about g * g_scale and h * h_scale.
struct QuantizedGradients {
  std::vector<std::int8_t> gh;  // (g, h) per row, interleaved
  double g_scale = 1.0;
  double h_scale = 1.0;
  // Every row has the hessian h_scale: bins hold the gradient and the row
  // count only (8 bytes), and a bin's hessian is its count times h_scale.
  bool constant_hessian = false;
};

// hess[0] when every one of the n hessians has its value and it is > 0
// (unweighted squared error, for one), else 0.
double constant_hessian(const float* hess, std::int64_t n, int n_threads);

class HistogramBuilder {
 public:
  HistogramBuilder(const std::uint8_t* binned, std::int64_t n_features,
                   std::vector<std::int32_t> offsets, int n_threads);

  std::int64_t total_bins() const { return offsets_.back(); }
  const std::vector<std::int32_t>& offsets() const { return offsets_; }

  // out (total_bins entries) = the histogram of rows[0, m); gh holds each
  // row's (gradient, hessian) pair, interleaved. Rows are cut into chunks
  // whose bounds depend on m only; each chunk is summed on its own and the
  // chunks are added in order, so the result is the same for any thread
  // count.
  void build(const std::int32_t* rows, std::int64_t m, const float* gh, HistBin* out);

  // The same when every row's hessian is `hess`: bins of (gradient, count),
  // 16 bytes, read from grad (one float per row); each hessian sum is
  // count * hess. Gradient sums are the same bits as build()'s.
  void build_constant_hessian(const std::int32_t* rows, std::int64_t m, const float* grad,
                              double hess, HistBin* out);

  // The same from quantized gradients: integer bins (16 bytes, or 8 with a
  // constant hessian) summed exactly, then scaled into `out`.
  void build(const std::int32_t* rows, std::int64_t m, const QuantizedGradients& q, HistBin* out);

  // hist -= smaller, entry by entry (the sibling of `smaller` from its parent).
  void subtract(HistBin* hist, const HistBin* smaller) const;

 private:
  const std::uint8_t* binned_;
  std::int64_t n_features_;
  std::vector<std::int32_t> offsets_;
  int n_threads_;
  std::vector<HistBin> scratch_;                 // one histogram per chunk after the first
  std::vector<double> count_scratch_;            // one (g, n) histogram per chunk
  std::vector<std::int64_t> quantized_scratch_;  // one integer histogram per chunk
};

}  // namespace mlarsenal::gbdt
