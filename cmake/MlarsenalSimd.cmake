# Per-instruction-set translation units.
#
# Each file compiles the same kernel source inside its own namespace with its
# own -m flags; cpp/src/simd/dispatch.cpp picks one at run time from the CPU's
# features. Keeping ISA-specific code in separate TUs and namespaces avoids the
# ODR trap of one inline template compiled under different flags.
set(MLARSENAL_SIMD_COMPILED "scalar")

function(mlarsenal_add_simd_kernels target scalar_src avx2_src avx512_src)
  target_sources(${target} PRIVATE ${scalar_src})
  set(compiled "scalar")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64" AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_sources(${target} PRIVATE ${avx2_src} ${avx512_src})
    set_source_files_properties(${avx2_src} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mbmi2")
    set_source_files_properties(${avx512_src} PROPERTIES COMPILE_OPTIONS
      "-mavx512f;-mavx512dq;-mavx512bw;-mavx512vl;-mavx2;-mfma;-mbmi2;-mprefer-vector-width=512")
    target_compile_definitions(${target} PRIVATE MLARSENAL_HAVE_AVX2_TU=1 MLARSENAL_HAVE_AVX512_TU=1)
    set(compiled "scalar;avx2;avx512")
  endif()
  set(MLARSENAL_SIMD_COMPILED "${compiled}" PARENT_SCOPE)
  message(STATUS "mlarsenal: SIMD kernels compiled for: ${compiled}")
endfunction()
