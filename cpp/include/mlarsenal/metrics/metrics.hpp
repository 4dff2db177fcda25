// Evaluation metrics: the hot loops behind mlarsenal.metrics.
//
// Contract shared by every function here:
// - Inputs are views over caller-owned memory, read-only, any strides.
// - Lengths must agree (InvalidArgument otherwise); callers have already
//   rejected NaN where it is not allowed and mapped labels to codes.
// - An empty weight view means "every weight is 1".
// - n_threads <= 0 uses every thread OpenMP offers.
// - Sums are taken over fixed blocks combined in block order, so results are
//   bit-identical for any thread count and any SIMD level.
// - Pure functions, no shared state: safe to call from many threads at once.
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::metrics {

// Per-column sums of w * (y_true - y_pred)^2 and the total weight.
struct SquaredErrorSums {
  std::vector<double> per_column;
  double weight_sum = 0.0;
};

// y_true and y_pred: (n_samples, n_outputs); weight: (n_samples,) or empty.
template <class T>
SquaredErrorSums squared_error_sums(MatrixView<const T> y_true, MatrixView<const T> y_pred,
                                    VectorView<const T> weight, int n_threads);

// Weight of the rows where a[i] == b[i], and the total weight.
struct MatchSums {
  double matched = 0.0;
  double weight_sum = 0.0;
};

template <class T>
MatchSums match_sums(VectorView<const T> a, VectorView<const T> b, VectorView<const double> weight,
                     int n_threads);

// Confusion counts: out[t * n_classes + p] += weight of rows with true code t
// and predicted code p. Codes outside [0, n_classes) are skipped (labels the
// caller excluded). `out` has n_classes^2 entries and is overwritten.
// W is std::int64_t (counts, or integer weights) or double.
template <class W>
void confusion_counts(VectorView<const std::int32_t> true_codes,
                      VectorView<const std::int32_t> pred_codes, VectorView<const W> weight,
                      std::int64_t n_classes, int n_threads, W* out);

// Log loss with the input checks it needs, gathered in the same pass.
struct LogLossSums {
  double loss = 0.0;  // sum of w_i * -log(clip(p_i))
  double weight_sum = 0.0;
  double min_proba = 0.0;  // over every entry of proba
  double max_proba = 0.0;
  std::int64_t nan_count = 0;
  std::int64_t rows_not_normalised = 0;  // rows whose sum is not 1 within rtol
};

// codes: class index of each row. proba: (n, k); with k == 1 the column is
// the probability of class 1 (binary), otherwise the probability of class c
// is column c. Probabilities are clipped to [eps, 1 - eps] in T, as
// scikit-learn does; the row-sum check uses |sum - 1| <= 1e-8 + rtol.
template <class T>
LogLossSums log_loss_sums(VectorView<const std::int32_t> codes, MatrixView<const T> proba,
                          VectorView<const T> weight, T eps, double row_sum_rtol, int n_threads);

// Binary ROC AUC. positive[i] is 1 for the positive class, 0 otherwise.
// Ties in score share credit equally (trapezoid over the ROC curve). The
// caller guarantees both classes carry weight. -0.0 and 0.0 are one score.
template <class T>
double binary_roc_auc(VectorView<const std::uint8_t> positive, VectorView<const T> score,
                      VectorView<const T> weight, int n_threads);

// The ROC curve before interpolation: one point per distinct score, scores in
// decreasing order; fps/tps are the weights of negatives/positives scoring >=
// the threshold (scikit-learn's _binary_clf_curve).
struct ClassificationCurve {
  std::vector<double> fps, tps, thresholds;
};

template <class T>
ClassificationCurve binary_clf_curve(VectorView<const std::uint8_t> positive,
                                     VectorView<const T> score, VectorView<const T> weight,
                                     int n_threads);

}  // namespace mlarsenal::metrics
