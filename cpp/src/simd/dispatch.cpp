#include "dot_kernels.hpp"
#include "histogram_kernels.hpp"
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

const DotKernels& dot_kernels() {
  static const DotKernels& table = []() -> const DotKernels& {
    switch (active_simd_level()) {
#if defined(MLARSENAL_HAVE_AVX512_TU)
      case SimdLevel::avx512:
        return avx512::dot_table;
#endif
#if defined(MLARSENAL_HAVE_AVX2_TU)
      case SimdLevel::avx2:
        return avx2::dot_table;
#endif
      default:
        return scalar::dot_table;
    }
  }();
  return table;
}

const HistogramKernels& histogram_kernels() {
  static const HistogramKernels& table = []() -> const HistogramKernels& {
    switch (active_simd_level()) {
#if defined(MLARSENAL_HAVE_AVX512_TU)
      case SimdLevel::avx512:
        return avx512::histogram_table;
#endif
#if defined(MLARSENAL_HAVE_AVX2_TU)
      case SimdLevel::avx2:
        return avx2::histogram_table;
#endif
      default:
        return scalar::histogram_table;
    }
  }();
  return table;
}

}  // namespace mlarsenal::simd
