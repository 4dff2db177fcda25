# Optional CUDA module (_cuda). AUTO builds it when a CUDA compiler is found;
# ON requires one; OFF never looks. The CPU package never links CUDA, so
# importing mlarsenal needs no GPU driver.
string(TOUPPER "${MLARSENAL_CUDA}" _mlarsenal_cuda)
set(MLARSENAL_CUDA_ENABLED OFF)
if(_mlarsenal_cuda STREQUAL "ON" OR _mlarsenal_cuda STREQUAL "AUTO")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(MLARSENAL_CUDA_ENABLED ON)
  elseif(_mlarsenal_cuda STREQUAL "ON")
    message(FATAL_ERROR "mlarsenal: MLARSENAL_CUDA=ON but no CUDA compiler was found (set CUDACXX or put nvcc on PATH)")
  endif()
elseif(NOT _mlarsenal_cuda STREQUAL "OFF")
  message(FATAL_ERROR "mlarsenal: MLARSENAL_CUDA must be AUTO, ON or OFF (got '${MLARSENAL_CUDA}')")
endif()

if(NOT MLARSENAL_CUDA_ENABLED)
  message(STATUS "mlarsenal: CUDA module disabled (MLARSENAL_CUDA=${MLARSENAL_CUDA}, no CUDA compiler used)")
  return()
endif()

# Architectures: an explicit CMAKE_CUDA_ARCHITECTURES (e.g. "native" on a GPU
# machine, as benchmarks/gpu.sh does) wins; otherwise machine code for the
# data-centre generations (Ampere, Hopper) plus compute_90 PTX, which the
# driver JIT-compiles for newer GPUs. Consumer cards (sm_86, sm_89) run the
# sm_80 code. A full five-architecture build took too long for CI's 2 cores
# (docs/developer/cuda.md has the measured times).
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
  set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
endif()
enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit REQUIRED)

pybind11_add_module(_cuda
  cpp/bindings/cuda_module.cpp
  cpp/bindings/cuda_memory.cpp
  cpp/bindings/cuda_neighbors.cpp
  cpp/bindings/cuda_cluster.cpp
  cpp/bindings/cuda_forest.cpp
  cpp/bindings/cuda_optim.cpp
  cpp/cuda/common/device_query.cu
  cpp/cuda/common/memory.cu
  cpp/cuda/neighbors/knn.cu
  cpp/cuda/neighbors/pairwise.cu
  cpp/cuda/cluster/kmeans.cu
  cpp/cuda/forest/forest.cu
  cpp/cuda/optim/optim_steps.cu
)
target_include_directories(_cuda PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cpp/include)
# IEEE arithmetic as written: no FMA contraction in the optimizer rules (they
# spell out their fused multiply-adds, as on the CPU), full-precision division
# and square roots everywhere (nvcc's defaults, stated so nobody adds
# --use_fast_math: NaN routing and exact re-scoring depend on them).
target_compile_options(_cuda PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--prec-div=true --prec-sqrt=true --ftz=false>)
set_source_files_properties(cpp/cuda/optim/optim_steps.cu PROPERTIES COMPILE_OPTIONS "--fmad=false")
# Static cudart: the module needs only the driver (libcuda) at run time, and
# loads without one (it then reports zero devices).
target_link_libraries(_cuda PRIVATE CUDA::cudart_static)
string(REPLACE ";" "," _mlarsenal_cuda_archs "${CMAKE_CUDA_ARCHITECTURES}")
target_compile_definitions(_cuda PRIVATE
  MLARSENAL_CUDA_ARCHS="${_mlarsenal_cuda_archs}"
  MLARSENAL_CUDA_COMPILER="${CMAKE_CUDA_COMPILER_ID} ${CMAKE_CUDA_COMPILER_VERSION}")
install(TARGETS _cuda LIBRARY DESTINATION mlarsenal)
message(STATUS "mlarsenal: CUDA module enabled (${CMAKE_CUDA_COMPILER_ID} ${CMAKE_CUDA_COMPILER_VERSION}, archs ${CMAKE_CUDA_ARCHITECTURES})")
