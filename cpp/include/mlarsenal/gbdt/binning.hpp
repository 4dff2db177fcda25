// Feature binning for histogram gradient boosting.
//
// Every feature maps to at most 255 bins plus one missing-value bin, so a
// binned row is n_features bytes. Numerical features: bin(x) = the number of
// thresholds below x, so bin(x) <= b exactly when x <= thresholds[b]: a split
// found on bins is the split "x <= thresholds[b]" on raw values. Categorical
// features: bin(x) = the index of x among the feature's sorted categories.
// NaN (and, for categorical features, a value that is not one of the
// categories) maps to the missing bin, whose index is n_bins(feature).
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::gbdt {

constexpr int kMaxBins = 255;
// Category values are bit positions in a split's bitset: bounded to keep it small.
constexpr double kMaxCategory = 1048576.0;

struct FeatureBins {
  bool categorical = false;
  // Numerical: ascending thresholds, n_bins = thresholds.size() + 1.
  // Categorical: ascending category values, n_bins = categories.size().
  std::vector<double> thresholds;
  std::vector<double> categories;

  int n_bins() const {
    return categorical ? static_cast<int>(categories.size())
                       : static_cast<int>(thresholds.size()) + 1;
  }
  int missing_bin() const { return n_bins(); }
};

// Learns each feature's bins. Numerical thresholds come from the rows listed
// in sample_rows (all rows when it is empty): a sample is enough for large
// data. Categories come from every row, so no training row is ever an unseen
// category. max_bins in [2, 255]. A categorical feature must hold
// non-negative integers below 2**20 (or NaN) with at most max_bins distinct
// values; anything else throws InvalidArgument naming the feature.
template <class T>
std::vector<FeatureBins> fit_bins(MatrixView<const T> x,
                                  const std::vector<std::int64_t>& sample_rows, int max_bins,
                                  const std::vector<std::uint8_t>& is_categorical, int n_threads);

// Bins every row of x into out (rows x n_features, C order, one byte each).
template <class T>
void apply_bins(MatrixView<const T> x, const std::vector<FeatureBins>& bins, int n_threads,
                std::uint8_t* out);

}  // namespace mlarsenal::gbdt
