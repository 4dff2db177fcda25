#include "mlarsenal/linear/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lbfgs_memory.hpp"
#include "line_search.hpp"
#include "mlarsenal/common/errors.hpp"

namespace mlarsenal::linear {
namespace {

using detail::check_options;
using detail::dot;
using detail::kEps;
using detail::Memory;

constexpr double kInf = std::numeric_limits<double>::infinity();
// Longest step a line search may take when no bound limits it (MINPACK-2's
// stpmax as used by L-BFGS-B).
constexpr double kMaxStep = 1e10;

class Box {
 public:
  Box(const double* lower, const double* upper, std::int64_t n)
      : lower_(lower ? std::vector<double>(lower, lower + n) : std::vector<double>(n, -kInf)),
        upper_(upper ? std::vector<double>(upper, upper + n) : std::vector<double>(n, kInf)) {
    for (std::int64_t i = 0; i < n; ++i) {
      require(!std::isnan(lower_[i]) && !std::isnan(upper_[i]),
              "bounds: NaN at variable " + std::to_string(i));
      require(lower_[i] <= upper_[i], "bounds: lower > upper at variable " + std::to_string(i));
    }
  }

  double project(std::size_t i, double v) const { return std::clamp(v, lower_[i], upper_[i]); }

  // Infinity norm of P(x - g) - x, the first-order optimality measure.
  double projected_gradient_norm(const std::vector<double>& x, const std::vector<double>& g) const {
    double norm = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
      norm = std::max(norm, std::abs(project(i, x[i] - g[i]) - x[i]));
    return norm;
  }

  // A variable is fixed when it sits on a bound and its gradient pushes it out.
  void free_variables(const std::vector<double>& x, const std::vector<double>& g,
                      std::vector<char>& free) const {
    for (std::size_t i = 0; i < x.size(); ++i) {
      const bool fixed = (x[i] <= lower_[i] && g[i] > 0.0) || (x[i] >= upper_[i] && g[i] < 0.0) ||
                         lower_[i] == upper_[i];
      free[i] = fixed ? 0 : 1;
    }
  }

  // The largest a with x + a d inside the box.
  double max_step(const std::vector<double>& x, const std::vector<double>& d) const {
    double a = kInf;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (d[i] < 0.0 && std::isfinite(lower_[i])) a = std::min(a, (lower_[i] - x[i]) / d[i]);
      if (d[i] > 0.0 && std::isfinite(upper_[i])) a = std::min(a, (upper_[i] - x[i]) / d[i]);
    }
    return std::max(a, 0.0);
  }

 private:
  std::vector<double> lower_, upper_;
};

}  // namespace

LbfgsResult minimize_lbfgs(const Objective& fun, const double* x0, std::int64_t n,
                           const double* lower, const double* upper, const LbfgsOptions& options) {
  require(n >= 1, "x0 must have at least one variable");
  check_options(options);
  const Box box(lower, upper, n);
  const auto un = static_cast<std::size_t>(n);

  LbfgsResult res;
  std::vector<double> x(un), g(un), d(un), x_trial(un), g_trial(un), s(un), y(un);
  std::vector<char> free(un);
  for (std::size_t i = 0; i < un; ++i) {
    require(std::isfinite(x0[i]), "x0 must be finite; entry " + std::to_string(i) + " is not");
    x[i] = box.project(i, x0[i]);
  }

  // Every evaluation goes through here: counts it and rejects non-finite
  // gradients, which no step length can repair.
  auto evaluate = [&](const std::vector<double>& point, std::vector<double>& grad) {
    const double f = fun(point.data(), grad.data());
    ++res.nfev;
    if (std::isfinite(f)) {
      for (std::size_t i = 0; i < un; ++i)
        require(std::isfinite(grad[i]), "the objective returned a non-finite gradient (entry " +
                                            std::to_string(i) + ") at a finite value");
    }
    return f;
  };

  double f = evaluate(x, g);
  require(std::isfinite(f), "the objective is not finite at the starting point");

  auto finish = [&](LbfgsStatus status, const char* message) {
    res.x = x;
    res.fun = f;
    res.jac = g;
    res.status = status;
    res.message = message;
    return res;
  };

  if (box.projected_gradient_norm(x, g) <= options.gtol)
    return finish(LbfgsStatus::converged, "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL");

  Memory memory(options.maxcor, n);
  // Evaluations at step a along d; `projected` clips to the box (the
  // backtracking path), otherwise the point is x + a d (inside the box by
  // construction, clipped only against rounding).
  auto move_to = [&](double a) {
    for (std::size_t i = 0; i < un; ++i) x_trial[i] = box.project(i, x[i] + a * d[i]);
  };
  auto phi = [&](double a, double* derivative) {
    move_to(a);
    const double ft = evaluate(x_trial, g_trial);
    *derivative = dot(g_trial, d);
    return ft;
  };
  auto psi = [&](double a, double* predicted) {
    move_to(a);
    double p = 0.0;
    for (std::size_t i = 0; i < un; ++i) p += g[i] * (x_trial[i] - x[i]);
    *predicted = p;
    return evaluate(x_trial, g_trial);
  };

  while (true) {
    if (res.nit >= options.maxiter)
      return finish(LbfgsStatus::limit_reached, "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT");

    box.free_variables(x, g, free);
    memory.direction(g, free, d);
    double gd = dot(g, d);
    if (!(gd < 0.0)) {
      // The quasi-Newton direction is not a descent direction on the free
      // variables (possible once the active set changes): restart.
      memory.clear();
      memory.direction(g, free, d);
      gd = dot(g, d);
    }

    detail::LineSearchResult ls;
    for (int attempt = 0; attempt < 2; ++attempt) {
      // First step: 1 for a quasi-Newton direction; 1/|d| for steepest
      // descent, whose length carries no curvature information.
      const double dnorm = std::sqrt(dot(d, d));
      const double step0 = memory.empty() ? std::min(1.0, 1.0 / dnorm) : 1.0;
      const double to_bound = box.max_step(x, d);
      const std::int64_t evals = std::min(options.maxls, options.maxfun - res.nfev + 1);
      if (evals < 1) break;
      if (step0 <= to_bound) {
        ls = detail::strong_wolfe(phi, f, gd, step0, std::min(to_bound, kMaxStep), evals);
      } else {
        ls = detail::projected_backtracking(psi, f, step0, evals);
      }
      if (ls.ok || memory.empty()) break;
      // A failed search along a quasi-Newton direction: retry once along
      // steepest descent with a fresh memory, as L-BFGS-B does.
      memory.clear();
      memory.direction(g, free, d);
      gd = dot(g, d);
    }
    if (!ls.ok) {
      if (res.nfev >= options.maxfun)
        return finish(LbfgsStatus::limit_reached,
                      "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT");
      return finish(LbfgsStatus::abnormal, "ABNORMAL: the line search found no acceptable step");
    }
    if (ls.last_step != ls.step) {
      // The accepted step was not the last one evaluated: restore its point.
      move_to(ls.step);
      evaluate(x_trial, g_trial);
    }

    for (std::size_t i = 0; i < un; ++i) {
      s[i] = x_trial[i] - x[i];
      y[i] = g_trial[i] - g[i];
    }
    const double sy = dot(s, y);
    if (sy > kEps * dot(y, y)) memory.push(s, y, sy);

    const double f_old = f;
    x.swap(x_trial);
    g.swap(g_trial);
    f = ls.f;
    ++res.nit;

    if (box.projected_gradient_norm(x, g) <= options.gtol)
      return finish(LbfgsStatus::converged, "CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL");
    if ((f_old - f) <= options.ftol * std::max({std::abs(f_old), std::abs(f), 1.0}))
      return finish(LbfgsStatus::converged, "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH");
    if (res.nfev >= options.maxfun)
      return finish(LbfgsStatus::limit_reached, "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT");
  }
}

}  // namespace mlarsenal::linear
