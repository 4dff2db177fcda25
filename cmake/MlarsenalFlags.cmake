# Baseline flags shared by every translation unit.
#
# - No -ffast-math: it lets the compiler assume NaN never occurs, which breaks
#   NaN checks and missing-value routing.
# - -ffp-contract=off: no silent FMA contraction, so the scalar, AVX2 and
#   AVX-512 builds of a kernel round identically and results do not depend on
#   the instruction set picked at run time.
# - Portable baseline (the compiler's default target); faster instruction sets
#   come from run-time dispatch, or from MLARSENAL_NATIVE=ON for -march=native.
string(TOUPPER "${CMAKE_BUILD_TYPE}" MLARSENAL_BUILD_TYPE_UPPER)

set(MLARSENAL_BASE_FLAGS "")
set(MLARSENAL_WARNING_FLAGS "")
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  list(APPEND MLARSENAL_BASE_FLAGS -ffp-contract=off -fno-math-errno)
  list(APPEND MLARSENAL_WARNING_FLAGS -Wall -Wextra -Wno-unused-parameter)
  if(MLARSENAL_NATIVE)
    list(APPEND MLARSENAL_BASE_FLAGS -march=native)
  endif()
elseif(MSVC)
  list(APPEND MLARSENAL_BASE_FLAGS /fp:precise)
  list(APPEND MLARSENAL_WARNING_FLAGS /W3)
  if(MLARSENAL_NATIVE)
    message(WARNING "mlarsenal: MLARSENAL_NATIVE has no MSVC equivalent; ignored")
  endif()
endif()
