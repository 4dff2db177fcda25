// The _cuda extension module, built only when CUDA is enabled
// (cmake/MlarsenalCuda.cmake). Imported lazily by mlarsenal._cuda_support.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "cuda_bindings.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/device.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "mlarsenal CUDA kernels (private: use the mlarsenal package)";
  m.attr("compiled_archs") = MLARSENAL_CUDA_ARCHS;
  m.attr("compiler") = MLARSENAL_CUDA_COMPILER;

  // InvalidArgument (a std::invalid_argument) already maps to ValueError and
  // CudaError (a std::runtime_error) to RuntimeError.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const mlarsenal::TypeMismatch& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    }
  });
  mlarsenal::bindings::bind_cuda_memory(m);
  mlarsenal::bindings::bind_cuda_neighbors(m);
  mlarsenal::bindings::bind_cuda_cluster(m);
  mlarsenal::bindings::bind_cuda_forest(m);
  mlarsenal::bindings::bind_cuda_optim(m);

  m.def("runtime_status", [] {
    mlarsenal::cuda::RuntimeStatus s;
    {
      py::gil_scoped_release nogil;
      s = mlarsenal::cuda::runtime_status();
    }
    py::dict d;
    d["runtime_version"] = s.runtime_version;
    d["driver_version"] = s.driver_version;
    d["device_count"] = s.device_count;
    d["error"] = s.error;
    return d;
  });
  m.def("devices", [] {
    std::vector<mlarsenal::cuda::DeviceInfo> found;
    {
      py::gil_scoped_release nogil;
      found = mlarsenal::cuda::devices();
    }
    py::list out;
    for (const auto& d : found) {
      py::dict e;
      e["index"] = d.index;
      e["name"] = d.name;
      e["compute_capability"] = py::make_tuple(d.compute_major, d.compute_minor);
      e["total_memory"] = d.total_memory;
      e["multiprocessors"] = d.multiprocessors;
      out.append(e);
    }
    return out;
  });
  m.def(
      "self_test",
      [](int device) {
        std::string error;
        bool ok;
        {
          py::gil_scoped_release nogil;
          ok = mlarsenal::cuda::self_test(device, error);
        }
        return py::make_tuple(ok, error);
      },
      py::arg("device") = 0);
}
