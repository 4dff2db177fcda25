#include "mlarsenal/linear/saga.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/random.hpp"

namespace mlarsenal::linear {
namespace {

// scale_w below this is folded back into the weights: v = w / scale_w grows
// like 1 / scale_w and would lose precision (or overflow) otherwise.
constexpr double kMinWeightScale = 1e-9;

double soft_threshold(double v, double t) {
  return v > t ? v - t : (v < -t ? v + t : 0.0);
}

// v (scaled coordinates) after the steps (from, to] of the current segment,
// during which its average gradient a stayed constant. G[t] is the running
// sum of gamma_t = eta / scale_w(t), so step t is
// v <- soft(v - gamma_t a, l1 gamma_t), gamma_t = G[t] - G[t - 1].
double replay_steps(double v, double a, double l1, const double* G, std::int64_t from,
                    std::int64_t to) {
  if (l1 == 0.0) return v - a * (G[to] - G[from]);
  std::int64_t s = from;
  while (s < to) {
    if (v == 0.0) {
      if (std::abs(a) <= l1) return 0.0;  // zero is a fixed point of every step
      const double gamma = G[s + 1] - G[s];
      v = soft_threshold(-gamma * a, l1 * gamma);
      ++s;
      continue;
    }
    // While v keeps its sign the threshold is a shift: v -= rate * gamma.
    const double rate = v > 0.0 ? a + l1 : a - l1;
    const bool toward_zero = v > 0.0 ? rate > 0.0 : rate < 0.0;
    if (!toward_zero) return v - rate * (G[to] - G[s]);
    // The shifted value reaches zero once G[u] >= G[s] + v / rate; step u
    // is then taken exactly (it may stop at zero or cross it).
    const double target = G[s] + v / rate;
    const double* hit = std::lower_bound(G + s + 1, G + to + 1, target);
    const std::int64_t u = hit - G;
    if (u > to) return v - rate * (G[to] - G[s]);
    v -= rate * (G[u - 1] - G[s]);
    const double gamma = G[u] - G[u - 1];
    v = soft_threshold(v - gamma * a, l1 * gamma);
    s = u;
  }
  return v;
}

// Loss derivative with respect to the margins z (n_outputs of them), in place.
void margin_residuals(double* z, std::int64_t n_outputs, std::int32_t label) {
  if (n_outputs == 1) {
    const double p =
        z[0] >= 0.0 ? 1.0 / (1.0 + std::exp(-z[0])) : std::exp(z[0]) / (1.0 + std::exp(z[0]));
    z[0] = p - static_cast<double>(label);
    return;
  }
  const double top = *std::max_element(z, z + n_outputs);
  double total = 0.0;
  for (std::int64_t k = 0; k < n_outputs; ++k) {
    z[k] = std::exp(z[k] - top);
    total += z[k];
  }
  for (std::int64_t k = 0; k < n_outputs; ++k) z[k] /= total;
  z[label] -= 1.0;
}

// Calls fn(j, x_ij) for every stored entry of row i (every column when dense).
template <class T, class Fn>
void for_each_entry(const RowMatrix<T>& X, std::int64_t i, Fn&& fn) {
  if (X.sparse()) {
    for (std::int64_t k = X.indptr[i]; k < X.indptr[i + 1]; ++k) {
      fn(X.indices[k], static_cast<double>(X.values[k]));
    }
    return;
  }
  const T* row = X.values + i * X.row_stride;
  for (std::int64_t j = 0; j < X.cols; ++j) fn(j, static_cast<double>(row[j]));
}

void check_inputs(std::int64_t n, const std::int32_t* y, const double* sample_weight,
                  const SagaOptions& o) {
  require(n >= 1, "X must have at least one row");
  require(o.n_classes >= 2, "n_classes must be >= 2");
  require(std::isfinite(o.scale) && o.scale > 0.0, "scale must be a finite number > 0");
  require(std::isfinite(o.l2) && o.l2 >= 0.0, "l2 must be a finite number >= 0");
  require(std::isfinite(o.l1) && o.l1 >= 0.0, "l1 must be a finite number >= 0");
  require(std::isfinite(o.tol) && o.tol >= 0.0, "tol must be a finite number >= 0");
  require(o.max_iter >= 0, "max_iter must be >= 0");
  for (std::int64_t i = 0; i < n; ++i) {
    require(y[i] >= 0 && y[i] < o.n_classes, "y: class code " + std::to_string(y[i]) +
                                                 " out of range [0, " +
                                                 std::to_string(o.n_classes) + ")");
    if (sample_weight) {
      require(std::isfinite(sample_weight[i]) && sample_weight[i] >= 0.0,
              "sample_weight must be finite and >= 0");
    }
  }
}

// The solver's state; weights are w = weight_scale * v, per feature the
// n_outputs entries side by side (a row touches them together).
template <class T>
class Saga {
 public:
  Saga(const RowMatrix<T>& X, const std::int32_t* y, const double* sample_weight,
       const SagaOptions& o, const double* coef0)
      : X_(X),
        y_(y),
        sample_weight_(sample_weight),
        o_(o),
        n_(X.rows),
        d_(X.cols),
        K_(o.n_classes == 2 ? 1 : o.n_classes),
        v_(static_cast<std::size_t>(d_ * K_)),
        average_(v_.size(), 0.0),
        intercept_(static_cast<std::size_t>(K_), 0.0),
        average_intercept_(intercept_.size(), 0.0),
        memory_(static_cast<std::size_t>(n_ * K_), 0.0),
        last_(static_cast<std::size_t>(d_), 0),
        G_(static_cast<std::size_t>(n_ + 1), 0.0),
        margins_(intercept_.size()),
        delta_(intercept_.size()) {
    const std::int64_t stride = d_ + (o.fit_intercept ? 1 : 0);
    for (std::int64_t k = 0; k < K_; ++k) {
      for (std::int64_t j = 0; j < d_; ++j) v_[j * K_ + k] = coef0[k * stride + j];
      if (o.fit_intercept) intercept_[k] = coef0[k * stride + d_];
    }
    eta_ = step_size();
    shrink_ = 1.0 - eta_ * o.l2;
  }

  double eta() const { return eta_; }

  // One epoch of n draws; returns the largest coefficient change over the
  // largest coefficient (0/0 -> 0).
  double epoch(Random& rng) {
    std::vector<double> before = coefficients();
    for (std::int64_t draw = 0; draw < n_; ++draw) {
      step(static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(n_))));
    }
    flush();
    const std::vector<double> after = coefficients();
    double change = 0.0, largest = 0.0;
    for (std::size_t p = 0; p < after.size(); ++p) {
      change = std::max(change, std::abs(after[p] - before[p]));
      largest = std::max(largest, std::abs(after[p]));
    }
    if (largest == 0.0) return change == 0.0 ? 0.0 : INFINITY;
    return change / largest;
  }

  // Per output: the feature weights, then the intercept when fitted.
  void write(double* coef) {
    flush();
    const std::int64_t stride = d_ + (o_.fit_intercept ? 1 : 0);
    for (std::int64_t k = 0; k < K_; ++k) {
      for (std::int64_t j = 0; j < d_; ++j) coef[k * stride + j] = v_[j * K_ + k];
      if (o_.fit_intercept) coef[k * stride + d_] = intercept_[k];
    }
  }

 private:
  double row_weight(std::int64_t i) const {
    return static_cast<double>(n_) * o_.scale * (sample_weight_ ? sample_weight_[i] : 1.0);
  }

  double step_size() const {
    const double bias = o_.fit_intercept ? 1.0 : 0.0;
    double largest = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) {
      largest = std::max(largest, row_weight(i) * (X_.squared_norm(i) + bias));
    }
    const double L = 0.25 * largest + o_.l2;
    // All rows weightless (caught in Python) or all zero without intercept:
    // any step is a fixed point; keep it finite.
    if (!(L > 0.0)) return 1.0;
    const double mu_n = std::min(2.0 * static_cast<double>(n_) * o_.l2, L);
    return 1.0 / (2.0 * L + mu_n);
  }

  std::vector<double> coefficients() const {
    std::vector<double> c(v_.size() + intercept_.size());
    for (std::size_t p = 0; p < v_.size(); ++p) c[p] = weight_scale_ * v_[p];
    std::copy(intercept_.begin(), intercept_.end(), c.begin() + v_.size());
    return c;
  }

  // Feature j's weights brought from step last_[j] to step `to`.
  void catch_up(std::int64_t j, std::int64_t to) {
    const std::int64_t from = last_[j];
    if (from >= to) return;
    const double inv_n = 1.0 / static_cast<double>(n_);
    for (std::int64_t k = 0; k < K_; ++k) {
      double& v = v_[j * K_ + k];
      v = replay_steps(v, average_[j * K_ + k] * inv_n, o_.l1, G_.data(), from, to);
    }
    last_[j] = to;
  }

  // Every weight up to date, weight_scale_ folded in, a new segment begun.
  void flush() {
    for (std::int64_t j = 0; j < d_; ++j) catch_up(j, t_);
    for (double& v : v_) v *= weight_scale_;
    weight_scale_ = 1.0;
    std::fill(last_.begin(), last_.end(), 0);
    t_ = 0;
  }

  void step(std::int64_t i) {
    const std::int64_t t = ++t_;
    if (X_.sparse()) {
      for_each_entry(X_, i, [&](std::int64_t j, double) { catch_up(j, t - 1); });
    }
    double* z = margins_.data();
    if (K_ == 1) {
      z[0] = weight_scale_ * X_.dot(i, v_.data()) + intercept_[0];
    } else {
      std::fill(margins_.begin(), margins_.end(), 0.0);
      for_each_entry(X_, i, [&](std::int64_t j, double x) {
        const double* v = &v_[j * K_];
        for (std::int64_t k = 0; k < K_; ++k) z[k] += x * v[k];
      });
      for (std::int64_t k = 0; k < K_; ++k) z[k] = weight_scale_ * z[k] + intercept_[k];
    }
    margin_residuals(z, K_, y_[i]);
    const double w_i = row_weight(i);
    double* memory = &memory_[i * K_];
    for (std::int64_t k = 0; k < K_; ++k) {
      const double g = w_i * z[k];
      delta_[k] = g - memory[k];
      memory[k] = g;
    }

    weight_scale_ *= shrink_;
    const double gamma = eta_ / weight_scale_;
    G_[t] = G_[t - 1] + gamma;
    const double inv_n = 1.0 / static_cast<double>(n_);
    // SAGA's unbiased correction: the new minus the remembered gradient,
    // less the 1/n of it already in the updated average.
    const double correction = 1.0 - inv_n;
    const double threshold = o_.l1 * gamma;
    const double* delta = delta_.data();
    for_each_entry(X_, i, [&](std::int64_t j, double x) {
      double* a = &average_[j * K_];
      double* v = &v_[j * K_];
      for (std::int64_t k = 0; k < K_; ++k) {
        const double dx = delta[k] * x;
        a[k] += dx;
        const double moved = v[k] - gamma * (a[k] * inv_n + correction * dx);
        v[k] = threshold > 0.0 ? soft_threshold(moved, threshold) : moved;
      }
      last_[j] = t;
    });
    if (o_.fit_intercept) {
      for (std::int64_t k = 0; k < K_; ++k) {
        average_intercept_[k] += delta[k];
        intercept_[k] -= eta_ * (average_intercept_[k] * inv_n + correction * delta[k]);
      }
    }
    if (weight_scale_ < kMinWeightScale) flush();
  }

  const RowMatrix<T>& X_;
  const std::int32_t* y_;
  const double* sample_weight_;
  const SagaOptions& o_;
  std::int64_t n_, d_, K_;
  std::vector<double> v_;        // d x K, scaled by weight_scale_
  std::vector<double> average_;  // d x K: sum_i memory_i x_i
  std::vector<double> intercept_;
  std::vector<double> average_intercept_;  // K: sum_i memory_i
  std::vector<double> memory_;             // n x K per-row gradients (times row weight)
  std::vector<std::int64_t> last_;         // per feature: the step its weights are at
  std::vector<double> G_;                  // G_[t] = sum of gamma over steps 1..t of the segment
  std::vector<double> margins_, delta_;
  double weight_scale_ = 1.0;
  double eta_ = 0.0;
  double shrink_ = 1.0;
  std::int64_t t_ = 0;  // steps taken in the current segment (<= n)
};

}  // namespace

template <class T>
SagaResult fit_logistic_saga(const RowMatrix<T>& X, const std::int32_t* y,
                             const double* sample_weight, const SagaOptions& options,
                             double* coef) {
  X.check();
  check_inputs(X.rows, y, sample_weight, options);
  Saga<T> saga(X, y, sample_weight, options, coef);
  Random rng(options.seed);
  SagaResult result;
  result.step_size = saga.eta();
  for (std::int64_t epoch = 1; epoch <= options.max_iter; ++epoch) {
    result.n_iter = epoch;
    if (saga.epoch(rng) <= options.tol) {
      result.converged = true;
      break;
    }
  }
  saga.write(coef);
  return result;
}

template SagaResult fit_logistic_saga<float>(const RowMatrix<float>&, const std::int32_t*,
                                             const double*, const SagaOptions&, double*);
template SagaResult fit_logistic_saga<double>(const RowMatrix<double>&, const std::int32_t*,
                                              const double*, const SagaOptions&, double*);

}  // namespace mlarsenal::linear
