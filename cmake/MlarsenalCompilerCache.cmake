# Use ccache when it is installed: rebuilds after a branch switch or a clean
# build dir then cost seconds instead of minutes on a 2-core machine.
find_program(MLARSENAL_CCACHE ccache)
if(MLARSENAL_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${MLARSENAL_CCACHE}")
  set(CMAKE_CUDA_COMPILER_LAUNCHER "${MLARSENAL_CCACHE}")
  message(STATUS "mlarsenal: compiling through ccache (${MLARSENAL_CCACHE})")
endif()
