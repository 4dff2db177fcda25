#include "row_kernels.hpp"

#include "mlarsenal/common/cpu_features.hpp"

namespace mlarsenal::linear::detail {

const RowKernels& row_kernels() {
  // Chosen once; a function-local static is initialised thread-safely.
  static const RowKernels& table = []() -> const RowKernels& {
    switch (active_simd_level()) {
#if defined(MLARSENAL_HAVE_AVX512_TU)
      case SimdLevel::avx512:
        return avx512::row_table;
#endif
#if defined(MLARSENAL_HAVE_AVX2_TU)
      case SimdLevel::avx2:
        return avx2::row_table;
#endif
      default:
        return scalar::row_table;
    }
  }();
  return table;
}

}  // namespace mlarsenal::linear::detail
