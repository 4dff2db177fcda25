// Linear SVM with the squared hinge, solved in the primal (liblinear's
// dual=False solvers, reimplemented).
//
// One binary problem, labels y_i in {-1, +1}, per-row costs C_i >= 0,
// margins m_i = y_i * (w . x_i + B * w_b):
//
//   l2:  min_w  0.5 * |w|^2 + sum_i C_i * max(0, 1 - m_i)^2
//   l1:  min_w  |w|_1       + sum_i C_i * max(0, 1 - m_i)^2
//
// As in the dual solver (dual_cd_svm.hpp) and liblinear, an intercept is the
// weight w_b of an extra feature of constant value B (intercept_scaling),
// penalised like the other weights (also by the l1 norm); the fitted
// intercept is B * w_b.
//
// l2: truncated Newton with a line search. The objective is once
// differentiable; its generalised Hessian is I + 2 X_I^T diag(C_I) X_I over
// the active rows I = {i : m_i < 1}. Each iteration solves H p = -g
// approximately by conjugate gradient with a diagonal (Jacobi)
// preconditioner, stopping when |r| <= min(0.1, sqrt(|g| / |g_0|)) |g|,
// then backtracks along p from step 1 with an Armijo test. Along a line the
// objective is piecewise quadratic: with X p computed once, each trial step
// costs O(rows) and no pass over X. Hessian-vector products read only the
// active rows.
//
// l1: OWL-QN (owlqn.hpp) on the smooth squared-hinge sum with unit L1
// weights on every variable, the intercept's included.
//
// Stopping, with eps = tol * max(min(n_pos, n_neg), 1) / rows (liblinear's
// scaling for its primal solvers; n_pos, n_neg: rows of each sign, all rows
// counted) and g_0 the (pseudo-)gradient at w = 0:
//   l2: |g|_2 <= eps * |g_0|_2 (liblinear's rule);
//   l1: max_j |pg_j| <= eps * |pg_0|_1 (liblinear compares 1-norms; OWL-QN
//       tests the largest component, so this stops no later than liblinear).
// Or max_iter iterations, or a line search that finds no decrease (the
// optimum reached to round-off). The shrinking CG forcing term makes the
// last Newton step usually land far below the threshold.
//
// Threads: sums over rows are cut into blocks whose bounds depend on the
// row count and the number of variables only; each block keeps its own
// partial sum and the partials are added in block order, so results are
// bit-identical for any thread count.
#pragma once

#include <cstdint>

#include "mlarsenal/linear/row_matrix.hpp"

namespace mlarsenal::linear {

enum class SvmPenalty { l2, l1 };

struct PrimalSvmOptions {
  SvmPenalty penalty = SvmPenalty::l2;
  // liblinear's eps before the class-balance scaling described above.
  double tol = 1e-4;
  std::int64_t max_iter = 1000;
  // B; 0 fits no intercept.
  double intercept_scaling = 1.0;
};

// Fits one binary problem on up to n_threads threads. sign[i] is +1 or -1;
// cost[i] = C_i (rows with C_i == 0 are left out of every sum). w receives
// cols weights followed by the intercept B * w_b (0 without one): cols + 1
// doubles. Returns the iterations run (max_iter when it did not converge).
template <class T>
std::int64_t solve_primal_svm(const RowMatrix<T>& X, const std::int8_t* sign, const double* cost,
                              const PrimalSvmOptions& options, int n_threads, double* w);

// LinearSVC's fit with dual=False: the problems, costs and class weights of
// fit_linear_svc (dual_cd_svm.hpp), each solved by solve_primal_svm. Problems
// run in parallel when there are several; the threads left over go to each
// problem's row sums. coef receives n_problems x (cols + 1) doubles
// (weights, then intercept); n_iter one count per problem.
template <class T>
void fit_linear_svc_primal(const RowMatrix<T>& X, const std::int32_t* y, std::int64_t n_classes,
                           const double* row_cost, const double* class_weight,
                           const PrimalSvmOptions& options, int n_threads, double* coef,
                           std::int64_t* n_iter);

}  // namespace mlarsenal::linear
