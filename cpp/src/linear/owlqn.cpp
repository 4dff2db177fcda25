#include "mlarsenal/linear/owlqn.hpp"

#include <algorithm>
#include <cmath>

#include "lbfgs_memory.hpp"
#include "mlarsenal/common/errors.hpp"

namespace mlarsenal::linear {
namespace {

using detail::dot;

// Armijo constant of the backtracking search on F.
constexpr double kSufficientDecrease = 1e-4;

class L1Term {
 public:
  L1Term(const double* weights, std::int64_t n) : w_(weights, weights + n) {
    for (std::int64_t i = 0; i < n; ++i)
      require(std::isfinite(w_[i]) && w_[i] >= 0.0,
              "l1 weights must be finite and >= 0; entry " + std::to_string(i) + " is not");
  }

  double value(const std::vector<double>& x) const {
    double s = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) s += w_[i] * std::abs(x[i]);
    return s;
  }

  // The minimum-norm subgradient of F at x: the gradient of f plus the
  // weight times sign(x_i); at x_i = 0 the one-sided derivative pointing
  // downhill, or 0 when neither side decreases F.
  void pseudo_gradient(const std::vector<double>& x, const std::vector<double>& g,
                       std::vector<double>& pg) const {
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x[i] > 0.0) {
        pg[i] = g[i] + w_[i];
      } else if (x[i] < 0.0) {
        pg[i] = g[i] - w_[i];
      } else if (g[i] + w_[i] < 0.0) {
        pg[i] = g[i] + w_[i];
      } else if (g[i] - w_[i] > 0.0) {
        pg[i] = g[i] - w_[i];
      } else {
        pg[i] = 0.0;
      }
    }
  }

 private:
  std::vector<double> w_;
};

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double e : v) m = std::max(m, std::abs(e));
  return m;
}

}  // namespace

LbfgsResult minimize_owlqn(const Objective& fun, const double* x0, std::int64_t n, const double* l1,
                           const LbfgsOptions& options) {
  require(n >= 1, "x0 must have at least one variable");
  detail::check_options(options);
  const L1Term penalty(l1, n);
  const auto un = static_cast<std::size_t>(n);

  LbfgsResult res;
  std::vector<double> x(x0, x0 + n), g(un), pg(un), d(un), orthant(un), x_trial(un), g_trial(un),
      s(un), y(un);
  const std::vector<char> all_free(un, 1);
  for (std::size_t i = 0; i < un; ++i)
    require(std::isfinite(x[i]), "x0 must be finite; entry " + std::to_string(i) + " is not");

  auto evaluate = [&](const std::vector<double>& point, std::vector<double>& grad) {
    const double f = fun(point.data(), grad.data());
    ++res.nfev;
    if (std::isfinite(f)) {
      for (std::size_t i = 0; i < un; ++i)
        require(std::isfinite(grad[i]), "the objective returned a non-finite gradient (entry " +
                                            std::to_string(i) + ") at a finite value");
    }
    return f + penalty.value(point);
  };

  double F = evaluate(x, g);
  require(std::isfinite(F), "the objective is not finite at the starting point");
  penalty.pseudo_gradient(x, g, pg);

  auto finish = [&](LbfgsStatus status, const char* message) {
    res.x = x;
    res.fun = F;
    res.jac = pg;
    res.status = status;
    res.message = message;
    return res;
  };
  if (max_abs(pg) <= options.gtol)
    return finish(LbfgsStatus::converged, "CONVERGENCE: NORM OF PSEUDO-GRADIENT <= PGTOL");

  detail::Memory memory(options.maxcor, n);
  while (true) {
    if (res.nit >= options.maxiter)
      return finish(LbfgsStatus::limit_reached, "STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT");

    // Quasi-Newton direction on the pseudo-gradient, kept in the orthant that
    // steepest descent points into.
    memory.direction(pg, all_free, d);
    for (std::size_t i = 0; i < un; ++i)
      if (d[i] * pg[i] >= 0.0) d[i] = 0.0;
    double slope = dot(pg, d);
    if (!(slope < 0.0)) {
      memory.clear();
      for (std::size_t i = 0; i < un; ++i) d[i] = -pg[i];
      slope = dot(pg, d);
    }
    for (std::size_t i = 0; i < un; ++i) orthant[i] = x[i] != 0.0 ? x[i] : -pg[i];

    // Backtracking along the orthant-projected path.
    double step = memory.empty() ? std::min(1.0, 1.0 / std::sqrt(dot(d, d))) : 1.0;
    bool accepted = false;
    double F_trial = F;
    for (std::int64_t ls = 0; ls < options.maxls && res.nfev < options.maxfun; ++ls) {
      double predicted = 0.0;
      for (std::size_t i = 0; i < un; ++i) {
        double v = x[i] + step * d[i];
        if (v * orthant[i] <= 0.0) v = 0.0;  // crossing zero stops at zero
        x_trial[i] = v;
        predicted += pg[i] * (v - x[i]);
      }
      F_trial = evaluate(x_trial, g_trial);
      if (std::isfinite(F_trial) && F_trial <= F + kSufficientDecrease * predicted) {
        accepted = true;
        break;
      }
      // Backtrack to the minimiser of the quadratic through F(0), its slope
      // along the projected path and F(step), kept within [0.1, 0.5] of the
      // step: one or two trials usually suffice where halving takes several.
      const double rise = F_trial - F - predicted;
      const double shrink = std::isfinite(F_trial) && rise > 0.0 ? -0.5 * predicted / rise : 0.5;
      step *= std::clamp(shrink, 0.1, 0.5);
    }
    if (!accepted) {
      if (res.nfev >= options.maxfun)
        return finish(LbfgsStatus::limit_reached,
                      "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT");
      if (!memory.empty()) {
        memory.clear();  // retry from steepest descent next iteration
        continue;
      }
      return finish(LbfgsStatus::abnormal, "ABNORMAL: the line search found no acceptable step");
    }

    for (std::size_t i = 0; i < un; ++i) {
      s[i] = x_trial[i] - x[i];
      y[i] = g_trial[i] - g[i];
    }
    const double sy = dot(s, y);
    if (sy > detail::kEps * dot(y, y)) memory.push(s, y, sy);

    const double F_old = F;
    x.swap(x_trial);
    g.swap(g_trial);
    F = F_trial;
    penalty.pseudo_gradient(x, g, pg);
    ++res.nit;

    if (max_abs(pg) <= options.gtol)
      return finish(LbfgsStatus::converged, "CONVERGENCE: NORM OF PSEUDO-GRADIENT <= PGTOL");
    if ((F_old - F) <= options.ftol * std::max({std::abs(F_old), std::abs(F), 1.0}))
      return finish(LbfgsStatus::converged, "CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH");
    if (res.nfev >= options.maxfun)
      return finish(LbfgsStatus::limit_reached, "STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT");
  }
}

}  // namespace mlarsenal::linear
