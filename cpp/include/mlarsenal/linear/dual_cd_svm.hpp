// Linear SVM by dual coordinate descent (Hsieh et al., ICML 2008; the
// algorithm of liblinear's dual solvers).
//
// One binary problem, labels y_i in {-1, +1}, per-row costs C_i >= 0:
//
//   min_w  0.5 * |w|^2 + sum_i C_i * loss(y_i * (w . x_i + B * w_b))
//
// loss = max(0, 1 - m) (hinge) or max(0, 1 - m)^2 (squared hinge). With an
// intercept, every row gets one more feature of constant value B
// (intercept_scaling) whose weight w_b is penalised like the others, as in
// liblinear; the fitted intercept is B * w_b. The dual is solved one
// coordinate at a time over a random permutation per epoch, with shrinking
// of the active set, and stops when the projected-gradient spread
// max PG - min PG over an epoch is <= tol (and again over all rows).
#pragma once

#include <cstdint>
#include <vector>

#include "mlarsenal/linear/row_matrix.hpp"

namespace mlarsenal::linear {

enum class SvmLoss { hinge, squared_hinge };

struct DualCdOptions {
  SvmLoss loss = SvmLoss::squared_hinge;
  double tol = 1e-4;
  std::int64_t max_iter = 1000;
  // B; 0 fits no intercept.
  double intercept_scaling = 1.0;
  std::uint64_t seed = 0;
};

// Fits one binary problem. sign[i] is +1 or -1; cost[i] = C_i (rows with
// C_i == 0 cannot move the solution and are left out). w receives cols
// weights followed by the intercept B * w_b (0 without one): cols + 1 doubles.
// Returns the number of epochs run (max_iter when it did not converge).
template <class T>
std::int64_t solve_dual_cd_svm(const RowMatrix<T>& X, const std::int8_t* sign, const double* cost,
                               const DualCdOptions& options, double* w);

// LinearSVC's fit: one problem for two classes (class 1 positive), one per
// class (that class against the rest) for more, run on up to n_threads
// threads. y holds class codes in [0, n_classes); row_cost[i] = C * s_i (the
// sample weight); class_weight[k] multiplies the cost of class k's rows
// where liblinear applies it: for two classes on both sides, for one-vs-rest
// on the positive side only (the rest keep row_cost). Problem p uses seed
// options.seed + p, so results do not depend on n_threads.
//
// coef receives n_problems x (cols + 1) doubles (weights, then intercept);
// n_iter one count per problem.
template <class T>
void fit_linear_svc(const RowMatrix<T>& X, const std::int32_t* y, std::int64_t n_classes,
                    const double* row_cost, const double* class_weight,
                    const DualCdOptions& options, int n_threads, double* coef,
                    std::int64_t* n_iter);

extern template struct RowMatrix<float>;
extern template struct RowMatrix<double>;

}  // namespace mlarsenal::linear
