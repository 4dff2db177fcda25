// Quantile binning. Thresholds are midpoints between consecutive distinct
// sample values, chosen so each bin holds about the same number of sample
// rows; with at most max_bins distinct values every value gets its own bin.
#include "mlarsenal/gbdt/binning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal::gbdt {
namespace {

// A threshold strictly between a and b (a < b) that compares like the
// midpoint; when a and b are adjacent doubles the midpoint rounds to b, and
// a itself is used (bin(a) stays below bin(b) either way).
double between(double a, double b) {
  const double mid = a + (b - a) / 2.0;
  return mid < b ? mid : a;
}

std::vector<double> numerical_thresholds(std::vector<double>& values, int max_bins) {
  std::sort(values.begin(), values.end());
  std::vector<double> distinct;
  std::vector<std::int64_t> ends;  // one past the last sorted position of each distinct value
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i == 0 || values[i] != values[i - 1]) {
      if (i > 0) ends.push_back(static_cast<std::int64_t>(i));
      distinct.push_back(values[i]);
    }
  }
  if (!values.empty()) ends.push_back(static_cast<std::int64_t>(values.size()));
  std::vector<double> thresholds;
  if (distinct.size() <= 1) return thresholds;
  if (static_cast<int>(distinct.size()) <= max_bins) {
    for (std::size_t i = 0; i + 1 < distinct.size(); ++i)
      thresholds.push_back(between(distinct[i], distinct[i + 1]));
    return thresholds;
  }
  // Cut after the distinct value holding each quantile position. A value
  // that fills several quantiles yields one threshold, so heavy ties give
  // fewer, not empty, bins.
  const auto n = static_cast<double>(values.size());
  std::size_t d = 0;
  for (int k = 1; k < max_bins; ++k) {
    const auto position = static_cast<std::int64_t>(std::floor(n * k / max_bins));
    while (d + 1 < distinct.size() && ends[d] <= position) ++d;
    if (d + 1 >= distinct.size()) break;
    const double t = between(distinct[d], distinct[d + 1]);
    if (thresholds.empty() || t > thresholds.back()) thresholds.push_back(t);
  }
  return thresholds;
}

std::vector<double> category_values(std::vector<double>& values, int max_bins,
                                    std::int64_t feature) {
  for (const double v : values) {
    if (!(v >= 0.0 && v < kMaxCategory && v == std::floor(v))) {
      throw InvalidArgument("categorical feature " + std::to_string(feature) + " holds the value " +
                            std::to_string(v) +
                            "; categories must be non-negative integers below 2**20 (or NaN)");
    }
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  if (static_cast<int>(values.size()) > max_bins) {
    throw InvalidArgument("categorical feature " + std::to_string(feature) + " has " +
                          std::to_string(values.size()) +
                          " categories, more than max_bins=" + std::to_string(max_bins));
  }
  return values;
}

}  // namespace

template <class T>
std::vector<FeatureBins> fit_bins(MatrixView<const T> x,
                                  const std::vector<std::int64_t>& sample_rows, int max_bins,
                                  const std::vector<std::uint8_t>& is_categorical, int n_threads) {
  require(max_bins >= 2 && max_bins <= kMaxBins,
          "max_bins must be in [2, 255], got " + std::to_string(max_bins));
  require(is_categorical.empty() || static_cast<std::int64_t>(is_categorical.size()) == x.cols,
          "categorical mask length does not match the number of features");
  std::vector<FeatureBins> bins(static_cast<std::size_t>(x.cols));
  for (const std::int64_t r : sample_rows)
    require(r >= 0 && r < x.rows, "sample row " + std::to_string(r) + " out of range");
  parallel_for(x.cols, n_threads, [&](std::int64_t f) {
    FeatureBins& b = bins[static_cast<std::size_t>(f)];
    b.categorical = !is_categorical.empty() && is_categorical[static_cast<std::size_t>(f)] != 0;
    std::vector<double> values;
    const auto keep = [&](std::int64_t i) {
      const double v = static_cast<double>(x(i, f));
      if (v == v) values.push_back(v);
    };
    if (sample_rows.empty() || b.categorical) {
      values.reserve(static_cast<std::size_t>(x.rows));
      for (std::int64_t i = 0; i < x.rows; ++i) keep(i);
    } else {
      values.reserve(sample_rows.size());
      for (const std::int64_t i : sample_rows) keep(i);
    }
    if (b.categorical) {
      b.categories = category_values(values, max_bins, f);
    } else {
      b.thresholds = numerical_thresholds(values, max_bins);
    }
  });
  return bins;
}

template <class T>
void apply_bins(MatrixView<const T> x, const std::vector<FeatureBins>& bins, int n_threads,
                std::uint8_t* out) {
  const std::int64_t n_features = x.cols;
  require(static_cast<std::int64_t>(bins.size()) == n_features,
          "X has " + std::to_string(n_features) + " features, the bins were fitted on " +
              std::to_string(bins.size()));
  // Each feature's edges padded with +inf to 256 entries: the search below is
  // then a fixed 8 steps of conditional moves, with no mispredicted branch.
  constexpr int kPadded = 256;
  std::vector<double> padded(static_cast<std::size_t>(n_features * kPadded),
                             std::numeric_limits<double>::infinity());
  for (std::int64_t f = 0; f < n_features; ++f) {
    const FeatureBins& b = bins[static_cast<std::size_t>(f)];
    const std::vector<double>& edges = b.categorical ? b.categories : b.thresholds;
    std::copy(edges.begin(), edges.end(), padded.begin() + f * kPadded);
  }
  parallel_for_blocks(x.rows, 4096, n_threads,
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t f = 0; f < n_features; ++f) {
                          const FeatureBins& b = bins[static_cast<std::size_t>(f)];
                          const double* edges = padded.data() + f * kPadded;
                          const auto missing = static_cast<std::uint8_t>(b.missing_bin());
                          for (std::int64_t i = begin; i < end; ++i) {
                            const double v = static_cast<double>(x(i, f));
                            // Number of edges below v (edges[255] is +inf, never below).
                            int at = 0;
                            for (int step = kPadded / 2; step > 0; step >>= 1)
                              at += (edges[at + step - 1] < v) ? step : 0;
                            std::uint8_t code = static_cast<std::uint8_t>(at);
                            if (v != v) {
                              code = missing;
                            } else if (b.categorical && !(at < b.n_bins() && edges[at] == v)) {
                              code = missing;
                            }
                            out[i * n_features + f] = code;
                          }
                        }
                      });
}

template std::vector<FeatureBins> fit_bins<float>(MatrixView<const float>,
                                                  const std::vector<std::int64_t>&, int,
                                                  const std::vector<std::uint8_t>&, int);
template std::vector<FeatureBins> fit_bins<double>(MatrixView<const double>,
                                                   const std::vector<std::int64_t>&, int,
                                                   const std::vector<std::uint8_t>&, int);
template void apply_bins<float>(MatrixView<const float>, const std::vector<FeatureBins>&, int,
                                std::uint8_t*);
template void apply_bins<double>(MatrixView<const double>, const std::vector<FeatureBins>&, int,
                                 std::uint8_t*);

}  // namespace mlarsenal::gbdt
