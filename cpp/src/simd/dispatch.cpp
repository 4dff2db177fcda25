#include "mlarsenal/common/cpu_features.hpp"
#include "reductions.hpp"

namespace mlarsenal::simd {

const ReductionKernels& reductions() {
  // Chosen once; a function-local static is initialised thread-safely.
  static const ReductionKernels& table = []() -> const ReductionKernels& {
    switch (active_simd_level()) {
#if defined(MLARSENAL_HAVE_AVX512_TU)
      case SimdLevel::avx512:
        return avx512::kernels;
#endif
#if defined(MLARSENAL_HAVE_AVX2_TU)
      case SimdLevel::avx2:
        return avx2::kernels;
#endif
      default:
        return scalar::kernels;
    }
  }();
  return table;
}

}  // namespace mlarsenal::simd
