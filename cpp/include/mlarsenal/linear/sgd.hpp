// Plain stochastic gradient descent for linear models (scikit-learn's
// SGDClassifier / SGDRegressor update rule).
//
// Each problem minimises, one row at a time,
//
//   (1/n) sum_i c_i s_i L(y_i, w . x_i + b) + alpha * R(w)
//   R(w) = (1 - l1_ratio) * 0.5 * |w|^2 + l1_ratio * |w|_1
//
// with c_i the class weight (weight_pos for y_i > 0, weight_neg otherwise)
// and s_i the sample weight. Per row, in this order: the margin with the
// current weights; the step size eta; the l2 shrink w *= max(0, 1 - eta *
// alpha * (1 - l1_ratio)), kept as one scale factor so a dense shrink costs
// O(1) (the weights are rescaled only when the factor falls below 1e-9);
// w += -eta * c_i s_i L'(y_i, p) x_i and the same step times intercept_decay
// on b; the running average (average > 0); then the cumulative l1 penalty
// (Tsuruoka et al. 2009) on the row's features: each weight is pulled toward
// zero, not past it, by the total penalty accrued so far minus what it has
// already received.
//
// Epochs stop after max_iter, or once n_iter_no_change epochs in a row fail
// to improve by tol: the mean per-row objective over the epoch (or, with
// validation rows, their accuracy / R^2). With learning_rate adaptive, eta
// is divided by 5 instead, until it falls under 1e-6.
#pragma once

#include <cstdint>

#include "mlarsenal/linear/row_matrix.hpp"

namespace mlarsenal::linear {

enum class SgdLoss {
  hinge,
  perceptron,
  squared_hinge,
  log_loss,
  modified_huber,
  squared_error,
  huber,
  epsilon_insensitive,
  squared_epsilon_insensitive,
};

enum class LearningRate { constant, optimal, invscaling, adaptive };

struct SgdOptions {
  SgdLoss loss = SgdLoss::hinge;
  double epsilon = 0.1;   // huber / epsilon-insensitive width
  double alpha = 1e-4;    // penalty strength, also sets the "optimal" step sizes
  bool penalize = true;   // false: R(w) = 0 (penalty=None); alpha still sets the steps
  double l1_ratio = 0.0;  // 0: l2 only, 1: l1 only
  LearningRate learning_rate = LearningRate::optimal;
  double eta0 = 0.01;
  double power_t = 0.5;
  bool fit_intercept = true;
  double intercept_decay = 1.0;  // scikit-learn uses 0.01 on sparse data
  std::int64_t max_iter = 1000;
  bool check_improvement = true;  // false: tol is -inf, run max_iter epochs
  double tol = 1e-3;
  std::int64_t n_iter_no_change = 5;
  bool shuffle = true;
  // 0: no averaging; otherwise average the weights from the row where the
  // count of rows seen, t, reaches `average`.
  double average = 0.0;
  double t_start = 1.0;  // t of the first row (scikit-learn's t_)
  // Validation rows are scored by accuracy (true) or R^2 (false).
  bool classification_score = true;
};

// Rows and targets shared by every problem of one fit.
struct SgdData {
  // Classification: y_i = +1 if codes[i] == positive[p] else -1 for problem
  // p. Regression: codes is null and y_i = target[i].
  const std::int32_t* codes = nullptr;
  const double* target = nullptr;
  const double* sample_weight = nullptr;  // null: 1 for every row
  const std::int64_t* train_rows = nullptr;
  std::int64_t n_train = 0;
  const std::int64_t* validation_rows = nullptr;  // empty: stop on the objective
  std::int64_t n_validation = 0;
};

// One problem's definition.
struct SgdProblem {
  std::int32_t positive = 1;
  double weight_pos = 1.0;
  double weight_neg = 1.0;
  std::uint64_t seed = 0;
};

// Model state, read as the starting point and overwritten: cols weights and
// one intercept, plus the averaged ones when options.average > 0.
struct SgdState {
  double* coef = nullptr;
  double* intercept = nullptr;
  double* average_coef = nullptr;
  double* average_intercept = nullptr;
};

// Runs one problem; returns the number of epochs. Throws InvalidArgument
// when the weights stop being finite (learning rate too large for the data).
template <class T>
std::int64_t run_sgd(const RowMatrix<T>& X, const SgdData& data, const SgdProblem& problem,
                     const SgdOptions& options, SgdState state);

// Runs n_problems independent problems on up to n_threads threads (results
// do not depend on the count); state p starts at coef + p * cols, etc.
// epochs receives one count per problem.
template <class T>
void fit_sgd(const RowMatrix<T>& X, const SgdData& data, const SgdProblem* problems,
             std::int64_t n_problems, const SgdOptions& options, int n_threads, SgdState state,
             std::int64_t* epochs);

}  // namespace mlarsenal::linear
