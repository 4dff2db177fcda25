#include "line_search.hpp"

#include <algorithm>
#include <cmath>

namespace mlarsenal::linear::detail {
namespace {

struct Point {
  double a, f, g;
};

// Minimiser of the cubic through (lo.a, lo.f, lo.g) and (hi.a, hi.f, hi.g),
// kept at least 10% of the interval away from both ends so that the bracket
// shrinks geometrically even when the cubic is a poor model; bisection when
// the cubic has no real minimiser or the high end is not finite.
double interpolate(const Point& lo, const Point& hi) {
  const double left = std::min(lo.a, hi.a), right = std::max(lo.a, hi.a);
  const double width = right - left;
  const double mid = 0.5 * (lo.a + hi.a);
  if (!std::isfinite(hi.f) || !std::isfinite(hi.g)) return mid;
  const double d1 = lo.g + hi.g - 3.0 * (lo.f - hi.f) / (lo.a - hi.a);
  const double disc = d1 * d1 - lo.g * hi.g;
  if (!(disc >= 0.0)) return mid;
  const double d2 = std::copysign(std::sqrt(disc), hi.a - lo.a);
  const double denom = hi.g - lo.g + 2.0 * d2;
  if (denom == 0.0) return mid;
  const double a = hi.a - (hi.a - lo.a) * (hi.g + d2 - d1) / denom;
  if (!std::isfinite(a)) return mid;
  return std::clamp(a, left + 0.1 * width, right - 0.1 * width);
}

}  // namespace

LineSearchResult strong_wolfe(const LineFunction& phi, double f0, double g0, double step0,
                              double step_max, std::int64_t max_evaluations, double c1, double c2) {
  LineSearchResult r;
  // The best step with sufficient decrease seen so far: the fallback when the
  // evaluations run out before the curvature condition holds.
  Point fallback{0.0, f0, g0};
  auto evaluate = [&](double a) {
    Point p{a, 0.0, 0.0};
    p.f = phi(a, &p.g);
    r.last_step = a;
    ++r.evaluations;
    if (std::isfinite(p.f) && p.f <= f0 + c1 * a * g0 && p.f < fallback.f) fallback = p;
    return p;
  };
  auto accept = [&](const Point& p) {
    r.ok = true;
    r.step = p.a;
    r.f = p.f;
    return r;
  };
  auto give_up = [&]() {
    if (fallback.a > 0.0) return accept(fallback);
    r.ok = false;
    return r;
  };
  auto armijo = [&](const Point& p) { return p.f <= f0 + c1 * p.a * g0; };
  auto curvature = [&](const Point& p) { return std::abs(p.g) <= -c2 * g0; };

  // Zoom inside a bracket [lo, hi] (unordered) where lo has sufficient
  // decrease and the lowest value so far, and a minimiser lies in between.
  auto zoom = [&](Point lo, Point hi) {
    while (r.evaluations < max_evaluations) {
      if (std::abs(hi.a - lo.a) <= 1e-14 * std::max(1.0, std::abs(lo.a))) break;
      const Point p = evaluate(interpolate(lo, hi));
      if (!std::isfinite(p.f) || !std::isfinite(p.g) || !armijo(p) || p.f >= lo.f) {
        hi = p;
      } else {
        if (curvature(p)) return accept(p);
        if (p.g * (hi.a - lo.a) >= 0.0) hi = lo;
        lo = p;
      }
    }
    return give_up();
  };

  Point prev{0.0, f0, g0};
  double a = std::min(step0, step_max);
  for (std::int64_t i = 0; r.evaluations < max_evaluations; ++i) {
    const Point p = evaluate(a);
    if (!std::isfinite(p.f) || !std::isfinite(p.g) || !armijo(p) || (i > 0 && p.f >= prev.f)) {
      return zoom(prev, p);
    }
    if (curvature(p)) return accept(p);
    if (p.g >= 0.0) return zoom(p, prev);
    if (a >= step_max) return accept(p);
    prev = p;
    // Extrapolate (the factor 4 is MINPACK-2's dcsrch upper extrapolation).
    a = std::min(4.0 * a, step_max);
  }
  return give_up();
}

LineSearchResult projected_backtracking(const LineFunction& psi, double f0, double step0,
                                        std::int64_t max_evaluations, double c1) {
  LineSearchResult r;
  double a = step0;
  while (r.evaluations < max_evaluations) {
    double predicted = 0.0;
    const double f = psi(a, &predicted);
    r.last_step = a;
    ++r.evaluations;
    if (std::isfinite(f) && predicted < 0.0 && f <= f0 + c1 * predicted) {
      r.ok = true;
      r.step = a;
      r.f = f;
      return r;
    }
    a *= 0.5;
  }
  return r;
}

}  // namespace mlarsenal::linear::detail
