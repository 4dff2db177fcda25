// SAGA (Defazio, Bach & Lacoste-Julien 2014) for binary and multinomial
// logistic regression with an l2 + l1 (elastic-net) penalty.
//
// Objective, over the coefficients W (n_outputs x d) and intercepts b:
//
//   scale * sum_i s_i loss_i(W x_i + b) + l2/2 |W|^2 + l1 |W|_1
//
// with scale = 1 / sum_i s_i, the binary log loss (n_outputs = 1, y in {0, 1})
// or the multinomial log loss (n_outputs = n_classes). Intercepts are not
// penalised. This is LogisticRegression's lbfgs / OWL-QN objective.
//
// Method. Written as (1/n) sum_i f_i + l2/2 |W|^2 + l1 |W|_1 with
// f_i = n scale s_i loss_i, each step draws a row i uniformly (with
// replacement, from the seeded Random stream), computes the new per-row
// gradient g_i (one scalar per output: the residual times n scale s_i),
// replaces the remembered one, and moves along
//
//   d = A' / n + (1 - 1/n) (g_i - g_i_old) x_i,   A' = sum_j g_j x_j (updated)
//
// by w <- soft((1 - eta l2) w - eta d, eta l1): the L2 part as a gradient,
// the L1 part by its proximal operator (soft threshold). Intercepts take the
// same step without shrink or threshold.
//
// Just-in-time updates (CSR rows): weights are stored as w = scale_w * v, so
// the L2 shrink of every weight is one multiplication of scale_w. In v the
// step reads v <- soft(v - gamma_t a, l1 gamma_t) with gamma_t = eta /
// scale_w(t), and between two touches of feature j its average-gradient
// entry a = A_j / n is constant. A feature therefore only needs updating
// when a row touches it (or at an epoch end / rescale): the missed steps are
// replayed from the cumulative sums G_t = sum gamma. Within one sign of v the
// soft threshold is a shift, so a run of steps is v -= (a + sign(v) l1) (G_t1
// - G_t0); the step at which v would reach zero is found by binary search in
// G and taken explicitly, after which v either stays at zero (|a| <= l1) or
// moves monotonically in one direction. This is the dense update up to
// rounding, in O(log n) per touched feature. scale_w is folded back into v
// at each epoch end and whenever it falls below 1e-9. Dense rows take the
// same step on every feature (no missed steps).
//
// Step size eta = 1 / (2 L + min(2 n l2, L)), L = 0.25 max_i (n scale s_i)
// (|x_i|^2 + fit_intercept) + l2 (the SAGA rule of scikit-learn's
// get_auto_step_size for the log loss, with the weights in f_i).
//
// Stopping: after each epoch of n draws, the largest change of any
// coefficient (intercepts included) since the previous epoch, divided by the
// largest coefficient, <= tol; or max_iter epochs.
#pragma once

#include <cstdint>

#include "mlarsenal/linear/row_matrix.hpp"

namespace mlarsenal::linear {

struct SagaOptions {
  std::int64_t n_classes = 2;  // 2: binary (one output); > 2: multinomial
  bool fit_intercept = true;
  double scale = 1.0;  // 1 / sum of weights
  double l2 = 0.0;
  double l1 = 0.0;
  double tol = 1e-4;
  std::int64_t max_iter = 100;  // epochs
  std::uint64_t seed = 0;
};

struct SagaResult {
  std::int64_t n_iter = 0;  // epochs run
  bool converged = false;
  double step_size = 0.0;
};

// X: rows.rows x rows.cols (checked with rows.check()); y: class codes in
// [0, n_classes), one per row; sample_weight: one non-negative weight per row
// or null for ones. coef: n_outputs * (cols + fit_intercept) doubles, per
// output the feature weights then the intercept; read as the starting point
// and overwritten with the solution. Throws InvalidArgument for bad input.
// Single-threaded; touches no shared state.
template <class T>
SagaResult fit_logistic_saga(const RowMatrix<T>& X, const std::int32_t* y,
                             const double* sample_weight, const SagaOptions& options, double* coef);

extern template SagaResult fit_logistic_saga<float>(const RowMatrix<float>&, const std::int32_t*,
                                                    const double*, const SagaOptions&, double*);
extern template SagaResult fit_logistic_saga<double>(const RowMatrix<double>&, const std::int32_t*,
                                                     const double*, const SagaOptions&, double*);

}  // namespace mlarsenal::linear
