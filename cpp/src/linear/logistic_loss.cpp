#include "mlarsenal/linear/logistic_loss.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "row_kernels.hpp"

namespace mlarsenal::linear {
namespace {

// About 256 KiB of X per block: a block's rows stay in L2 between the margin
// pass and the gradient pass.
constexpr std::int64_t kBlockBytes = 256 * 1024;
// Multiply-adds worth one more thread: waking a thread costs microseconds on
// an idle machine and a scheduler time slice on a busy one, so small problems
// run on fewer threads (results do not depend on the count).
constexpr std::int64_t kWorkPerThread = std::int64_t{1} << 20;

// log(1 + e^z) and the sigmoid 1 / (1 + e^-z) from one exponential,
// e^-|z|, which never overflows.
struct BinomialTerms {
  double loss_without_target;  // log(1 + e^z)
  double probability;          // sigmoid(z)
};

inline BinomialTerms binomial_terms(double z) {
  const double e = std::exp(-std::abs(z));
  const double softplus = std::max(z, 0.0) + std::log1p(e);
  const double p = z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  return {softplus, p};
}

}  // namespace

template <class T>
LogisticLoss<T>::LogisticLoss(MatrixView<const T> X, const std::int32_t* y,
                              const double* sample_weight, std::int64_t n_classes,
                              bool fit_intercept, double scale, double l2, int n_threads)
    : X_(X),
      y_(y),
      sample_weight_(sample_weight),
      n_outputs_(n_classes == 2 ? 1 : n_classes),
      fit_intercept_(fit_intercept),
      stride_(X.cols + (fit_intercept ? 1 : 0)),
      scale_(scale),
      l2_(l2),
      n_threads_(resolve_threads(n_threads)) {
  require(n_classes >= 2, "n_classes must be >= 2, got " + std::to_string(n_classes));
  require(X.rows >= 1, "X must have at least one row");
  require(X.cols >= 1 || fit_intercept, "X must have at least one column");
  require(X.col_stride == 1 || X.cols <= 1, "X rows must be contiguous (column stride 1)");
  require(std::isfinite(scale) && scale > 0.0, "scale must be finite and positive");
  require(std::isfinite(l2) && l2 >= 0.0, "l2 must be finite and >= 0");
  // Messages are built only on failure: a string per row would cost more
  // than an evaluation.
  for (std::int64_t i = 0; i < X.rows; ++i) {
    if (y[i] < 0 || y[i] >= n_classes) {
      throw InvalidArgument("y: class code " + std::to_string(y[i]) + " at row " +
                            std::to_string(i) + " is outside [0, " + std::to_string(n_classes) +
                            ")");
    }
    if (sample_weight && !(sample_weight[i] >= 0.0)) {
      throw InvalidArgument("sample_weight must be non-negative (row " + std::to_string(i) + ")");
    }
  }
  const std::int64_t work = X.rows * std::max<std::int64_t>(1, X.cols) * n_outputs_;
  n_threads_ =
      static_cast<int>(std::clamp<std::int64_t>(work / kWorkPerThread, 1, std::max(1, n_threads_)));
  const std::int64_t row_bytes = std::max<std::int64_t>(1, X.cols) * sizeof(T);
  block_rows_ = std::clamp<std::int64_t>(kBlockBytes / row_bytes, 16, 4096);
  partials_.assign(num_blocks(X.rows, block_rows_) * (n_params() + 1), 0.0);
  margins_.assign(static_cast<std::size_t>(n_threads_) * block_rows_ * n_outputs_, 0.0);
}

template <class T>
void LogisticLoss<T>::binary_block(std::int64_t begin, std::int64_t end, const double* coef,
                                   double* margins, double* partial) const {
  const auto& rk = detail::row_kernels();
  const std::int64_t d = X_.cols;
  const double b = fit_intercept_ ? coef[d] : 0.0;
  const std::int64_t ld = X_.row_stride;
  std::int64_t i = begin;
  for (; i + 4 <= end; i += 4)
    detail::row_dot4(rk, X_.data + i * ld, ld, coef, d, margins + (i - begin));
  for (; i < end; ++i) margins[i - begin] = detail::row_dot(rk, X_.data + i * ld, coef, d);
  for (i = begin; i < end; ++i) margins[i - begin] += b;
  double loss = 0.0;
  for (std::int64_t i = begin; i < end; ++i) {
    const double z = margins[i - begin];
    const double s = sample_weight_ ? sample_weight_[i] : 1.0;
    const double yi = static_cast<double>(y_[i]);
    const BinomialTerms t = binomial_terms(z);
    loss += s * (t.loss_without_target - yi * z);
    margins[i - begin] = s * (t.probability - yi);  // now d loss_i / d z_i
  }
  detail::row_axpy_rows(rk, margins, 1, X_.data + begin * ld, ld, end - begin, partial, d);
  if (fit_intercept_) {
    double intercept = 0.0;
    for (std::int64_t i = begin; i < end; ++i) intercept += margins[i - begin];
    partial[d] = intercept;
  }
  partial[n_params()] = loss;
}

template <class T>
void LogisticLoss<T>::multinomial_block(std::int64_t begin, std::int64_t end, const double* coef,
                                        double* margins, double* partial) const {
  const auto& rk = detail::row_kernels();
  const std::int64_t d = X_.cols, K = n_outputs_;
  const std::int64_t ld = X_.row_stride;
  // Margins four rows at a time (one class at a time), then the rest.
  std::int64_t i = begin;
  for (; i + 4 <= end; i += 4) {
    double* z = margins + (i - begin) * K;
    for (std::int64_t k = 0; k < K; ++k) {
      double out[4];
      detail::row_dot4(rk, X_.data + i * ld, ld, coef + k * stride_, d, out);
      for (int r = 0; r < 4; ++r) z[r * K + k] = out[r];
    }
  }
  for (; i < end; ++i) {
    double* z = margins + (i - begin) * K;
    for (std::int64_t k = 0; k < K; ++k)
      z[k] = detail::row_dot(rk, X_.data + i * ld, coef + k * stride_, d);
  }
  double loss = 0.0;
  for (std::int64_t i = begin; i < end; ++i) {
    double* z = margins + (i - begin) * K;
    double zmax = -INFINITY;
    for (std::int64_t k = 0; k < K; ++k) {
      if (fit_intercept_) z[k] += coef[k * stride_ + d];
      zmax = std::max(zmax, z[k]);
    }
    const std::int32_t yi = y_[i];
    // logsumexp(z) - z_y = log(sum_k e^(z_k - zmax)) - (z_y - zmax); taken
    // before the exponentials, whose e^(z_y - zmax) may underflow to 0.
    const double shifted_y = z[yi] - zmax;
    double sum = 0.0;
    for (std::int64_t k = 0; k < K; ++k) {
      z[k] = std::exp(z[k] - zmax);
      sum += z[k];
    }
    const double s = sample_weight_ ? sample_weight_[i] : 1.0;
    loss += s * (std::log(sum) - shifted_y);
    for (std::int64_t k = 0; k < K; ++k) z[k] = s * (z[k] / sum - (k == yi ? 1.0 : 0.0));
  }
  const std::int64_t rows = end - begin;
  for (std::int64_t k = 0; k < K; ++k) {
    detail::row_axpy_rows(rk, margins + k, K, X_.data + begin * ld, ld, rows, partial + k * stride_,
                          d);
  }
  if (fit_intercept_) {
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t k = 0; k < K; ++k) partial[k * stride_ + d] += margins[i * K + k];
  }
  partial[n_params()] = loss;
}

template <class T>
double LogisticLoss<T>::operator()(const double* coef, double* grad) {
  const std::int64_t P = n_params();
  const std::int64_t width = P + 1;
  const std::int64_t per_thread = block_rows_ * n_outputs_;
  parallel_for_blocks(X_.rows, block_rows_, n_threads_,
                      [&](std::int64_t block, std::int64_t begin, std::int64_t end) {
                        double* partial = partials_.data() + block * width;
                        std::fill(partial, partial + width, 0.0);
                        double* margins = margins_.data() + thread_index() * per_thread;
                        if (n_outputs_ == 1) {
                          binary_block(begin, end, coef, margins, partial);
                        } else {
                          multinomial_block(begin, end, coef, margins, partial);
                        }
                      });
  std::fill(grad, grad + P, 0.0);
  double loss = 0.0;
  const std::int64_t blocks = num_blocks(X_.rows, block_rows_);
  for (std::int64_t b = 0; b < blocks; ++b) {
    const double* partial = partials_.data() + b * width;
    for (std::int64_t p = 0; p < P; ++p) grad[p] += partial[p];
    loss += partial[P];
  }
  loss *= scale_;
  double penalty = 0.0;
  for (std::int64_t k = 0; k < n_outputs_; ++k) {
    for (std::int64_t j = 0; j < X_.cols; ++j) {
      const std::int64_t p = k * stride_ + j;
      grad[p] = scale_ * grad[p] + l2_ * coef[p];
      penalty += coef[p] * coef[p];
    }
    if (fit_intercept_) grad[k * stride_ + X_.cols] *= scale_;
  }
  return loss + 0.5 * l2_ * penalty;
}

template class LogisticLoss<float>;
template class LogisticLoss<double>;

}  // namespace mlarsenal::linear
