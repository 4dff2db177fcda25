# Per-instruction-set translation units.
#
# mlarsenal_add_simd_kernels(target base [CONTRACT_FMA]) adds
# cpp/src/simd/<base>_{scalar,avx2,avx512}.cpp: the same kernel source,
# compiled in its own namespace with its own -m flags, selected at run time by
# cpp/src/simd/dispatch.cpp. Keeping ISA-specific code in separate TUs and
# namespaces avoids the ODR trap of one inline template compiled under
# different flags. CONTRACT_FMA lets those files fuse a * b + c into FMA
# (the global -ffp-contract=off keeps every other result ISA-independent).
set(MLARSENAL_SIMD_COMPILED "scalar")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64" AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  set(MLARSENAL_SIMD_COMPILED "scalar;avx2;avx512")
endif()
message(STATUS "mlarsenal: SIMD kernels compiled for: ${MLARSENAL_SIMD_COMPILED}")

function(mlarsenal_add_simd_kernels target base)
  cmake_parse_arguments(ARG "CONTRACT_FMA" "" "" ${ARGN})
  set(dir cpp/src/simd)
  set(contract "")
  if(ARG_CONTRACT_FMA AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    set(contract "-ffp-contract=fast")
  endif()
  target_sources(${target} PRIVATE ${dir}/${base}_scalar.cpp)
  set_source_files_properties(${dir}/${base}_scalar.cpp PROPERTIES COMPILE_OPTIONS "${contract}")
  if(MLARSENAL_SIMD_COMPILED MATCHES "avx512")
    target_sources(${target} PRIVATE ${dir}/${base}_avx2.cpp ${dir}/${base}_avx512.cpp)
    set_source_files_properties(${dir}/${base}_avx2.cpp PROPERTIES COMPILE_OPTIONS
      "-mavx2;-mfma;-mbmi2;${contract}")
    set_source_files_properties(${dir}/${base}_avx512.cpp PROPERTIES COMPILE_OPTIONS
      "-mavx512f;-mavx512dq;-mavx512bw;-mavx512vl;-mavx2;-mfma;-mbmi2;-mprefer-vector-width=512;${contract}")
    target_compile_definitions(${target} PRIVATE MLARSENAL_HAVE_AVX2_TU=1 MLARSENAL_HAVE_AVX512_TU=1)
  endif()
endfunction()
