#include "mlarsenal/linear/dual_cd_svm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/random.hpp"
#include "svm_one_vs_rest.hpp"

namespace mlarsenal::linear {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Coordinates whose projected gradient is below this are not worth a pass
// over their row (liblinear's threshold).
constexpr double kTinyGradient = 1e-12;

}  // namespace

template <class T>
std::int64_t solve_dual_cd_svm(const RowMatrix<T>& X, const std::int8_t* sign, const double* cost,
                               const DualCdOptions& options, double* w_out) {
  const std::int64_t d = X.cols;
  const double B = options.intercept_scaling;
  const bool hinge = options.loss == SvmLoss::hinge;

  // The dual variables of rows that can move w: a zero cost pins alpha to 0,
  // and a hinge row with x = 0 and no intercept column changes nothing.
  std::vector<std::int64_t> row;        // problem row -> X row
  std::vector<double> diag, upper, qd;  // D_ii, alpha's upper bound, Q_ii + D_ii
  row.reserve(static_cast<std::size_t>(X.rows));
  for (std::int64_t i = 0; i < X.rows; ++i) {
    if (!(cost[i] > 0.0)) continue;
    const double dii = hinge ? 0.0 : 0.5 / cost[i];
    const double q = dii + X.squared_norm(i) + B * B;
    if (!(q > 0.0)) continue;
    row.push_back(i);
    diag.push_back(dii);
    upper.push_back(hinge ? cost[i] : kInf);
    qd.push_back(q);
  }
  const auto l = static_cast<std::int64_t>(row.size());

  // w_b (the intercept column's weight) lives in w[d] during the solve.
  std::vector<double> w(static_cast<std::size_t>(d) + 1, 0.0);
  std::vector<double> alpha(static_cast<std::size_t>(l), 0.0);
  std::vector<std::int64_t> index(static_cast<std::size_t>(l));
  for (std::int64_t s = 0; s < l; ++s) index[s] = s;

  Random rng(options.seed);
  std::int64_t active = l;
  // Bounds of the projected gradient seen in the previous epoch; a variable
  // at a bound whose gradient lies beyond them is unlikely to move again and
  // leaves the active set (shrinking) until the final full check.
  double pg_max_old = kInf, pg_min_old = -kInf;
  std::int64_t iter = 0;
  while (iter < options.max_iter) {
    double pg_max = -kInf, pg_min = kInf;
    for (std::int64_t s = 0; s + 1 < active; ++s) {
      const auto j =
          s + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(active - s)));
      std::swap(index[s], index[j]);
    }
    for (std::int64_t s = 0; s < active; ++s) {
      const std::int64_t k = index[s];
      const std::int64_t i = row[k];
      const double y = sign[i];
      const double margin = X.dot(i, w.data()) + B * w[d];
      const double g = y * margin - 1.0 + diag[k] * alpha[k];
      double pg = 0.0;
      if (alpha[k] == 0.0) {
        if (g > pg_max_old) {
          std::swap(index[s], index[--active]);
          --s;
          continue;
        }
        if (g < 0.0) pg = g;
      } else if (alpha[k] == upper[k]) {
        if (g < pg_min_old) {
          std::swap(index[s], index[--active]);
          --s;
          continue;
        }
        if (g > 0.0) pg = g;
      } else {
        pg = g;
      }
      pg_max = std::max(pg_max, pg);
      pg_min = std::min(pg_min, pg);
      if (std::abs(pg) > kTinyGradient) {
        const double old = alpha[k];
        alpha[k] = std::min(std::max(old - g / qd[k], 0.0), upper[k]);
        const double step = (alpha[k] - old) * y;
        X.axpy(i, step, w.data());
        w[d] += step * B;
      }
    }
    ++iter;
    if (pg_max - pg_min <= options.tol) {
      // Converged on the active set: stop only if no row was shrunk away,
      // otherwise confirm on all rows.
      if (active == l) break;
      active = l;
      pg_max_old = kInf;
      pg_min_old = -kInf;
      continue;
    }
    pg_max_old = pg_max > 0.0 ? pg_max : kInf;
    pg_min_old = pg_min < 0.0 ? pg_min : -kInf;
  }
  for (std::int64_t j = 0; j < d; ++j) w_out[j] = w[j];
  w_out[d] = B * w[d];
  return iter;
}

template <class T>
void fit_linear_svc(const RowMatrix<T>& X, const std::int32_t* y, std::int64_t n_classes,
                    const double* row_cost, const double* class_weight,
                    const DualCdOptions& options, int n_threads, double* coef,
                    std::int64_t* n_iter) {
  detail::check_svc_inputs(X, y, n_classes, row_cost, options.tol, options.max_iter,
                           options.intercept_scaling);
  detail::for_each_svc_problem(
      X, y, n_classes, row_cost, class_weight, n_threads, coef, n_iter,
      [&](std::int64_t p, const std::int8_t* sign, const double* cost, double* w) {
        DualCdOptions o = options;
        o.seed = options.seed + static_cast<std::uint64_t>(p);
        return solve_dual_cd_svm(X, sign, cost, o, w);
      });
}

template std::int64_t solve_dual_cd_svm<float>(const RowMatrix<float>&, const std::int8_t*,
                                               const double*, const DualCdOptions&, double*);
template std::int64_t solve_dual_cd_svm<double>(const RowMatrix<double>&, const std::int8_t*,
                                                const double*, const DualCdOptions&, double*);
template void fit_linear_svc<float>(const RowMatrix<float>&, const std::int32_t*, std::int64_t,
                                    const double*, const double*, const DualCdOptions&, int,
                                    double*, std::int64_t*);
template void fit_linear_svc<double>(const RowMatrix<double>&, const std::int32_t*, std::int64_t,
                                     const double*, const double*, const DualCdOptions&, int,
                                     double*, std::int64_t*);

}  // namespace mlarsenal::linear
