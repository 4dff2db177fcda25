// Losses of gradient boosting: per-row gradients and hessians of the loss
// with respect to the raw prediction, and the loss value.
//
// Layouts: y and weight are n rows; raw is n x k (C order, k = 1 except for
// softmax, where k is the number of classes); grad and hess are k x n
// (class-major: the trees of one class read one contiguous column). weight
// may be empty (all ones); gradients and hessians are multiplied by it.
#pragma once

#include <cstdint>
#include <string>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::gbdt {

enum class Loss : int {
  kSquaredError = 0,
  kAbsoluteError = 1,
  kHuber = 2,
  kQuantile = 3,
  kPoisson = 4,
  kLogLoss = 5,
  kSoftmax = 6,
};

struct LossParams {
  Loss loss = Loss::kSquaredError;
  double quantile = 0.5;     // kQuantile: the quantile level in (0, 1)
  double huber_delta = 1.0;  // kHuber: residuals beyond it count linearly
};

Loss loss_from_name(const std::string& name);

void gradients(const LossParams& params, VectorView<const double> y, const double* raw,
               std::int64_t k, VectorView<const double> weight, int n_threads, float* grad,
               float* hess);

// Weighted mean loss: squared error, absolute error, Huber, pinball loss,
// Poisson deviance, binary or multiclass cross-entropy.
double mean_loss(const LossParams& params, VectorView<const double> y, const double* raw,
                 std::int64_t k, VectorView<const double> weight, int n_threads);

}  // namespace mlarsenal::gbdt

namespace mlarsenal::gbdt {

// A compiled custom objective (e.g. a numba cfunc): fills grad[i], hess[i]
// for i < n from y_true[i], raw_pred[i]. Called on blocks of rows from
// several threads at once, without the GIL.
using ObjectiveFn = void (*)(std::int64_t n, const double* y_true, const double* raw_pred,
                             double* grad, double* hess);

// Single-output custom gradients; throws InvalidArgument when the function
// returns a non-finite value or a negative hessian.
void custom_gradients(ObjectiveFn fn, VectorView<const double> y, const double* raw,
                      VectorView<const double> weight, int n_threads, float* grad, float* hess);

}  // namespace mlarsenal::gbdt
