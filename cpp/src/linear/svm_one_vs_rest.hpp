// What LinearSVC's two solvers (dual coordinate descent, primal Newton) share:
// the checks of their inputs and the one-vs-rest driver that turns class codes
// into one binary problem (labels +-1, per-row costs) per output.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/linear/row_matrix.hpp"

namespace mlarsenal::linear::detail {

template <class T>
void check_svc_inputs(const RowMatrix<T>& X, const std::int32_t* y, std::int64_t n_classes,
                      const double* row_cost, double tol, std::int64_t max_iter,
                      double intercept_scaling) {
  X.check();
  require(n_classes >= 2, "y: LinearSVC needs at least 2 classes");
  require(tol >= 0.0, "tol must be >= 0");
  require(max_iter >= 0, "max_iter must be >= 0");
  require(intercept_scaling >= 0.0, "intercept_scaling must be >= 0");
  for (std::int64_t i = 0; i < X.rows; ++i) {
    require(y[i] >= 0 && y[i] < n_classes, "y: class code out of range");
    require(row_cost[i] >= 0.0 && std::isfinite(row_cost[i]),
            "sample_weight: costs must be finite and >= 0");
  }
}

// One binary problem for two classes (class 1 positive), one per class (that
// class against the rest) otherwise, run on `threads` threads:
// n_iter[p] = solve(p, sign, cost, coef + p * (cols + 1)).
template <class T, class Solve>
void for_each_svc_problem(const RowMatrix<T>& X, const std::int32_t* y, std::int64_t n_classes,
                          const double* row_cost, const double* class_weight, int threads,
                          double* coef, std::int64_t* n_iter, const Solve& solve) {
  const bool binary = n_classes == 2;
  const std::int64_t n_problems = binary ? 1 : n_classes;
  const std::int64_t stride = X.cols + 1;
  parallel_for(n_problems, threads, [&](std::int64_t p) {
    const std::int32_t positive = binary ? 1 : static_cast<std::int32_t>(p);
    std::vector<std::int8_t> sign(static_cast<std::size_t>(X.rows));
    std::vector<double> cost(static_cast<std::size_t>(X.rows));
    for (std::int64_t i = 0; i < X.rows; ++i) {
      const bool pos = y[i] == positive;
      sign[i] = pos ? 1 : -1;
      // liblinear weighs both classes of a binary problem, but only the
      // positive class of each one-vs-rest problem.
      cost[i] = row_cost[i] * ((binary || pos) ? class_weight[y[i]] : 1.0);
    }
    n_iter[p] = solve(p, sign.data(), cost.data(), coef + p * stride);
  });
}

}  // namespace mlarsenal::linear::detail
