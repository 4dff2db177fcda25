#include "mlarsenal/linear/svm_primal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/linear/owlqn.hpp"
#include "svm_one_vs_rest.hpp"

namespace mlarsenal::linear {
namespace {

// Conjugate gradient stops at |r| <= eta * |g| with the forcing term
// eta = min(kCgTolerance, sqrt(|g| / |g_0|)): inexact steps while far from
// the optimum, superlinear convergence near it, so the last step lands well
// below the stopping threshold rather than just under it.
constexpr double kCgTolerance = 0.1;
// Armijo constant and the most halvings of the step before giving up (a
// failed search means round-off has the last word).
constexpr double kArmijo = 0.01;
constexpr int kMaxBacktracks = 30;

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t j = 0; j < a.size(); ++j) s += a[j] * b[j];
  return s;
}

double norm(const std::vector<double>& a) {
  return std::sqrt(dot(a, a));
}

// Row blocks of a reduction. The bounds depend on the item count and the
// width of the partial sums only, never on the thread count, which is what
// makes the block-ordered sum bit-identical across thread counts. Partial
// sums take blocks * width doubles; capping that at 32 MiB trades threads
// for memory on very wide (sparse) problems.
std::int64_t block_size(std::int64_t n, std::int64_t width) {
  constexpr std::int64_t kMinRowsPerBlock = 256;
  constexpr std::int64_t kMaxBlocks = 64;
  constexpr std::int64_t kMaxPartialDoubles = std::int64_t{1} << 22;
  std::int64_t count = std::min(kMaxBlocks, std::max<std::int64_t>(1, n / kMinRowsPerBlock));
  count = std::min(
      count, std::max<std::int64_t>(1, kMaxPartialDoubles / std::max<std::int64_t>(width, 1)));
  return std::max<std::int64_t>(1, (n + count - 1) / count);
}

// out = sum over blocks of [0, n) of what body(begin, end, partial) adds to
// its zeroed partial (width doubles), added in block order.
template <class Body>
void sum_over_blocks(std::int64_t n, std::int64_t width, int n_threads,
                     std::vector<double>& partials, double* out, Body&& body) {
  const std::int64_t size = block_size(n, width);
  const std::int64_t blocks = num_blocks(n, size);
  partials.assign(static_cast<std::size_t>(blocks * width), 0.0);
  parallel_for_blocks(n, size, n_threads,
                      [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
                        body(begin, end, partials.data() + b * width);
                      });
  std::fill(out, out + width, 0.0);
  for (std::int64_t b = 0; b < blocks; ++b) {
    const double* part = partials.data() + b * width;
    for (std::int64_t j = 0; j < width; ++j) out[j] += part[j];
  }
}

// The rows of one binary problem that carry weight (C_i > 0), with their
// labels and costs, and the row sums both solvers need. Variables are the
// cols weights followed by w_b, the weight of the constant column B.
template <class T>
class SquaredHingeRows {
 public:
  SquaredHingeRows(const RowMatrix<T>& X, const std::int8_t* sign, const double* cost, double B,
                   int n_threads)
      : X_(X), B_(B), d_(X.cols), n_threads_(n_threads) {
    for (std::int64_t i = 0; i < X.rows; ++i) {
      if (!(cost[i] > 0.0)) continue;
      row_.push_back(i);
      y_.push_back(sign[i]);
      c_.push_back(cost[i]);
    }
  }

  std::int64_t rows() const { return static_cast<std::int64_t>(row_.size()); }
  std::int64_t vars() const { return d_ + 1; }

  // out[k] = y_k * (x_k . v + B * v_b) for every kept row k.
  void margins(const double* v, double* out) const {
    parallel_for_blocks(rows(), block_size(rows(), 1), n_threads_,
                        [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                          for (std::int64_t k = begin; k < end; ++k) out[k] = y_[k] * dot_row(k, v);
                        });
  }

  // sum_k C_k * max(0, 1 - z_k - step * dz_k)^2: the loss along a line from
  // margins z in direction dz (dz may be null for step 0).
  double loss(const std::vector<double>& z, double step, const std::vector<double>& dz) const {
    double s = 0.0;
    for (std::int64_t k = 0; k < rows(); ++k) {
      const double slack = 1.0 - z[k] - (step == 0.0 ? 0.0 : step * dz[k]);
      if (slack > 0.0) s += c_[k] * slack * slack;
    }
    return s;
  }

  // The loss's gradient -2 sum_{k in active} C_k y_k (1 - z_k) x_k into
  // grad, and the diagonal of its generalised Hessian 2 sum C_k x_kj^2 into
  // diag (both vars() doubles).
  void active_gradient(const std::vector<double>& z, const std::vector<std::int64_t>& active,
                       double* grad, double* diag) const {
    const std::int64_t n = vars();
    sum_over_blocks(static_cast<std::int64_t>(active.size()), 2 * n, n_threads_, partials_,
                    scratch(2 * n), [&](std::int64_t begin, std::int64_t end, double* part) {
                      for (std::int64_t a = begin; a < end; ++a) {
                        const std::int64_t k = active[a];
                        add_row(k, -2.0 * c_[k] * y_[k] * (1.0 - z[k]), part);
                        add_squared_row(k, 2.0 * c_[k], part + n);
                      }
                    });
    std::copy(scratch_.begin(), scratch_.begin() + n, grad);
    std::copy(scratch_.begin() + n, scratch_.begin() + 2 * n, diag);
  }

  // out = 2 sum_{k in active} C_k (x_k . v) x_k: the loss part of the
  // generalised Hessian times v. Each row is read once: its dot product and
  // its update run back to back while it is in cache.
  void active_hessian_product(const std::vector<std::int64_t>& active, const double* v,
                              double* out) const {
    sum_over_blocks(static_cast<std::int64_t>(active.size()), vars(), n_threads_, partials_, out,
                    [&](std::int64_t begin, std::int64_t end, double* part) {
                      for (std::int64_t a = begin; a < end; ++a) {
                        const std::int64_t k = active[a];
                        add_row(k, 2.0 * c_[k] * dot_row(k, v), part);
                      }
                    });
  }

  // The loss at w and its gradient, in one pass over the rows (OWL-QN).
  double value_and_gradient(const double* w, double* grad) const {
    const std::int64_t n = vars();
    // The loss rides along as one more column of the partial sums.
    double* sums = scratch(n + 1);
    sum_over_blocks(rows(), n + 1, n_threads_, partials_, sums,
                    [&](std::int64_t begin, std::int64_t end, double* part) {
                      for (std::int64_t k = begin; k < end; ++k) {
                        const double slack = 1.0 - y_[k] * dot_row(k, w);
                        if (!(slack > 0.0)) continue;
                        part[n] += c_[k] * slack * slack;
                        add_row(k, -2.0 * c_[k] * y_[k] * slack, part);
                      }
                    });
    std::copy(sums, sums + n, grad);
    return sums[n];
  }

 private:
  double dot_row(std::int64_t k, const double* v) const { return X_.dot(row_[k], v) + B_ * v[d_]; }
  void add_row(std::int64_t k, double a, double* out) const {
    X_.axpy(row_[k], a, out);
    out[d_] += a * B_;
  }
  void add_squared_row(std::int64_t k, double a, double* out) const {
    const std::int64_t i = row_[k];
    if (X_.sparse()) {
      for (std::int64_t e = X_.indptr[i]; e < X_.indptr[i + 1]; ++e) {
        const double x = X_.values[e];
        out[X_.indices[e]] += a * x * x;
      }
    } else {
      const T* x = X_.values + i * X_.row_stride;
      for (std::int64_t j = 0; j < d_; ++j) out[j] += a * static_cast<double>(x[j]) * x[j];
    }
    out[d_] += a * B_ * B_;
  }
  double* scratch(std::int64_t n) const {
    scratch_.resize(static_cast<std::size_t>(n));
    return scratch_.data();
  }

  const RowMatrix<T>& X_;
  double B_;
  std::int64_t d_;
  int n_threads_;
  std::vector<std::int64_t> row_;
  std::vector<double> y_, c_;
  // Reused buffers of the reductions: one problem is solved by one caller.
  mutable std::vector<double> partials_, scratch_;
};

// Preconditioned conjugate gradient on (I + H_loss) s = -g with the
// preconditioner diag(1 + h_diag); stops at |r| <= forcing * |g|.
template <class T>
void newton_direction(const SquaredHingeRows<T>& P, const std::vector<std::int64_t>& active,
                      const std::vector<double>& h_diag, const std::vector<double>& g,
                      double forcing, std::vector<double>& s) {
  const std::size_t n = g.size();
  std::vector<double> r(n), z(n), d(n), Hd(n);
  for (std::size_t j = 0; j < n; ++j) {
    r[j] = -g[j];
    z[j] = r[j] / (1.0 + h_diag[j]);
  }
  d = z;
  s.assign(n, 0.0);
  double rz = dot(r, z);
  const double stop = forcing * norm(g);
  for (std::size_t it = 0; it < n && norm(r) > stop; ++it) {
    P.active_hessian_product(active, d.data(), Hd.data());
    for (std::size_t j = 0; j < n; ++j) Hd[j] += d[j];
    const double dHd = dot(d, Hd);
    if (!(dHd > 0.0)) break;
    const double alpha = rz / dHd;
    for (std::size_t j = 0; j < n; ++j) {
      s[j] += alpha * d[j];
      r[j] -= alpha * Hd[j];
      z[j] = r[j] / (1.0 + h_diag[j]);
    }
    const double rz_next = dot(r, z);
    const double beta = rz_next / rz;
    rz = rz_next;
    for (std::size_t j = 0; j < n; ++j) d[j] = z[j] + beta * d[j];
  }
}

template <class T>
std::int64_t solve_l2(const SquaredHingeRows<T>& P, double eps, std::int64_t max_iter,
                      std::vector<double>& w) {
  const std::int64_t n = P.vars();
  const std::int64_t l = P.rows();
  w.assign(static_cast<std::size_t>(n), 0.0);
  // Margins are kept up to date from X p (already needed by the line
  // search), so no pass over X recomputes them.
  std::vector<double> z(static_cast<std::size_t>(l), 0.0), dz(static_cast<std::size_t>(l));
  std::vector<double> g(static_cast<std::size_t>(n)), h_diag(static_cast<std::size_t>(n)), p;
  std::vector<std::int64_t> active;
  auto refresh_gradient = [&] {
    active.clear();
    for (std::int64_t k = 0; k < l; ++k)
      if (z[k] < 1.0) active.push_back(k);
    P.active_gradient(z, active, g.data(), h_diag.data());
    for (std::int64_t j = 0; j < n; ++j) g[j] += w[j];
  };
  double f = P.loss(z, 0.0, dz);
  refresh_gradient();
  const double g0 = norm(g);
  std::int64_t iter = 0;
  while (iter < max_iter && norm(g) > eps * g0) {
    newton_direction(P, active, h_diag, g, std::min(kCgTolerance, std::sqrt(norm(g) / g0)), p);
    P.margins(p.data(), dz.data());
    const double ww = dot(w, w), wp = dot(w, p), pp = dot(p, p), gp = dot(g, p);
    if (!(gp < 0.0)) break;
    double step = 1.0, f_next = f;
    bool accepted = false;
    for (int t = 0; t < kMaxBacktracks; ++t, step *= 0.5) {
      f_next = 0.5 * (ww + step * (2.0 * wp + step * pp)) + P.loss(z, step, dz);
      if (f_next <= f + kArmijo * step * gp) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    for (std::int64_t j = 0; j < n; ++j) w[j] += step * p[j];
    for (std::int64_t k = 0; k < l; ++k) z[k] += step * dz[k];
    f = f_next;
    refresh_gradient();
    ++iter;
  }
  return iter;
}

template <class T>
std::int64_t solve_l1(const SquaredHingeRows<T>& P, double eps, std::int64_t max_iter,
                      std::vector<double>& w) {
  const std::int64_t n = P.vars();
  w.assign(static_cast<std::size_t>(n), 0.0);
  // At w = 0 the pseudo-gradient of a unit L1 weight is the gradient shrunk
  // by 1 towards 0; when nothing is left, w = 0 is the optimum.
  std::vector<double> g0(static_cast<std::size_t>(n));
  P.value_and_gradient(w.data(), g0.data());
  // liblinear's l1 solver compares 1-norms of the pseudo-gradient; OWL-QN
  // tests its largest component, against the same eps * |pg_0|_1.
  double pg0 = 0.0;
  for (double v : g0) pg0 += std::max(0.0, std::abs(v) - 1.0);
  if (!(pg0 > 0.0) || max_iter == 0) return 0;
  const std::vector<double> l1(static_cast<std::size_t>(n), 1.0);
  const double gtol = eps * pg0;
  LbfgsOptions o;
  o.gtol = gtol;
  // No relative-decrease test: a step cut short where a weight reaches zero
  // decreases F very little without being near the optimum.
  o.ftol = 0.0;
  o.maxfun = std::max<std::int64_t>(o.maxfun, 20 * max_iter);
  const Objective fun = [&](const double* x, double* grad) {
    return P.value_and_gradient(x, grad);
  };
  std::int64_t iter = 0;
  double F = std::numeric_limits<double>::infinity();
  while (true) {
    o.maxiter = max_iter - iter;
    const LbfgsResult result = minimize_owlqn(fun, w.data(), n, l1.data(), o);
    iter += result.nit;
    w = result.x;
    if (result.status == LbfgsStatus::limit_reached) return max_iter;
    double pg = 0.0;
    for (double v : result.jac) pg = std::max(pg, std::abs(v));
    // A stalled search (round-off, or curvature pairs from a different
    // orthant) restarts with an empty memory while that still lowers F.
    if (pg <= gtol || !(result.fun < F) || iter >= max_iter) break;
    F = result.fun;
  }
  return iter;
}

}  // namespace

template <class T>
std::int64_t solve_primal_svm(const RowMatrix<T>& X, const std::int8_t* sign, const double* cost,
                              const PrimalSvmOptions& options, int n_threads, double* w_out) {
  const double B = options.intercept_scaling;
  std::int64_t n_pos = 0;
  for (std::int64_t i = 0; i < X.rows; ++i) n_pos += sign[i] > 0 ? 1 : 0;
  const std::int64_t n_neg = X.rows - n_pos;
  const double eps = options.tol *
                     static_cast<double>(std::max<std::int64_t>(std::min(n_pos, n_neg), 1)) /
                     static_cast<double>(std::max<std::int64_t>(X.rows, 1));
  const SquaredHingeRows<T> P(X, sign, cost, B, n_threads);
  std::vector<double> w;
  const std::int64_t iter = options.penalty == SvmPenalty::l2
                                ? solve_l2(P, eps, options.max_iter, w)
                                : solve_l1(P, eps, options.max_iter, w);
  const std::int64_t d = X.cols;
  for (std::int64_t j = 0; j < d; ++j) w_out[j] = w[j];
  w_out[d] = B * w[d];
  return iter;
}

template <class T>
void fit_linear_svc_primal(const RowMatrix<T>& X, const std::int32_t* y, std::int64_t n_classes,
                           const double* row_cost, const double* class_weight,
                           const PrimalSvmOptions& options, int n_threads, double* coef,
                           std::int64_t* n_iter) {
  detail::check_svc_inputs(X, y, n_classes, row_cost, options.tol, options.max_iter,
                           options.intercept_scaling);
  // Problems first (they share nothing), then the rest of the threads to
  // each problem's row sums; neither choice changes a result.
  const std::int64_t n_problems = n_classes == 2 ? 1 : n_classes;
  const int threads = resolve_threads(n_threads);
  const int outer = static_cast<int>(std::min<std::int64_t>(n_problems, threads));
  const int inner = std::max(1, threads / std::max(outer, 1));
  detail::for_each_svc_problem(
      X, y, n_classes, row_cost, class_weight, outer, coef, n_iter,
      [&](std::int64_t, const std::int8_t* sign, const double* cost, double* w) {
        return solve_primal_svm(X, sign, cost, options, inner, w);
      });
}

template std::int64_t solve_primal_svm<float>(const RowMatrix<float>&, const std::int8_t*,
                                              const double*, const PrimalSvmOptions&, int, double*);
template std::int64_t solve_primal_svm<double>(const RowMatrix<double>&, const std::int8_t*,
                                               const double*, const PrimalSvmOptions&, int,
                                               double*);
template void fit_linear_svc_primal<float>(const RowMatrix<float>&, const std::int32_t*,
                                           std::int64_t, const double*, const double*,
                                           const PrimalSvmOptions&, int, double*, std::int64_t*);
template void fit_linear_svc_primal<double>(const RowMatrix<double>&, const std::int32_t*,
                                            std::int64_t, const double*, const double*,
                                            const PrimalSvmOptions&, int, double*, std::int64_t*);

}  // namespace mlarsenal::linear
