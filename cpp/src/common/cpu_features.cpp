#include "mlarsenal/common/cpu_features.hpp"

#include <cstdlib>
#include <cstring>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define MLARSENAL_X86_GNU 1
#include <cpuid.h>
#endif

namespace mlarsenal {
namespace {

struct X86Features {
  bool sse42 = false, avx = false, avx2 = false, fma = false, bmi2 = false;
  bool avx512f = false, avx512dq = false, avx512bw = false, avx512vl = false;
  bool os_ymm = false, os_zmm = false;
};

#ifdef MLARSENAL_X86_GNU
unsigned long long read_xcr0() {
  unsigned int eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}
#endif

X86Features probe() {
  X86Features f;
#ifdef MLARSENAL_X86_GNU
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  f.sse42 = (ecx >> 20) & 1;
  f.fma = (ecx >> 12) & 1;
  f.avx = (ecx >> 28) & 1;
  const bool osxsave = (ecx >> 27) & 1;
  if (osxsave) {
    // The OS must save the wide registers on context switches, or using them
    // corrupts state: YMM needs XCR0 bits 1-2, ZMM also bits 5-7.
    const unsigned long long xcr0 = read_xcr0();
    f.os_ymm = (xcr0 & 0x6) == 0x6;
    f.os_zmm = f.os_ymm && (xcr0 & 0xE0) == 0xE0;
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    f.avx2 = (ebx >> 5) & 1;
    f.bmi2 = (ebx >> 8) & 1;
    f.avx512f = (ebx >> 16) & 1;
    f.avx512dq = (ebx >> 17) & 1;
    f.avx512bw = (ebx >> 30) & 1;
    f.avx512vl = (ebx >> 31) & 1;
  }
#endif
  return f;
}

const X86Features& features() {
  static const X86Features f = probe();
  return f;
}

SimdLevel level_from_env(SimdLevel fallback) {
  const char* value = std::getenv("MLARSENAL_SIMD");
  if (value == nullptr || *value == '\0') return fallback;
  if (std::strcmp(value, "scalar") == 0) return SimdLevel::scalar;
  if (std::strcmp(value, "avx2") == 0) return SimdLevel::avx2;
  if (std::strcmp(value, "avx512") == 0) return SimdLevel::avx512;
  return fallback;  // unknown values are reported by the Python layer
}

SimdLevel lowest(SimdLevel a, SimdLevel b) {
  return static_cast<int>(a) < static_cast<int>(b) ? a : b;
}

}  // namespace

const char* simd_level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::avx512:
      return "avx512";
    case SimdLevel::avx2:
      return "avx2";
    default:
      return "scalar";
  }
}

SimdLevel detected_simd_level() {
  const X86Features& f = features();
  if (f.os_zmm && f.avx512f && f.avx512dq && f.avx512bw && f.avx512vl && f.avx2 && f.fma)
    return SimdLevel::avx512;
  if (f.os_ymm && f.avx && f.avx2 && f.fma && f.bmi2) return SimdLevel::avx2;
  return SimdLevel::scalar;
}

SimdLevel compiled_simd_level() {
#if defined(MLARSENAL_HAVE_AVX512_TU)
  return SimdLevel::avx512;
#elif defined(MLARSENAL_HAVE_AVX2_TU)
  return SimdLevel::avx2;
#else
  return SimdLevel::scalar;
#endif
}

SimdLevel active_simd_level() {
  static const SimdLevel level = lowest(level_from_env(SimdLevel::avx512),
                                        lowest(detected_simd_level(), compiled_simd_level()));
  return level;
}

std::vector<std::string> cpu_feature_names() {
  const X86Features& f = features();
  std::vector<std::string> names;
  if (f.sse42) names.emplace_back("sse4.2");
  if (f.avx && f.os_ymm) names.emplace_back("avx");
  if (f.avx2 && f.os_ymm) names.emplace_back("avx2");
  if (f.fma && f.os_ymm) names.emplace_back("fma");
  if (f.bmi2) names.emplace_back("bmi2");
  if (f.os_zmm) {
    if (f.avx512f) names.emplace_back("avx512f");
    if (f.avx512dq) names.emplace_back("avx512dq");
    if (f.avx512bw) names.emplace_back("avx512bw");
    if (f.avx512vl) names.emplace_back("avx512vl");
  }
  return names;
}

}  // namespace mlarsenal
