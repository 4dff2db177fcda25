// Per-element update rules of the first-order optimizers, written once for
// every backend: the CPU multi-tensor kernels (cpp/src/simd/optim_steps_*)
// call them in their loops, and a CUDA kernel can call the same functions
// (they are __host__ __device__ under nvcc and use no library beyond <cmath>).
//
// Numerics: each rule repeats, operation for operation, what torch.optim's
// default CPU implementation (the "single-tensor" path) computes with ATen:
// - hyper-parameters are rounded from double to the parameter dtype T before
//   use (ATen converts Python scalars to the tensor's dtype), and every
//   operation runs in T;
// - where ATen's vectorised CPU kernels use a fused multiply-add, so do the
//   rules, explicitly: `add(x, alpha=a)` is fma(x, a, self), `addcmul` is
//   fma(value * t1, t2, self), `lerp` is fma(w, end - start, start) (or
//   fma(w - 1, end - start, end) for w >= 0.5); `addcdiv` and divisions are
//   not fused. Everything else is compiled with contraction off, so the
//   results do not depend on the instruction set the kernels were built for.
// Against ATen's AVX2/AVX-512 kernels (any x86-64 CPU since 2013), SGD and
// Lion are therefore bit-identical to torch for float32 and float64. Adam,
// AdamW, RMSprop and Adagrad take a square root, which is IEEE-correctly
// rounded here, while torch's CPU builds compute torch.sqrt with MKL's vector
// math library, off by one ulp in about 0.6% of elements: their results agree
// with torch's to within a few ulps.
//
// The functions have internal linkage (`static`): each per-ISA translation
// unit gets its own copy, compiled with its own flags, and no linker can
// substitute one ISA's copy for another's (the ODR trap of inline functions
// in a header shared by TUs with different -m flags).
#pragma once

#include <cmath>

#include "mlarsenal/optim/options.hpp"

#if defined(__CUDACC__)
#define MLARSENAL_OPTIM_RULE static inline __host__ __device__
#else
#define MLARSENAL_OPTIM_RULE static inline
#endif

namespace mlarsenal::optim::rules {

// ------------------------------------------------------------ arithmetic

template <class T>
MLARSENAL_OPTIM_RULE T fused_multiply_add(T a, T b, T c) {
#if defined(__CUDA_ARCH__)
  return fma(a, b, c);
#else
  return std::fma(a, b, c);
#endif
}

template <class T>
MLARSENAL_OPTIM_RULE T square_root(T x) {
#if defined(__CUDA_ARCH__)
  return sqrt(x);
#else
  return std::sqrt(x);
#endif
}

// ATen's lerp(start, end, weight) for a scalar weight (see the file comment).
template <class T>
MLARSENAL_OPTIM_RULE T lerp(T start, T end, T weight) {
  const T diff = end - start;
  return (weight < T(0.5) && weight > T(-0.5)) ? fused_multiply_add(weight, diff, start)
                                               : fused_multiply_add(weight - T(1), diff, end);
}

// torch.maximum: NaN if either operand is NaN.
template <class T>
MLARSENAL_OPTIM_RULE T nan_maximum(T a, T b) {
  return (a > b || a != a) ? a : b;
}

// torch.sign: -1, 0 or 1; 0 for zeros and NaN.
template <class T>
MLARSENAL_OPTIM_RULE T sign(T x) {
  return static_cast<T>(x > T(0)) - static_cast<T>(x < T(0));
}

// -1 with maximize (ascend), else 1; multiplying by it negates exactly, like torch's -grad.
template <class T>
MLARSENAL_OPTIM_RULE T gradient_sign(bool maximize) {
  return maximize ? T(-1) : T(1);
}

// ------------------------------------------------------------ SGD

template <class T>
struct SgdCoefficients {
  T grad_sign;
  T weight_decay;
  T momentum;
  T one_minus_dampening;
  T neg_lr;
};

template <class T>
MLARSENAL_OPTIM_RULE SgdCoefficients<T> sgd_coefficients(const SgdOptions& o) {
  SgdCoefficients<T> c;
  c.grad_sign = gradient_sign<T>(o.maximize);
  c.weight_decay = static_cast<T>(o.weight_decay);
  c.momentum = static_cast<T>(o.momentum);
  c.one_minus_dampening = static_cast<T>(1.0 - o.dampening);
  c.neg_lr = static_cast<T>(-o.lr);
  return c;
}

// kL2: weight_decay != 0. kMomentum: momentum != 0 (buf is used). kNesterov:
// Nesterov momentum. kNewBuffer: the buffer is created from this gradient
// (torch's first step: buf = grad.clone(), no dampening).
template <bool kL2, bool kMomentum, bool kNesterov, bool kNewBuffer, class T>
MLARSENAL_OPTIM_RULE void sgd_update(const SgdCoefficients<T>& c, T grad, T& param, T& buf) {
  T g = grad * c.grad_sign;
  if (kL2) g = fused_multiply_add(param, c.weight_decay, g);
  if (kMomentum) {
    buf = kNewBuffer ? g : fused_multiply_add(g, c.one_minus_dampening, buf * c.momentum);
    g = kNesterov ? fused_multiply_add(buf, c.momentum, g) : buf;
  }
  param = fused_multiply_add(g, c.neg_lr, param);
}

// ------------------------------------------------------------ Adam / AdamW

template <class T>
struct AdamCoefficients {
  T grad_sign;
  T decay_factor;  // AdamW: 1 - lr * weight_decay; otherwise 1 (param * 1 is exact)
  T weight_decay;  // Adam's L2 term, added to the gradient
  T one_minus_beta1;
  T beta2;
  T one_minus_beta2;
  T eps;
  T bias_correction2_sqrt;
  T neg_step_size;
};

// step_size = lr / (1 - beta1^step), bias_correction2_sqrt = (1 - beta2^step)^0.5,
// both computed in double by the caller for the tensor's own step.
template <class T>
MLARSENAL_OPTIM_RULE AdamCoefficients<T> adam_coefficients(const AdamOptions& o, double step_size,
                                                           double bias_correction2_sqrt) {
  const bool decoupled = o.decoupled_weight_decay && o.weight_decay != 0.0;
  AdamCoefficients<T> c;
  c.grad_sign = gradient_sign<T>(o.maximize);
  c.decay_factor = static_cast<T>(decoupled ? 1.0 - o.lr * o.weight_decay : 1.0);
  c.weight_decay = static_cast<T>(o.weight_decay);
  c.one_minus_beta1 = static_cast<T>(1.0 - o.beta1);
  c.beta2 = static_cast<T>(o.beta2);
  c.one_minus_beta2 = static_cast<T>(1.0 - o.beta2);
  c.eps = static_cast<T>(o.eps);
  c.bias_correction2_sqrt = static_cast<T>(bias_correction2_sqrt);
  c.neg_step_size = static_cast<T>(-step_size);
  return c;
}

// kL2: coupled (Adam) weight decay != 0. kAmsgrad: max_exp_avg_sq is used.
template <bool kL2, bool kAmsgrad, class T>
MLARSENAL_OPTIM_RULE void adam_update(const AdamCoefficients<T>& c, T grad, T& param, T& exp_avg,
                                      T& exp_avg_sq, T& max_exp_avg_sq) {
  T g = grad * c.grad_sign;
  T p = param * c.decay_factor;
  if (kL2) g = fused_multiply_add(p, c.weight_decay, g);
  const T m = lerp(exp_avg, g, c.one_minus_beta1);
  const T v = fused_multiply_add(c.one_minus_beta2 * g, g, exp_avg_sq * c.beta2);
  T second_moment = v;
  if (kAmsgrad) {
    max_exp_avg_sq = nan_maximum(max_exp_avg_sq, v);
    second_moment = max_exp_avg_sq;
  }
  const T denom = square_root(second_moment) / c.bias_correction2_sqrt + c.eps;
  p = p + (c.neg_step_size * m) / denom;
  exp_avg = m;
  exp_avg_sq = v;
  param = p;
}

// ------------------------------------------------------------ RMSprop

template <class T>
struct RmspropCoefficients {
  T grad_sign;
  T weight_decay;
  T alpha;
  T one_minus_alpha;
  T eps;
  T momentum;
  T neg_lr;
};

template <class T>
MLARSENAL_OPTIM_RULE RmspropCoefficients<T> rmsprop_coefficients(const RmspropOptions& o) {
  RmspropCoefficients<T> c;
  c.grad_sign = gradient_sign<T>(o.maximize);
  c.weight_decay = static_cast<T>(o.weight_decay);
  c.alpha = static_cast<T>(o.alpha);
  c.one_minus_alpha = static_cast<T>(1.0 - o.alpha);
  c.eps = static_cast<T>(o.eps);
  c.momentum = static_cast<T>(o.momentum);
  c.neg_lr = static_cast<T>(-o.lr);
  return c;
}

// kL2: weight_decay != 0. kCentered: grad_avg is used. kMomentum: momentum > 0 (buf is used).
template <bool kL2, bool kCentered, bool kMomentum, class T>
MLARSENAL_OPTIM_RULE void rmsprop_update(const RmspropCoefficients<T>& c, T grad, T& param,
                                         T& square_avg, T& grad_avg, T& buf) {
  T g = grad * c.grad_sign;
  const T p = param;
  if (kL2) g = fused_multiply_add(p, c.weight_decay, g);
  const T v = fused_multiply_add(c.one_minus_alpha * g, g, square_avg * c.alpha);
  square_avg = v;
  T avg;
  if (kCentered) {
    const T mean = lerp(grad_avg, g, c.one_minus_alpha);
    grad_avg = mean;
    avg = square_root(fused_multiply_add(-mean, mean, v));
  } else {
    avg = square_root(v);
  }
  avg = avg + c.eps;
  if (kMomentum) {
    const T b = buf * c.momentum + g / avg;
    buf = b;
    param = fused_multiply_add(b, c.neg_lr, p);
  } else {
    param = p + (c.neg_lr * g) / avg;
  }
}

// ------------------------------------------------------------ Adagrad

template <class T>
struct AdagradCoefficients {
  T grad_sign;
  T weight_decay;
  T eps;
  T neg_clr;
};

// clr = lr / (1 + (step - 1) * lr_decay), computed in double by the caller
// for the tensor's own step.
template <class T>
MLARSENAL_OPTIM_RULE AdagradCoefficients<T> adagrad_coefficients(const AdagradOptions& o,
                                                                 double clr) {
  AdagradCoefficients<T> c;
  c.grad_sign = gradient_sign<T>(o.maximize);
  c.weight_decay = static_cast<T>(o.weight_decay);
  c.eps = static_cast<T>(o.eps);
  c.neg_clr = static_cast<T>(-clr);
  return c;
}

// kL2: weight_decay != 0.
template <bool kL2, class T>
MLARSENAL_OPTIM_RULE void adagrad_update(const AdagradCoefficients<T>& c, T grad, T& param,
                                         T& sum) {
  T g = grad * c.grad_sign;
  const T p = param;
  if (kL2) g = fused_multiply_add(p, c.weight_decay, g);
  const T s = fused_multiply_add(g, g, sum);
  sum = s;
  const T std_dev = square_root(s) + c.eps;
  param = p + (c.neg_clr * g) / std_dev;
}

// ------------------------------------------------------------ Lion

template <class T>
struct LionCoefficients {
  T grad_sign;
  T decay_factor;  // 1 - lr * weight_decay
  T beta1;
  T one_minus_beta1;
  T beta2;
  T one_minus_beta2;
  T neg_lr;
};

template <class T>
MLARSENAL_OPTIM_RULE LionCoefficients<T> lion_coefficients(const LionOptions& o) {
  LionCoefficients<T> c;
  c.grad_sign = gradient_sign<T>(o.maximize);
  c.decay_factor = static_cast<T>(1.0 - o.lr * o.weight_decay);
  c.beta1 = static_cast<T>(o.beta1);
  c.one_minus_beta1 = static_cast<T>(1.0 - o.beta1);
  c.beta2 = static_cast<T>(o.beta2);
  c.one_minus_beta2 = static_cast<T>(1.0 - o.beta2);
  c.neg_lr = static_cast<T>(-o.lr);
  return c;
}

// The reference implementation, op for op:
//   p.mul_(1 - lr * wd)
//   update = exp_avg.clone().mul_(beta1).add(grad, alpha=1 - beta1).sign_()
//   p.add_(update, alpha=-lr)
//   exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)
template <class T>
MLARSENAL_OPTIM_RULE void lion_update(const LionCoefficients<T>& c, T grad, T& param, T& exp_avg) {
  const T g = grad * c.grad_sign;
  const T m = exp_avg;
  const T update = sign(fused_multiply_add(g, c.one_minus_beta1, m * c.beta1));
  param = fused_multiply_add(update, c.neg_lr, param * c.decay_factor);
  exp_avg = fused_multiply_add(g, c.one_minus_beta2, m * c.beta2);
}

}  // namespace mlarsenal::optim::rules
