// Tests of cpp/include/mlarsenal/optim: multi-tensor blocking, thread-count
// independence, the per-element rules against a direct transcription of
// torch's operations, and the argument checks. A failed CHECK prints the
// expression and exits non-zero.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "check.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/optim/optimizers.hpp"

using namespace mlarsenal;
using namespace mlarsenal::optim;

// Sizes around the block size (65,536), empty and tiny tensors between them.
static const std::vector<std::int64_t> kSizes = {0, 1, 65535, 65537, 3, 0, 200000, 7};

static void every_element_is_updated_exactly_once() {
  for (int threads : {1, 2, 5}) {
    std::vector<std::vector<float>> params, grads;
    std::vector<SgdTensor<float>> tensors;
    for (auto n : kSizes) {
      params.emplace_back(n, 0.0f);
      grads.emplace_back(n, 1.0f);
    }
    for (std::size_t t = 0; t < kSizes.size(); ++t) {
      tensors.push_back({kSizes[t], params[t].data(), grads[t].data(), nullptr, false});
    }
    SgdOptions o;
    o.lr = 1.0;  // p -= g: an element visited twice would hold -2
    sgd_step<float>(o, tensors.data(), static_cast<std::int64_t>(tensors.size()), threads);
    for (const auto& p : params) {
      for (float v : p) CHECK(v == -1.0f);
    }
  }
}

static std::vector<double> adam_after_steps(int threads) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> p, g, m, v, vmax;
  for (auto n : kSizes) {
    p.emplace_back(n);
    g.emplace_back(n);
    m.emplace_back(n, 0.0);
    v.emplace_back(n, 0.0);
    vmax.emplace_back(n, 0.0);
    for (std::int64_t i = 0; i < n; ++i) p.back()[i] = normal(rng), g.back()[i] = normal(rng);
  }
  AdamOptions o;
  o.amsgrad = true;
  o.weight_decay = 0.1;
  for (int step = 1; step <= 3; ++step) {
    std::vector<AdamTensor<double>> tensors;
    for (std::size_t t = 0; t < kSizes.size(); ++t) {
      tensors.push_back({kSizes[t], p[t].data(), g[t].data(), m[t].data(), v[t].data(),
                         vmax[t].data(), o.lr / (1 - std::pow(o.beta1, step)),
                         std::pow(1 - std::pow(o.beta2, step), 0.5)});
    }
    adam_step<double>(o, tensors.data(), static_cast<std::int64_t>(tensors.size()), threads);
  }
  std::vector<double> all;
  for (const auto& t : p) all.insert(all.end(), t.begin(), t.end());
  return all;
}

static void results_do_not_depend_on_the_thread_count() {
  const auto one = adam_after_steps(1);
  CHECK(one == adam_after_steps(2));
  CHECK(one == adam_after_steps(3));
}

// torch's AdamW step for one float element, transcribed op by op from
// torch/optim/adam.py (_single_tensor_adam) and ATen's CPU kernels.
static void adamw_matches_torchs_operations() {
  const float p0 = 0.75f, g = -0.3f, m0 = 0.02f, v0 = 0.001f;
  const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.01;
  const int step = 5;
  const double step_size = lr / (1 - std::pow(beta1, step));
  const double bc2_sqrt = std::pow(1 - std::pow(beta2, step), 0.5);

  // param.mul_(1 - lr * wd)
  float p = p0 * static_cast<float>(1 - lr * wd);
  // exp_avg.lerp_(grad, 1 - beta1): ATen's vectorised lerp for a weight below 0.5
  const float w = static_cast<float>(1 - beta1);
  const float m = std::fma(w, g - m0, m0);
  // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
  const float v = std::fma(static_cast<float>(1 - beta2) * g, g, v0 * static_cast<float>(beta2));
  // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
  const float denom = std::sqrt(v) / static_cast<float>(bc2_sqrt) + static_cast<float>(eps);
  // param.addcdiv_(exp_avg, denom, value=-step_size)
  p = p + (static_cast<float>(-step_size) * m) / denom;

  float kp = p0, km = m0, kv = v0;
  const float kg = g;
  AdamOptions o;
  o.lr = lr, o.beta1 = beta1, o.beta2 = beta2, o.eps = eps, o.weight_decay = wd;
  o.decoupled_weight_decay = true;
  AdamTensor<float> t{1, &kp, &kg, &km, &kv, nullptr, step_size, bc2_sqrt};
  adam_step<float>(o, &t, 1, 1);
  CHECK(kp == p);
  CHECK(km == m);
  CHECK(kv == v);
}

static void overlapping_or_null_arrays_are_refused() {
  std::vector<float> a(10, 1.0f), b(10, 1.0f);
  LionOptions o;
  bool caught = false;
  LionTensor<float> same{10, a.data(), a.data(), b.data()};
  try {
    lion_step<float>(o, &same, 1, 1);
  } catch (const InvalidArgument&) {
    caught = true;
  }
  CHECK(caught);
  caught = false;
  LionTensor<float> shifted{10, a.data(), b.data(), a.data() + 5};
  try {
    lion_step<float>(o, &shifted, 1, 1);
  } catch (const InvalidArgument&) {
    caught = true;
  }
  CHECK(caught);
  caught = false;
  LionTensor<float> null_state{10, a.data(), b.data(), nullptr};
  try {
    lion_step<float>(o, &null_state, 1, 1);
  } catch (const InvalidArgument&) {
    caught = true;
  }
  CHECK(caught);
  LionTensor<float> empty{0, nullptr, nullptr, nullptr};
  lion_step<float>(o, &empty, 1, 1);  // nothing to do, nothing to check
}

int main() {
  every_element_is_updated_exactly_once();
  results_do_not_depend_on_the_thread_count();
  adamw_matches_torchs_operations();
  overlapping_or_null_arrays_are_refused();
  std::printf("test_optim: all checks passed (kernels: %s)\n", optimizer_kernels_isa());
  return 0;
}
