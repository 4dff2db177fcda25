#include "mlarsenal/linear/sgd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/random.hpp"

namespace mlarsenal::linear {
namespace {

// The scale factor of the weights is folded back into them below this, well
// before repeated shrinking could underflow it.
constexpr double kMinScale = 1e-9;
// A single step's loss derivative is clipped to this: one outlier row with a
// huge margin must not throw the weights to infinity.
constexpr double kMaxDerivative = 1e12;

struct LossValue {
  double loss;
  double derivative;  // dL/dp
};

// L(y, p) and dL/dp; y is +-1 for the classification losses.
inline LossValue evaluate_loss(SgdLoss loss, double epsilon, double y, double p) {
  switch (loss) {
    case SgdLoss::hinge:
    case SgdLoss::perceptron: {
      const double threshold = loss == SgdLoss::hinge ? 1.0 : 0.0;
      const double z = p * y;
      return z <= threshold ? LossValue{threshold - z, -y} : LossValue{0.0, 0.0};
    }
    case SgdLoss::squared_hinge: {
      const double z = 1.0 - p * y;
      return z > 0.0 ? LossValue{z * z, -2.0 * y * z} : LossValue{0.0, 0.0};
    }
    case SgdLoss::log_loss: {
      const double z = p * y;
      // log(1 + e^-z) and its derivative without overflow for large |z|.
      if (z > 18.0) return {std::exp(-z), -y * std::exp(-z)};
      if (z < -18.0) return {-z, -y};
      return {std::log1p(std::exp(-z)), -y / (std::exp(z) + 1.0)};
    }
    case SgdLoss::modified_huber: {
      const double z = p * y;
      if (z >= 1.0) return {0.0, 0.0};
      if (z >= -1.0) return {(1.0 - z) * (1.0 - z), -2.0 * (1.0 - z) * y};
      return {-4.0 * z, -4.0 * y};
    }
    case SgdLoss::squared_error: {
      const double r = p - y;
      return {0.5 * r * r, r};
    }
    case SgdLoss::huber: {
      const double r = p - y;
      if (std::abs(r) <= epsilon) return {0.5 * r * r, r};
      return {epsilon * std::abs(r) - 0.5 * epsilon * epsilon, r > 0.0 ? epsilon : -epsilon};
    }
    case SgdLoss::epsilon_insensitive: {
      const double r = y - p;
      const double excess = std::abs(r) - epsilon;
      if (excess <= 0.0) return {0.0, 0.0};
      return {excess, r > 0.0 ? -1.0 : 1.0};
    }
    case SgdLoss::squared_epsilon_insensitive: {
      const double r = y - p;
      const double excess = std::abs(r) - epsilon;
      if (excess <= 0.0) return {0.0, 0.0};
      return {excess * excess, r > 0.0 ? -2.0 * excess : 2.0 * excess};
    }
  }
  return {0.0, 0.0};
}

// The weight vector w = scale * v, so the l2 shrink of every weight is one
// multiplication of `scale`; and the running average as avg = p * u + q * v,
// so that averaging costs O(nnz) per row too (the scalars p, q absorb the
// dense part of each averaging step).
class ScaledWeights {
 public:
  ScaledWeights(double* coef, std::int64_t d, double* average, bool track_l1)
      : v_(coef), d_(d), avg_(average), track_l1_(track_l1) {
    recompute_norms();
  }

  double scale() const { return scale_; }
  double* v() { return v_; }
  std::int64_t size() const { return d_; }
  // |w|^2 and |w|_1 (the latter only when tracked).
  double squared_norm() const { return scale_ * scale_ * sq_; }
  double l1_norm() const { return std::abs(scale_) * l1_; }

  void recompute_norms() {
    sq_ = 0.0;
    l1_ = 0.0;
    for (std::int64_t j = 0; j < d_; ++j) {
      sq_ += v_[j] * v_[j];
      l1_ += std::abs(v_[j]);
    }
  }

  void shrink(double factor) {
    scale_ *= factor;
    if (scale_ < kMinScale) fold_scale();
  }

  // w += a * x_i, given vx = v . x_i and xx = |x_i|^2.
  template <class T>
  void add_row(const RowMatrix<T>& X, std::int64_t i, double a, double vx, double xx) {
    const double c = a / scale_;
    if (!track_l1_ && !averaging_) {
      X.axpy(i, c, v_);
      sq_ += 2.0 * c * vx + c * c * xx;
      return;
    }
    sq_ += 2.0 * c * vx + c * c * xx;
    if (!track_l1_) {
      X.axpy(i, c, v_);
      X.axpy(i, -c * q_ / p_, avg_);
      return;
    }
    for_each_feature(X, i, [&](std::int64_t j, double x) { change(j, v_[j] + c * x); });
  }

  // One averaging step with weight mu = 1 / k (k rows averaged so far).
  void average_step(std::int64_t k) {
    if (!averaging_ || k == 1) {
      // The average restarts as the current weights.
      averaging_ = true;
      std::fill(avg_, avg_ + d_, 0.0);
      p_ = 1.0;
      q_ = scale_;
      return;
    }
    const double mu = 1.0 / static_cast<double>(k);
    p_ *= 1.0 - mu;
    q_ = (1.0 - mu) * q_ + mu * scale_;
  }
  // Continues an average held in `average` (k > 1 rows already averaged).
  void resume_average() {
    averaging_ = true;
    p_ = 1.0;
    q_ = 0.0;
  }

  // Cumulative l1 penalty on the features of row i: `total` is the penalty
  // every weight should have received so far, received[j] what w_j has.
  template <class T>
  void l1_penalty(const RowMatrix<T>& X, std::int64_t i, double total, double* received) {
    for_each_feature(X, i, [&](std::int64_t j, double) {
      const double z = scale_ * v_[j];
      double target = z;
      if (z > 0.0) {
        target = std::max(0.0, z - (total + received[j]));
      } else if (z < 0.0) {
        target = std::min(0.0, z + (total - received[j]));
      }
      if (target == z) return;
      change(j, target / scale_);
      received[j] += target - z;
    });
  }

  // Writes w and the average back to the caller's arrays.
  void finish() {
    if (averaging_) {
      for (std::int64_t j = 0; j < d_; ++j) avg_[j] = p_ * avg_[j] + q_ * v_[j];
    }
    for (std::int64_t j = 0; j < d_; ++j) v_[j] *= scale_;
    scale_ = 1.0;
  }

  bool finite() const {
    for (std::int64_t j = 0; j < d_; ++j) {
      if (!std::isfinite(v_[j])) return false;
    }
    return std::isfinite(scale_);
  }

 private:
  // v_j <- value, keeping the norms and the average's representation.
  void change(std::int64_t j, double value) {
    const double old = v_[j];
    sq_ += value * value - old * old;
    l1_ += std::abs(value) - std::abs(old);
    if (averaging_) avg_[j] -= (q_ / p_) * (value - old);
    v_[j] = value;
  }

  template <class T, class Fn>
  static void for_each_feature(const RowMatrix<T>& X, std::int64_t i, Fn&& fn) {
    if (X.sparse()) {
      for (std::int64_t k = X.indptr[i]; k < X.indptr[i + 1]; ++k) {
        fn(X.indices[k], static_cast<double>(X.values[k]));
      }
    } else {
      const T* x = X.values + i * X.row_stride;
      for (std::int64_t j = 0; j < X.cols; ++j) fn(j, static_cast<double>(x[j]));
    }
  }

  void fold_scale() {
    if (scale_ == 0.0) {
      // avg = p u + q v loses its v part: move it into u first.
      if (averaging_) {
        for (std::int64_t j = 0; j < d_; ++j) avg_[j] += (q_ / p_) * v_[j];
        q_ = 0.0;
      }
      std::fill(v_, v_ + d_, 0.0);
      sq_ = l1_ = 0.0;
    } else {
      for (std::int64_t j = 0; j < d_; ++j) v_[j] *= scale_;
      if (averaging_) q_ /= scale_;
      sq_ *= scale_ * scale_;
      l1_ *= std::abs(scale_);
    }
    scale_ = 1.0;
  }

  double* v_;
  std::int64_t d_;
  double* avg_;
  bool track_l1_;
  double scale_ = 1.0;
  double sq_ = 0.0, l1_ = 0.0;  // |v|^2 and |v|_1, updated incrementally
  bool averaging_ = false;
  double p_ = 1.0, q_ = 0.0;
};

double initial_optimal_eta(const SgdOptions& o) {
  // scikit-learn's heuristic (after Bottou's sgd): start at a typical
  // weight size 1 / sqrt(sqrt(alpha)), divided by the loss slope there.
  const double typical = std::sqrt(1.0 / std::sqrt(o.alpha));
  const double slope = evaluate_loss(o.loss, o.epsilon, 1.0, -typical).derivative;
  return typical / std::max(1.0, slope);
}

template <class T>
double validation_score(const RowMatrix<T>& X, const SgdData& data, const double* y,
                        const ScaledWeights& w, const double* v, double b, bool classification) {
  double total = 0.0, hits = 0.0, sum_y = 0.0, sum_y2 = 0.0, sse = 0.0;
  for (std::int64_t r = 0; r < data.n_validation; ++r) {
    const std::int64_t i = data.validation_rows[r];
    const double s = data.sample_weight ? data.sample_weight[i] : 1.0;
    const double p = w.scale() * X.dot(i, v) + b;
    total += s;
    if (classification) {
      hits += ((p > 0.0) == (y[i] > 0.0)) ? s : 0.0;
    } else {
      sum_y += s * y[i];
      sum_y2 += s * y[i] * y[i];
      sse += s * (y[i] - p) * (y[i] - p);
    }
  }
  if (!(total > 0.0)) return 0.0;
  if (classification) return hits / total;
  const double variance = sum_y2 - sum_y * sum_y / total;
  if (!(variance > 0.0)) return sse == 0.0 ? 1.0 : 0.0;
  return 1.0 - sse / variance;
}

}  // namespace

template <class T>
std::int64_t run_sgd(const RowMatrix<T>& X, const SgdData& data, const SgdProblem& problem,
                     const SgdOptions& o, SgdState state) {
  const std::int64_t d = X.cols;
  const double l1_ratio = o.l1_ratio;
  const double reg = o.penalize ? o.alpha : 0.0;  // the penalty's strength
  const bool use_l1 = l1_ratio > 0.0 && reg > 0.0;
  const bool early_stopping = data.n_validation > 0;

  // The problem's targets.
  std::vector<double> labels;
  const double* y = data.target;
  if (data.codes) {
    labels.resize(static_cast<std::size_t>(X.rows));
    for (std::int64_t i = 0; i < X.rows; ++i)
      labels[i] = data.codes[i] == problem.positive ? 1.0 : -1.0;
    y = labels.data();
  }
  // |x_i|^2 keeps |w|^2 current after each step (the objective's l2 term).
  std::vector<double> row_norms;
  if (!early_stopping) {
    row_norms.resize(static_cast<std::size_t>(X.rows));
    for (std::int64_t r = 0; r < data.n_train; ++r) {
      const std::int64_t i = data.train_rows[r];
      row_norms[i] = X.squared_norm(i);
    }
  }

  const bool averaging = o.average > 0.0;
  ScaledWeights w(state.coef, d, state.average_coef, use_l1);
  double b = *state.intercept;
  double avg_b = averaging ? *state.average_intercept : 0.0;
  if (averaging && o.t_start > o.average) w.resume_average();

  std::vector<double> received;  // l1 penalty each weight has received
  if (use_l1) received.assign(static_cast<std::size_t>(d), 0.0);
  double total_l1 = 0.0;

  std::vector<std::int64_t> order(data.train_rows, data.train_rows + data.n_train);
  Random rng(problem.seed);
  const double optimal_start =
      o.learning_rate == LearningRate::optimal ? 1.0 / (initial_optimal_eta(o) * o.alpha) : 0.0;
  double eta = o.eta0;
  double t = o.t_start;
  double best = early_stopping ? -std::numeric_limits<double>::infinity()
                               : std::numeric_limits<double>::infinity();
  std::int64_t no_improvement = 0;
  std::int64_t epoch = 0;
  const double n_train = static_cast<double>(std::max<std::int64_t>(data.n_train, 1));

  while (epoch < o.max_iter) {
    if (o.shuffle) {
      for (std::int64_t s = data.n_train - 1; s > 0; --s) {
        std::swap(order[s], order[rng.below(static_cast<std::uint64_t>(s + 1))]);
      }
    }
    w.recompute_norms();
    double objective = 0.0;
    for (std::int64_t r = 0; r < data.n_train; ++r) {
      const std::int64_t i = order[r];
      const double vx = X.dot(i, w.v());
      const double p = w.scale() * vx + b;
      if (o.learning_rate == LearningRate::optimal) {
        eta = 1.0 / (o.alpha * (optimal_start + t - 1.0));
      } else if (o.learning_rate == LearningRate::invscaling) {
        eta = o.eta0 / std::pow(t, o.power_t);
      }
      const LossValue lv = evaluate_loss(o.loss, o.epsilon, y[i], p);
      if (!early_stopping) {
        objective += lv.loss;
        if (reg > 0.0) {
          objective += reg * ((1.0 - l1_ratio) * 0.5 * w.squared_norm() +
                              (use_l1 ? l1_ratio * w.l1_norm() : 0.0));
        }
      }
      const double derivative = std::clamp(lv.derivative, -kMaxDerivative, kMaxDerivative);
      const double class_weight = y[i] > 0.0 ? problem.weight_pos : problem.weight_neg;
      const double s = data.sample_weight ? data.sample_weight[i] : 1.0;
      const double update = -eta * derivative * class_weight * s;
      if (reg > 0.0 && l1_ratio < 1.0) {
        // Never a negative factor: a too-large step zeroes the weights instead.
        w.shrink(std::max(0.0, 1.0 - (1.0 - l1_ratio) * eta * reg));
      }
      if (update != 0.0) w.add_row(X, i, update, vx, early_stopping ? 0.0 : row_norms[i]);
      if (o.fit_intercept) b += update * o.intercept_decay;
      if (averaging && o.average <= t) {
        const auto k = static_cast<std::int64_t>(t - o.average + 1.0);
        w.average_step(k);
        avg_b += (b - avg_b) / static_cast<double>(k);
      }
      if (use_l1) {
        total_l1 += l1_ratio * eta * reg;
        w.l1_penalty(X, i, total_l1, received.data());
      }
      t += 1.0;
    }
    ++epoch;
    if (!w.finite() || !std::isfinite(b)) {
      throw InvalidArgument("Floating-point under-/overflow occurred at epoch #" +
                            std::to_string(epoch) +
                            ". Scaling input data with StandardScaler or MinMaxScaler might help.");
    }
    if (o.check_improvement) {
      if (early_stopping) {
        const double score = validation_score(X, data, y, w, w.v(), b, o.classification_score);
        no_improvement = score < best + o.tol ? no_improvement + 1 : 0;
        best = std::max(best, score);
      } else {
        const double mean = objective / n_train;
        no_improvement = mean > best - o.tol ? no_improvement + 1 : 0;
        best = std::min(best, mean);
      }
    }
    if (no_improvement >= o.n_iter_no_change) {
      if (o.learning_rate == LearningRate::adaptive && eta > 1e-6) {
        eta /= 5.0;
        no_improvement = 0;
      } else {
        break;
      }
    }
  }
  w.finish();
  *state.intercept = b;
  if (averaging) *state.average_intercept = avg_b;
  return epoch;
}

template <class T>
void fit_sgd(const RowMatrix<T>& X, const SgdData& data, const SgdProblem* problems,
             std::int64_t n_problems, const SgdOptions& o, int n_threads, SgdState state,
             std::int64_t* epochs) {
  X.check();
  require(data.codes != nullptr || data.target != nullptr, "y: no targets");
  require(o.alpha >= 0.0 && std::isfinite(o.alpha), "alpha must be finite and >= 0");
  require(o.l1_ratio >= 0.0 && o.l1_ratio <= 1.0, "l1_ratio must be in [0, 1]");
  require(o.learning_rate != LearningRate::optimal || o.alpha > 0.0,
          "alpha must be > 0 with learning_rate=\"optimal\"");
  require(o.learning_rate == LearningRate::optimal || o.eta0 > 0.0,
          "eta0 must be > 0 with this learning_rate");
  require(o.max_iter >= 1 && o.n_iter_no_change >= 1, "max_iter and n_iter_no_change must be >= 1");
  for (std::int64_t r = 0; r < data.n_train; ++r) {
    require(data.train_rows[r] >= 0 && data.train_rows[r] < X.rows, "train rows out of range");
  }
  for (std::int64_t r = 0; r < data.n_validation; ++r) {
    require(data.validation_rows[r] >= 0 && data.validation_rows[r] < X.rows,
            "validation rows out of range");
  }
  const std::int64_t d = X.cols;
  parallel_for(n_problems, n_threads, [&](std::int64_t p) {
    SgdState s;
    s.coef = state.coef + p * d;
    s.intercept = state.intercept + p;
    if (o.average > 0.0) {
      s.average_coef = state.average_coef + p * d;
      s.average_intercept = state.average_intercept + p;
    }
    epochs[p] = run_sgd(X, data, problems[p], o, s);
  });
}

#define MLARSENAL_INSTANTIATE_SGD(T)                                                             \
  template std::int64_t run_sgd<T>(const RowMatrix<T>&, const SgdData&, const SgdProblem&,       \
                                   const SgdOptions&, SgdState);                                 \
  template void fit_sgd<T>(const RowMatrix<T>&, const SgdData&, const SgdProblem*, std::int64_t, \
                           const SgdOptions&, int, SgdState, std::int64_t*);
MLARSENAL_INSTANTIATE_SGD(float)
MLARSENAL_INSTANTIATE_SGD(double)
#undef MLARSENAL_INSTANTIATE_SGD

}  // namespace mlarsenal::linear
