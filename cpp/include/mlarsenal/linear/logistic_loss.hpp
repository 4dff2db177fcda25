// Logistic regression objective and gradient, fused in one pass over X.
//
//   f(coef) = scale * sum_i s_i * loss_i + 0.5 * l2 * |W|^2
//
// loss_i is the binary log loss log(1 + e^z) - y z (n_classes == 2, one
// coefficient vector) or the multinomial log loss logsumexp(z) - z_y
// (n_classes >= 3, one vector per class); s_i the sample weight (1 without
// weights). Intercepts are not penalised. scikit-learn's lbfgs objective is
// scale = 1 / sum(s), l2 = 1 / (C * sum(s)).
//
// Layout: X is n x d with contiguous rows (col_stride == 1, any row stride),
// float or double; y holds class codes (0/1 for binary, 0..K-1 otherwise);
// coef and grad hold n_params() doubles: for each class k (one for binary),
// d weights followed by the intercept when fit_intercept.
//
// One evaluation reads X once: rows are cut into blocks whose size depends
// on d only; each block computes its margins, then adds its gradient while
// its rows are still in cache, into a partial of its own. Partials are summed
// in block order, so the result is bit-identical for any thread count.
//
// The object borrows X, y and sample_weight (the caller keeps them alive) and
// owns its scratch: one object must not be evaluated from two threads at once.
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::linear {

template <class T>
class LogisticLoss {
 public:
  // Throws InvalidArgument on inconsistent shapes, n_classes < 2, a class
  // code out of range, non-contiguous rows, or negative weights.
  LogisticLoss(MatrixView<const T> X, const std::int32_t* y, const double* sample_weight,
               std::int64_t n_classes, bool fit_intercept, double scale, double l2, int n_threads);

  std::int64_t n_params() const { return n_outputs_ * stride_; }
  std::int64_t block_rows() const { return block_rows_; }

  // Returns f(coef) and writes its gradient to grad (n_params() each).
  double operator()(const double* coef, double* grad);

 private:
  void binary_block(std::int64_t begin, std::int64_t end, const double* coef, double* margins,
                    double* partial) const;
  void multinomial_block(std::int64_t begin, std::int64_t end, const double* coef, double* margins,
                         double* partial) const;

  MatrixView<const T> X_;
  const std::int32_t* y_;
  const double* sample_weight_;
  std::int64_t n_outputs_;  // 1 for binary, K for multinomial
  bool fit_intercept_;
  std::int64_t stride_;  // d + fit_intercept
  double scale_, l2_;
  int n_threads_;
  std::int64_t block_rows_;
  std::vector<double> partials_;  // per block: n_params() gradient sums, then the loss sum
  std::vector<double> margins_;   // per thread: block_rows_ * n_outputs_
};

extern template class LogisticLoss<float>;
extern template class LogisticLoss<double>;

}  // namespace mlarsenal::linear
