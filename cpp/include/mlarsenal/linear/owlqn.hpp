// Orthant-wise limited-memory quasi-Newton (OWL-QN; Andrew & Gao, 2007).
//
// Minimises F(x) = f(x) + sum_i l1[i] |x_i| for a smooth f given as an
// Objective (value and gradient) and non-negative per-variable L1 weights
// (0 leaves a variable unpenalised, e.g. an intercept). F is not
// differentiable where some x_i = 0; OWL-QN works with its pseudo-gradient
// (the minimum-norm subgradient) and keeps each step inside one orthant:
//
// - direction: the L-BFGS two-loop product with the pseudo-gradient, with
//   every component whose sign disagrees with the steepest-descent
//   direction set to zero;
// - line search: backtracking on F along the path projected onto the orthant
//   of the current point (a variable that would cross zero stops at zero),
//   with an Armijo condition measured by the pseudo-gradient;
// - memory: pairs (s, y) of the smooth gradient, stored when s.y > eps y.y.
//
// Stopping: max |pseudo-gradient| <= gtol, a relative decrease of F <= ftol,
// or the iteration / evaluation limits (LbfgsOptions; maxls bounds the
// backtracking steps). The result's `fun` is F and `jac` the pseudo-gradient.
#pragma once

#include <cstdint>

#include "mlarsenal/linear/lbfgs.hpp"

namespace mlarsenal::linear {

// Throws InvalidArgument for n < 1, a negative or non-finite L1 weight, a
// non-finite x0, bad options, or non-finite objective values at the start or
// gradients anywhere; exceptions thrown by `fun` pass through unchanged.
LbfgsResult minimize_owlqn(const Objective& fun, const double* x0, std::int64_t n, const double* l1,
                           const LbfgsOptions& options);

}  // namespace mlarsenal::linear
