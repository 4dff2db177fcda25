// Limited-memory BFGS with simple bounds (projected L-BFGS).
//
// Minimises f(x) over the box lower <= x <= upper (either bound may be
// infinite) from a double-precision objective that returns f(x) and writes
// its gradient. The method, documented in docs/developer/linear_models.md:
//
// - Variables at a bound whose gradient points out of the box are fixed for
//   the iteration; the search direction is the two-loop L-BFGS product on the
//   free variables.
// - When the first step stays inside the box, a strong-Wolfe line search
//   (bracketing and safeguarded cubic interpolation) runs along the direction,
//   never past the first bound it meets; when the first step would leave the
//   box, an Armijo backtracking search runs along the projected path
//   P(x + a d), which lands variables exactly on their bounds.
// - Curvature pairs with s.y <= eps * y.y are skipped, which keeps the
//   inverse-Hessian approximation positive definite.
//
// Stopping rules follow scipy's L-BFGS-B: the infinity norm of the projected
// gradient <= gtol, or a relative decrease (f_k - f_{k+1}) / max(|f_k|,
// |f_{k+1}|, 1) <= ftol, or the iteration / evaluation limits.
//
// Thread-safety: minimize_lbfgs keeps all state on its own stack; the
// objective is called from the calling thread only, one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mlarsenal::linear {

// f(x) -> value; writes the gradient to grad (both of length n, owned by the
// solver, valid during the call only). A non-finite value is treated as "step
// too long" inside a line search; a non-finite value at the start, or a
// non-finite gradient anywhere, stops the solver with InvalidArgument.
using Objective = std::function<double(const double* x, double* grad)>;

struct LbfgsOptions {
  std::int64_t maxcor = 10;             // curvature pairs kept (the "m" of L-BFGS)
  double ftol = 2.220446049250313e-09;  // scipy's default factr * eps
  double gtol = 1e-5;                   // on max |projected gradient|
  std::int64_t maxiter = 15000;
  std::int64_t maxfun = 15000;  // objective evaluations
  std::int64_t maxls = 20;      // evaluations per line search
};

enum class LbfgsStatus : int {
  converged = 0,      // gtol or ftol met
  limit_reached = 1,  // maxiter or maxfun
  abnormal = 2,       // the line search found no acceptable step
};

struct LbfgsResult {
  std::vector<double> x;
  double fun = 0.0;
  std::vector<double> jac;
  std::int64_t nit = 0;   // iterations (accepted steps)
  std::int64_t nfev = 0;  // objective evaluations
  LbfgsStatus status = LbfgsStatus::converged;
  std::string message;
};

// lower / upper: n entries each, or nullptr for no bound on that side
// (entries may be -inf / +inf). x0 is projected into the box first.
// Throws InvalidArgument for n < 1, lower > upper, bad options, or
// non-finite values as described above; exceptions thrown by `fun` pass
// through unchanged.
LbfgsResult minimize_lbfgs(const Objective& fun, const double* x0, std::int64_t n,
                           const double* lower, const double* upper, const LbfgsOptions& options);

}  // namespace mlarsenal::linear
