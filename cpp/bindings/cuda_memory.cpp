// _cuda.memory: device buffers for numpy inputs (copied to the GPU once) and
// outputs (copied back once, after the stream has finished).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "cuda_bindings.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/cuda/memory.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {

void bind_cuda_memory(py::module_& m) {
  py::module_ mm = m.def_submodule("memory", "Device buffers (private: use mlarsenal._gpu)");
  py::class_<cuda::DeviceBuffer>(mm, "DeviceBuffer")
      .def(py::init([](std::size_t bytes, int device) {
             py::gil_scoped_release nogil;
             return new cuda::DeviceBuffer(bytes, device);
           }),
           py::arg("bytes"), py::arg("device"))
      .def_property_readonly("address", &cuda::DeviceBuffer::address)
      .def_property_readonly("bytes", &cuda::DeviceBuffer::bytes)
      .def_property_readonly("device", &cuda::DeviceBuffer::device)
      .def(
          "copy_from_host",
          [](cuda::DeviceBuffer& self, const py::array& host, std::uintptr_t stream) {
            require(host.flags() & py::array::c_style, "copy_from_host needs a C-contiguous array");
            const auto bytes = static_cast<std::size_t>(host.nbytes());
            require(bytes <= self.bytes(), "the host array is larger than the device buffer");
            const void* data = host.data();
            py::gil_scoped_release nogil;
            cuda::copy_to_device(self.address(), data, bytes, {self.device(), stream});
          },
          py::arg("host"), py::arg("stream"))
      .def(
          "copy_to_host",
          [](const cuda::DeviceBuffer& self, py::array& host, std::uintptr_t stream) {
            require(host.flags() & py::array::c_style, "copy_to_host needs a C-contiguous array");
            require(host.writeable(), "copy_to_host needs a writeable array");
            const auto bytes = static_cast<std::size_t>(host.nbytes());
            require(bytes <= self.bytes(), "the host array is larger than the device buffer");
            void* data = host.mutable_data();
            py::gil_scoped_release nogil;
            cuda::copy_to_host(data, self.address(), bytes, {self.device(), stream});
          },
          py::arg("host"), py::arg("stream"));
  mm.def(
      "synchronize",
      [](int device, std::uintptr_t stream) {
        py::gil_scoped_release nogil;
        cuda::synchronize({device, stream});
      },
      py::arg("device"), py::arg("stream"));
}

}  // namespace mlarsenal::bindings
