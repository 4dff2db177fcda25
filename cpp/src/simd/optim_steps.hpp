// The element loops of the optimizer steps, compiled once per instruction set
// (optim_steps_<isa>.cpp) and picked at run time (cpp/src/optim/optimizers.cpp).
//
// Each function updates elements [begin, end) of one tensor of a group with
// the per-element rules of mlarsenal/optim/update_rules.hpp; the multi-tensor
// scheduling (blocks, threads) lives in optimizers.cpp. The rules use explicit
// FMAs only where ATen does, with contraction off everywhere else, so every
// instruction set returns the same bits (the scalar build calls the C
// library's fma, slower but exact).
#pragma once

#include <cstdint>

#include "mlarsenal/optim/optimizers.hpp"

namespace mlarsenal::simd {

template <class T>
struct OptimStepKernels {
  void (*sgd)(const optim::SgdOptions&, const optim::SgdTensor<T>&, std::int64_t begin,
              std::int64_t end);
  void (*adam)(const optim::AdamOptions&, const optim::AdamTensor<T>&, std::int64_t begin,
               std::int64_t end);
  void (*rmsprop)(const optim::RmspropOptions&, const optim::RmspropTensor<T>&, std::int64_t begin,
                  std::int64_t end);
  void (*adagrad)(const optim::AdagradOptions&, const optim::AdagradTensor<T>&, std::int64_t begin,
                  std::int64_t end);
  void (*lion)(const optim::LionOptions&, const optim::LionTensor<T>&, std::int64_t begin,
               std::int64_t end);
};

struct OptimKernels {
  const char* isa;
  OptimStepKernels<float> f32;
  OptimStepKernels<double> f64;
};

namespace scalar {
extern const OptimKernels optim_table;
}
namespace avx2 {
extern const OptimKernels optim_table;
}
namespace avx512 {
extern const OptimKernels optim_table;
}

}  // namespace mlarsenal::simd
