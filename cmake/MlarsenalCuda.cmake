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
# machine, as benchmarks/gpu.sh does) wins; otherwise a portable set of
# data-centre and consumer generations supported by CUDA 12 and 13.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
  set(CMAKE_CUDA_ARCHITECTURES "75;80;86;89;90")
endif()
enable_language(CUDA)
set(CMAKE_CUDA_STANDARD 17)
set(CMAKE_CUDA_STANDARD_REQUIRED ON)
find_package(CUDAToolkit REQUIRED)

pybind11_add_module(_cuda
  cpp/bindings/cuda_module.cpp
  cpp/cuda/common/device_query.cu
)
target_include_directories(_cuda PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cpp/include)
# Static cudart: the module needs only the driver (libcuda) at run time, and
# loads without one (it then reports zero devices).
target_link_libraries(_cuda PRIVATE CUDA::cudart_static)
string(REPLACE ";" "," _mlarsenal_cuda_archs "${CMAKE_CUDA_ARCHITECTURES}")
target_compile_definitions(_cuda PRIVATE
  MLARSENAL_CUDA_ARCHS="${_mlarsenal_cuda_archs}"
  MLARSENAL_CUDA_COMPILER="${CMAKE_CUDA_COMPILER_ID} ${CMAKE_CUDA_COMPILER_VERSION}")
install(TARGETS _cuda LIBRARY DESTINATION mlarsenal)
message(STATUS "mlarsenal: CUDA module enabled (${CMAKE_CUDA_COMPILER_ID} ${CMAKE_CUDA_COMPILER_VERSION}, archs ${CMAKE_CUDA_ARCHITECTURES})")
