// Optimizer steps on the GPU: the update rules of
// mlarsenal/optim/update_rules.hpp (their __host__ __device__ form) over the
// multi-tensor launcher. This file is compiled with --fmad=false
// (cmake/MlarsenalCuda.cmake): the rules contain exactly the fused
// multiply-adds they spell out, as on the CPU, so both agree bit for bit.
#include <cuda_runtime.h>

#include <string>

#include "../common/check.cuh"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/optim.hpp"
#include "mlarsenal/optim/update_rules.hpp"
#include "multi_tensor.cuh"

namespace mlarsenal::cuda {
namespace {

namespace rules = optim::rules;

template <class T>
T* mutable_pointer(const T* p) {
  return const_cast<T*>(p);
}

template <bool kL2, bool kMomentum, bool kNesterov>
struct SgdOp {
  template <class T, class C>
  __device__ static void apply(const C& c, int new_buffer, T (&v)[3]) {
    if (new_buffer)
      rules::sgd_update<kL2, kMomentum, kNesterov, true>(c, v[0], v[1], v[2]);
    else
      rules::sgd_update<kL2, kMomentum, kNesterov, false>(c, v[0], v[1], v[2]);
  }
};

template <bool kL2, bool kAmsgrad>
struct AdamOp {
  template <class T, class C>
  __device__ static void apply(const C& c, int, T (&v)[5]) {
    rules::adam_update<kL2, kAmsgrad>(c, v[0], v[1], v[2], v[3], v[4]);
  }
};

template <bool kL2, bool kCentered, bool kMomentum>
struct RmspropOp {
  template <class T, class C>
  __device__ static void apply(const C& c, int, T (&v)[5]) {
    rules::rmsprop_update<kL2, kCentered, kMomentum>(c, v[0], v[1], v[2], v[3], v[4]);
  }
};

template <bool kL2>
struct AdagradOp {
  template <class T, class C>
  __device__ static void apply(const C& c, int, T (&v)[3]) {
    rules::adagrad_update<kL2>(c, v[0], v[1], v[2]);
  }
};

struct LionOp {
  template <class T, class C>
  __device__ static void apply(const C& c, int, T (&v)[3]) {
    rules::lion_update(c, v[0], v[1], v[2]);
  }
};

// Calls fn(std::integral_constant<bool, b>) for a run-time bool.
template <class Fn>
void with_bool(bool b, Fn&& fn) {
  if (b)
    fn(std::true_type{});
  else
    fn(std::false_type{});
}

void check_tensor(std::int64_t numel, const void* param, const void* grad, const char* name,
                  std::int64_t i) {
  require(numel >= 0, std::string(name) + ": negative numel for tensor " + std::to_string(i));
  require(numel == 0 || (param != nullptr && grad != nullptr),
          std::string(name) + ": null parameter or gradient for tensor " + std::to_string(i));
}

}  // namespace

template <class T>
void sgd_step(const optim::SgdOptions& o, const optim::SgdTensor<T>* tensors,
              std::int64_t n_tensors, const ExecutionContext& ctx) {
  const bool momentum = o.momentum != 0.0;
  for (std::int64_t i = 0; i < n_tensors; ++i) {
    check_tensor(tensors[i].numel, tensors[i].param, tensors[i].grad, "sgd_step", i);
    require(!momentum || tensors[i].numel == 0 || tensors[i].momentum_buffer != nullptr,
            "sgd_step: momentum needs a buffer for every tensor");
  }
  detail::DeviceScope scope(ctx.device);
  const auto c = rules::sgd_coefficients<T>(o);
  with_bool(o.weight_decay != 0.0, [&](auto l2) {
    with_bool(momentum, [&](auto mom) {
      with_bool(o.nesterov, [&](auto nesterov) {
        using Op = SgdOp<decltype(l2)::value, decltype(mom)::value, decltype(nesterov)::value>;
        detail::launch_multi_tensor<Op, T, rules::SgdCoefficients<T>, 3>(
            n_tensors,
            [&](std::int64_t i, T** data, std::int64_t& numel, rules::SgdCoefficients<T>& coef,
                int& flag) {
              const auto& t = tensors[i];
              data[0] = mutable_pointer(t.grad), data[1] = t.param;
              data[2] = momentum ? t.momentum_buffer : nullptr;
              numel = t.numel, coef = c, flag = t.new_buffer ? 1 : 0;
            },
            detail::stream_of(ctx));
      });
    });
  });
}

template <class T>
void adam_step(const optim::AdamOptions& o, const optim::AdamTensor<T>* tensors,
               std::int64_t n_tensors, const ExecutionContext& ctx) {
  for (std::int64_t i = 0; i < n_tensors; ++i) {
    check_tensor(tensors[i].numel, tensors[i].param, tensors[i].grad, "adam_step", i);
    require(tensors[i].numel == 0 ||
                (tensors[i].exp_avg != nullptr && tensors[i].exp_avg_sq != nullptr &&
                 (!o.amsgrad || tensors[i].max_exp_avg_sq != nullptr)),
            "adam_step: missing state for tensor " + std::to_string(i));
  }
  detail::DeviceScope scope(ctx.device);
  const bool l2 = o.weight_decay != 0.0 && !o.decoupled_weight_decay;
  with_bool(l2, [&](auto kl2) {
    with_bool(o.amsgrad, [&](auto ams) {
      using Op = AdamOp<decltype(kl2)::value, decltype(ams)::value>;
      detail::launch_multi_tensor<Op, T, rules::AdamCoefficients<T>, 5>(
          n_tensors,
          [&](std::int64_t i, T** data, std::int64_t& numel, rules::AdamCoefficients<T>& coef,
              int& flag) {
            const auto& t = tensors[i];
            data[0] = mutable_pointer(t.grad), data[1] = t.param, data[2] = t.exp_avg;
            data[3] = t.exp_avg_sq, data[4] = o.amsgrad ? t.max_exp_avg_sq : nullptr;
            numel = t.numel, flag = 0;
            coef = rules::adam_coefficients<T>(o, t.step_size, t.bias_correction2_sqrt);
          },
          detail::stream_of(ctx));
    });
  });
}

template <class T>
void rmsprop_step(const optim::RmspropOptions& o, const optim::RmspropTensor<T>* tensors,
                  std::int64_t n_tensors, const ExecutionContext& ctx) {
  const bool momentum = o.momentum > 0.0;
  for (std::int64_t i = 0; i < n_tensors; ++i) {
    check_tensor(tensors[i].numel, tensors[i].param, tensors[i].grad, "rmsprop_step", i);
    require(tensors[i].numel == 0 || (tensors[i].square_avg != nullptr &&
                                      (!o.centered || tensors[i].grad_avg != nullptr) &&
                                      (!momentum || tensors[i].momentum_buffer != nullptr)),
            "rmsprop_step: missing state for tensor " + std::to_string(i));
  }
  detail::DeviceScope scope(ctx.device);
  const auto c = rules::rmsprop_coefficients<T>(o);
  with_bool(o.weight_decay != 0.0, [&](auto kl2) {
    with_bool(o.centered, [&](auto centered) {
      with_bool(momentum, [&](auto mom) {
        using Op = RmspropOp<decltype(kl2)::value, decltype(centered)::value, decltype(mom)::value>;
        detail::launch_multi_tensor<Op, T, rules::RmspropCoefficients<T>, 5>(
            n_tensors,
            [&](std::int64_t i, T** data, std::int64_t& numel, rules::RmspropCoefficients<T>& coef,
                int& flag) {
              const auto& t = tensors[i];
              data[0] = mutable_pointer(t.grad), data[1] = t.param, data[2] = t.square_avg;
              data[3] = o.centered ? t.grad_avg : nullptr;
              data[4] = momentum ? t.momentum_buffer : nullptr;
              numel = t.numel, coef = c, flag = 0;
            },
            detail::stream_of(ctx));
      });
    });
  });
}

template <class T>
void adagrad_step(const optim::AdagradOptions& o, const optim::AdagradTensor<T>* tensors,
                  std::int64_t n_tensors, const ExecutionContext& ctx) {
  for (std::int64_t i = 0; i < n_tensors; ++i) {
    check_tensor(tensors[i].numel, tensors[i].param, tensors[i].grad, "adagrad_step", i);
    require(tensors[i].numel == 0 || tensors[i].sum != nullptr,
            "adagrad_step: missing state for tensor " + std::to_string(i));
  }
  detail::DeviceScope scope(ctx.device);
  with_bool(o.weight_decay != 0.0, [&](auto kl2) {
    using Op = AdagradOp<decltype(kl2)::value>;
    detail::launch_multi_tensor<Op, T, rules::AdagradCoefficients<T>, 3>(
        n_tensors,
        [&](std::int64_t i, T** data, std::int64_t& numel, rules::AdagradCoefficients<T>& coef,
            int& flag) {
          const auto& t = tensors[i];
          data[0] = mutable_pointer(t.grad), data[1] = t.param, data[2] = t.sum;
          numel = t.numel, flag = 0;
          coef = rules::adagrad_coefficients<T>(o, t.clr);
        },
        detail::stream_of(ctx));
  });
}

template <class T>
void lion_step(const optim::LionOptions& o, const optim::LionTensor<T>* tensors,
               std::int64_t n_tensors, const ExecutionContext& ctx) {
  for (std::int64_t i = 0; i < n_tensors; ++i) {
    check_tensor(tensors[i].numel, tensors[i].param, tensors[i].grad, "lion_step", i);
    require(tensors[i].numel == 0 || tensors[i].exp_avg != nullptr,
            "lion_step: missing state for tensor " + std::to_string(i));
  }
  detail::DeviceScope scope(ctx.device);
  const auto c = rules::lion_coefficients<T>(o);
  detail::launch_multi_tensor<LionOp, T, rules::LionCoefficients<T>, 3>(
      n_tensors,
      [&](std::int64_t i, T** data, std::int64_t& numel, rules::LionCoefficients<T>& coef,
          int& flag) {
        const auto& t = tensors[i];
        data[0] = mutable_pointer(t.grad), data[1] = t.param, data[2] = t.exp_avg;
        numel = t.numel, coef = c, flag = 0;
      },
      detail::stream_of(ctx));
}

#define MLARSENAL_INSTANTIATE(T)                                                                   \
  template void sgd_step<T>(const optim::SgdOptions&, const optim::SgdTensor<T>*, std::int64_t,    \
                            const ExecutionContext&);                                              \
  template void adam_step<T>(const optim::AdamOptions&, const optim::AdamTensor<T>*, std::int64_t, \
                             const ExecutionContext&);                                             \
  template void rmsprop_step<T>(const optim::RmspropOptions&, const optim::RmspropTensor<T>*,      \
                                std::int64_t, const ExecutionContext&);                            \
  template void adagrad_step<T>(const optim::AdagradOptions&, const optim::AdagradTensor<T>*,      \
                                std::int64_t, const ExecutionContext&);                            \
  template void lion_step<T>(const optim::LionOptions&, const optim::LionTensor<T>*, std::int64_t, \
                             const ExecutionContext&);
MLARSENAL_INSTANTIATE(float)
MLARSENAL_INSTANTIATE(double)
#undef MLARSENAL_INSTANTIATE

}  // namespace mlarsenal::cuda
