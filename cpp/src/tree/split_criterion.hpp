// The split criteria of decision trees over per-bin sums.
//
// A bin (or a node) is summarised by S = n_values + 1 doubles: slot 0 the
// summed weight, then the weight of each class (classification) or the
// weighted sum of targets (regression). For a split into children L and R
// of node T, every criterion's weighted impurity decrease is
//     scale * (proxy(L) + proxy(R) - proxy(T))
// so the search maximises proxy(L) + proxy(R), and the gain is formed once
// for the chosen split:
//   gini:     W * gini     = W - sum_k c_k^2 / W     -> proxy = sum_k c_k^2 / W
//   entropy:  W * entropy  = (W ln W - sum_k c_k ln c_k) / ln 2
//                                                     -> proxy = sum_k c_k ln c_k - W ln W
//   squared:  W * variance = sum w y^2 - (sum w y)^2 / W -> proxy = (sum w y)^2 / W
#pragma once

#include <cmath>
#include <cstdint>

#include "mlarsenal/tree/tree_builder.hpp"

namespace mlarsenal::tree {

class SplitCriterion {
 public:
  SplitCriterion(Criterion kind, std::int32_t n_classes)
      : kind_(kind), n_values_(kind == Criterion::kSquaredError ? 1 : n_classes) {}

  Criterion kind() const { return kind_; }
  bool classification() const { return kind_ != Criterion::kSquaredError; }
  // Doubles per bin summary: the weight, then n_values().
  int stride() const { return n_values_ + 1; }
  // Values a node predicts: class fractions, or the mean.
  int n_values() const { return n_values_; }

  double proxy(const double* s) const {
    const double w = s[0];
    if (!(w > 0.0)) return 0.0;
    switch (kind_) {
      case Criterion::kGini: {
        double sum = 0.0;
        for (int k = 1; k <= n_values_; ++k) sum += s[k] * s[k];
        return sum / w;
      }
      case Criterion::kEntropy: {
        double sum = 0.0;
        for (int k = 1; k <= n_values_; ++k)
          if (s[k] > 0.0) sum += s[k] * std::log(s[k]);
        return sum - w * std::log(w);
      }
      case Criterion::kSquaredError:
        return s[1] * s[1] / w;
    }
    return 0.0;
  }

  // Converts proxy differences into weighted impurity decrease.
  double gain_scale() const { return kind_ == Criterion::kEntropy ? 1.0 / std::log(2.0) : 1.0; }

  // The node's impurity from its summary; sum_wy2 (the weighted sum of
  // squared targets) is only read for squared error.
  double impurity(const double* s, double sum_wy2) const {
    const double w = s[0];
    if (!(w > 0.0)) return 0.0;
    if (kind_ == Criterion::kSquaredError) {
      const double mean = s[1] / w;
      return std::fmax(0.0, sum_wy2 / w - mean * mean);
    }
    if (kind_ == Criterion::kGini) return std::fmax(0.0, (w - proxy(s)) / w);
    return std::fmax(0.0, -proxy(s) * gain_scale() / w);
  }

 private:
  Criterion kind_;
  int n_values_;
};

}  // namespace mlarsenal::tree
