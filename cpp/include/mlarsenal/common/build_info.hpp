// Facts about how this copy of the library was built, for build_info().
#pragma once

#include <string>

namespace mlarsenal {

struct BuildInfo {
  std::string version;
  std::string compiler;
  std::string cxx_flags;
  std::string build_type;
  bool openmp = false;
  std::string openmp_version;  // e.g. "4.5"; empty without OpenMP
  std::string simd_compiled;   // ";"-separated levels with kernels in this build
  bool native = false;         // built with -march=native
};

const BuildInfo& build_info();

}  // namespace mlarsenal
