// Per-row loss arithmetic, in double; gradients are stored as float (the
// histograms accumulate them in double).
#include "mlarsenal/gbdt/losses.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal::gbdt {
namespace {

constexpr std::int64_t kBlock = 16384;

double sigmoid(double r) {
  if (r >= 0) return 1.0 / (1.0 + std::exp(-r));
  const double e = std::exp(r);
  return e / (1.0 + e);
}

// log(1 + exp(r)) without overflow.
double softplus(double r) {
  return r > 0 ? r + std::log1p(std::exp(-r)) : std::log1p(std::exp(r));
}

double sign(double d) {
  return d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);
}

// Loss and (gradient, hessian) of one row for the single-output losses.
struct RowTerms {
  double g, h;
};

RowTerms row_terms(const LossParams& p, double y, double r) {
  const double d = r - y;
  switch (p.loss) {
    case Loss::kSquaredError:
      return {d, 1.0};
    case Loss::kAbsoluteError:
      return {sign(d), 1.0};
    case Loss::kHuber:
      return {std::abs(d) <= p.huber_delta ? d : p.huber_delta * sign(d), 1.0};
    case Loss::kQuantile:
      return {y > r ? -p.quantile : (y < r ? 1.0 - p.quantile : 0.0), 1.0};
    case Loss::kPoisson: {
      const double mu = std::exp(r);
      return {mu - y, mu};
    }
    case Loss::kLogLoss: {
      const double prob = sigmoid(r);
      return {prob - y, std::max(prob * (1.0 - prob), 1e-16)};
    }
    default:
      throw InvalidArgument("row_terms: softmax has no single-output form");
  }
}

double row_loss(const LossParams& p, double y, double r) {
  const double d = r - y;
  switch (p.loss) {
    case Loss::kSquaredError:
      return d * d;
    case Loss::kAbsoluteError:
      return std::abs(d);
    case Loss::kHuber: {
      const double a = std::abs(d);
      return a <= p.huber_delta ? 0.5 * d * d : p.huber_delta * (a - 0.5 * p.huber_delta);
    }
    case Loss::kQuantile:
      return y >= r ? p.quantile * (y - r) : (1.0 - p.quantile) * (r - y);
    case Loss::kPoisson: {
      const double mu = std::exp(r);
      const double ylogy = y > 0 ? y * std::log(y / mu) : 0.0;
      return 2.0 * (ylogy - y + mu);
    }
    case Loss::kLogLoss:
      return softplus(r) - y * r;
    default:
      throw InvalidArgument("row_loss: softmax has no single-output form");
  }
}

// Softmax targets are class indices; anything else would index out of bounds.
std::int64_t class_label(double y, std::int64_t k) {
  if (!(y >= 0 && y < static_cast<double>(k) && y == std::floor(y)))
    throw InvalidArgument("softmax target " + std::to_string(y) + " is not a class index in [0, " +
                          std::to_string(k) + ")");
  return static_cast<std::int64_t>(y);
}

void check_layout(const LossParams& p, VectorView<const double> y, std::int64_t k,
                  VectorView<const double> weight) {
  require(weight.empty() || weight.size == y.size, "sample_weight length does not match y");
  require(p.loss == Loss::kSoftmax ? k >= 2 : k == 1,
          "raw predictions have " + std::to_string(k) + " columns, which the loss cannot use");
}

}  // namespace

Loss loss_from_name(const std::string& name) {
  if (name == "squared_error") return Loss::kSquaredError;
  if (name == "absolute_error") return Loss::kAbsoluteError;
  if (name == "huber") return Loss::kHuber;
  if (name == "quantile") return Loss::kQuantile;
  if (name == "poisson") return Loss::kPoisson;
  if (name == "log_loss") return Loss::kLogLoss;
  if (name == "softmax") return Loss::kSoftmax;
  throw InvalidArgument("unknown loss '" + name + "'");
}

void gradients(const LossParams& p, VectorView<const double> y, const double* raw, std::int64_t k,
               VectorView<const double> weight, int n_threads, float* grad, float* hess) {
  check_layout(p, y, k, weight);
  const std::int64_t n = y.size;
  parallel_for_blocks(
      n, kBlock, n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
        if (p.loss != Loss::kSoftmax) {
          bool finite = true;
          for (std::int64_t i = begin; i < end; ++i) {
            const RowTerms t = row_terms(p, y[i], raw[i]);
            const double w = weight.empty() ? 1.0 : weight[i];
            grad[i] = static_cast<float>(t.g * w);
            hess[i] = static_cast<float>(t.h * w);
            finite &= std::isfinite(grad[i]) & std::isfinite(hess[i]);
          }
          // Gradients are stored as float: a target (or weight) so large that
          // they overflow must fail loudly, not turn the histograms into NaN.
          if (!finite)
            throw InvalidArgument(
                "gradients overflow float32: y or sample_weight is too large in magnitude (|value| "
                "above ~1e38); rescale y");
          return;
        }
        std::vector<double> prob(static_cast<std::size_t>(k));
        for (std::int64_t i = begin; i < end; ++i) {
          const double* r = raw + i * k;
          const double top = *std::max_element(r, r + k);
          double total = 0;
          for (std::int64_t c = 0; c < k; ++c) total += prob[c] = std::exp(r[c] - top);
          const double w = weight.empty() ? 1.0 : weight[i];
          const auto label = class_label(y[i], k);
          for (std::int64_t c = 0; c < k; ++c) {
            const double pc = prob[c] / total;
            grad[c * n + i] = static_cast<float>((pc - (c == label ? 1.0 : 0.0)) * w);
            hess[c * n + i] = static_cast<float>(std::max(pc * (1.0 - pc), 1e-16) * w);
          }
        }
      });
}

double mean_loss(const LossParams& p, VectorView<const double> y, const double* raw, std::int64_t k,
                 VectorView<const double> weight, int n_threads) {
  check_layout(p, y, k, weight);
  const std::int64_t n = y.size;
  const std::int64_t blocks = num_blocks(n, kBlock);
  // One partial per fixed block, summed in block order: the same value for
  // any thread count.
  std::vector<double> loss(static_cast<std::size_t>(blocks)),
      mass(static_cast<std::size_t>(blocks));
  parallel_for_blocks(n, kBlock, n_threads,
                      [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
                        double l = 0, m = 0;
                        for (std::int64_t i = begin; i < end; ++i) {
                          const double w = weight.empty() ? 1.0 : weight[i];
                          double v;
                          if (p.loss == Loss::kSoftmax) {
                            const double* r = raw + i * k;
                            const double top = *std::max_element(r, r + k);
                            double total = 0;
                            for (std::int64_t c = 0; c < k; ++c) total += std::exp(r[c] - top);
                            v = top + std::log(total) - r[class_label(y[i], k)];
                          } else {
                            v = row_loss(p, y[i], raw[i]);
                          }
                          l += w * v;
                          m += w;
                        }
                        loss[b] = l;
                        mass[b] = m;
                      });
  double l = 0, m = 0;
  for (std::int64_t b = 0; b < blocks; ++b) {
    l += loss[b];
    m += mass[b];
  }
  return m > 0 ? l / m : 0.0;
}

}  // namespace mlarsenal::gbdt

namespace mlarsenal::gbdt {

void custom_gradients(ObjectiveFn fn, VectorView<const double> y, const double* raw,
                      VectorView<const double> weight, int n_threads, float* grad, float* hess) {
  require(fn != nullptr, "custom objective: null function");
  require(weight.empty() || weight.size == y.size, "sample_weight length does not match y");
  parallel_for_blocks(
      y.size, kBlock, n_threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
        const std::int64_t m = end - begin;
        std::vector<double> targets(static_cast<std::size_t>(m)), g(targets.size()),
            h(targets.size());
        for (std::int64_t i = 0; i < m; ++i) targets[static_cast<std::size_t>(i)] = y[begin + i];
        fn(m, targets.data(), raw + begin, g.data(), h.data());
        for (std::int64_t i = 0; i < m; ++i) {
          const double gi = g[static_cast<std::size_t>(i)];
          const double hi = h[static_cast<std::size_t>(i)];
          if (!std::isfinite(gi) || !std::isfinite(hi) || hi < 0) {
            throw InvalidArgument("custom objective returned grad=" + std::to_string(gi) +
                                  ", hess=" + std::to_string(hi) + " for row " +
                                  std::to_string(begin + i) +
                                  "; gradients must be finite and hessians >= 0");
          }
          const double w = weight.empty() ? 1.0 : weight[begin + i];
          grad[begin + i] = static_cast<float>(gi * w);
          hess[begin + i] = static_cast<float>(hi * w);
        }
      });
}

}  // namespace mlarsenal::gbdt
