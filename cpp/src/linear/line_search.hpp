// Line searches used by minimize_lbfgs (private to cpp/src/linear).
//
// phi(a) evaluates the objective at the trial point for step a, returns its
// value and writes the directional derivative; a non-finite value means the
// step is too long. Neither search owns the trial point: the caller keeps the
// point of the last evaluation, and `last_step` tells it which step that was.
#pragma once

#include <cstdint>
#include <functional>

namespace mlarsenal::linear::detail {

using LineFunction = std::function<double(double step, double* derivative)>;

struct LineSearchResult {
  bool ok = false;         // an acceptable step was found
  double step = 0.0;       // the accepted step (0 when !ok)
  double f = 0.0;          // objective at `step`
  double last_step = 0.0;  // step of the last evaluation
  std::int64_t evaluations = 0;
};

// Strong Wolfe conditions f(a) <= f0 + c1 a g0 and |phi'(a)| <= c2 |g0|,
// by bracketing and zoom with safeguarded cubic interpolation (Nocedal &
// Wright, algorithms 3.5 and 3.6). g0 < 0 required. Steps never exceed
// step_max; a step reaching step_max with sufficient decrease is accepted.
// When the evaluations run out, a step with sufficient decrease found on the
// way is accepted (the caller's curvature check keeps the update safe).
LineSearchResult strong_wolfe(const LineFunction& phi, double f0, double g0, double step0,
                              double step_max, std::int64_t max_evaluations, double c1 = 1e-3,
                              double c2 = 0.9);

// Armijo backtracking along a projected path: psi(a) returns f at P(x + a d)
// and writes the predicted decrease g.(P(x + a d) - x) (negative for a
// descent path). Accepts the first a (halving from step0) with
// f(a) <= f0 + c1 * predicted(a).
LineSearchResult projected_backtracking(const LineFunction& psi, double f0, double step0,
                                        std::int64_t max_evaluations, double c1 = 1e-3);

}  // namespace mlarsenal::linear::detail
