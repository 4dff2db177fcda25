// Instruction sets: what the CPU offers, what the build compiled, and which
// one the kernels use.
//
// The active level is decided once, on first use, as the lowest of
//   - what the CPU and the operating system support (CPUID + XGETBV),
//   - the highest level this build compiled kernels for,
//   - the cap in the MLARSENAL_SIMD environment variable (scalar|avx2|avx512),
//     read at that first use; later changes have no effect.
// Kernels are written so that every level gives bit-identical results; the
// cap exists to test each path and to compare their speed.
#pragma once

#include <string>
#include <vector>

namespace mlarsenal {

enum class SimdLevel : int { scalar = 0, avx2 = 1, avx512 = 2 };

const char* simd_level_name(SimdLevel level);

// Highest level the CPU and OS support.
SimdLevel detected_simd_level();

// Highest level this build has kernels for.
SimdLevel compiled_simd_level();

// Level the dispatching kernels use (see above). Thread-safe.
SimdLevel active_simd_level();

// Names of the relevant CPU features present, e.g. {"sse4.2", "avx2", "fma", "avx512f"}.
std::vector<std::string> cpu_feature_names();

}  // namespace mlarsenal
