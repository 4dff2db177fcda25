# OpenMP is linked through one interface target, mlarsenal_openmp, so that a
# build without it stays a working (serial) build instead of a broken one.
add_library(mlarsenal_openmp INTERFACE)
find_package(OpenMP COMPONENTS CXX)
if(OpenMP_CXX_FOUND)
  target_link_libraries(mlarsenal_openmp INTERFACE OpenMP::OpenMP_CXX)
  set(MLARSENAL_OPENMP_VERSION "${OpenMP_CXX_VERSION}")
  message(STATUS "mlarsenal: OpenMP ${OpenMP_CXX_VERSION} found")
else()
  set(MLARSENAL_OPENMP_VERSION "")
  message(WARNING
    "\n*** mlarsenal: OpenMP NOT FOUND. Building a SERIAL library: n_jobs will be ignored "
    "and every kernel runs on one thread. Install your compiler's OpenMP runtime "
    "(e.g. libgomp, or libomp for clang) and rebuild. ***\n")
endif()
