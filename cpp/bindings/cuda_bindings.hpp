// Entry points of the per-area files of the _cuda module, called from
// cuda_module.cpp. Every function binds raw device addresses (Python ints):
// python/mlarsenal/_gpu reads them from __cuda_array_interface__ or
// torch's data_ptr() after checking dtype, shape and device, so these are
// private API trusted with live device memory of the stated dtype and size.
// Streams are cudaStream_t values as ints (0: the default stream).
#pragma once

#include <pybind11/pybind11.h>

namespace mlarsenal::bindings {

void bind_cuda_memory(pybind11::module_& m);
void bind_cuda_neighbors(pybind11::module_& m);
void bind_cuda_cluster(pybind11::module_& m);
void bind_cuda_forest(pybind11::module_& m);
void bind_cuda_optim(pybind11::module_& m);

}  // namespace mlarsenal::bindings
