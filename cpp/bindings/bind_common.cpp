#include <pybind11/stl.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bindings.hpp"
#include "mlarsenal/common/build_info.hpp"
#include "mlarsenal/common/cpu_features.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {

void bind_common(py::module_& m) {
  m.def(
      "build_info",
      [] {
        const BuildInfo& b = build_info();
        py::dict d;
        d["version"] = b.version;
        d["compiler"] = b.compiler;
        d["cxx_flags"] = b.cxx_flags;
        d["build_type"] = b.build_type;
        d["openmp"] = b.openmp;
        d["openmp_version"] = b.openmp_version;
        d["simd_compiled"] = b.simd_compiled;
        d["native"] = b.native;
        d["simd_detected"] = simd_level_name(detected_simd_level());
        d["simd_active"] = simd_level_name(active_simd_level());
        d["cpu_features"] = cpu_feature_names();
        return d;
      },
      "Build facts of the native core (see mlarsenal.build_info()).");

  m.def("max_threads", &max_threads,
        "Threads an OpenMP region uses by default (honours OMP_NUM_THREADS and threadpoolctl).");

  // Hooks for the tests of the threading helper itself.
  py::module_ t = m.def_submodule("_testing", "Hooks for testing the native infrastructure");
  t.def(
      "parallel_thread_count",
      [](std::int64_t n, int n_threads) {
        std::vector<int> seen(static_cast<std::size_t>(n), -1);
        {
          py::gil_scoped_release nogil;
          parallel_for(n, n_threads, [&](std::int64_t i) { seen[i] = thread_index(); });
        }
        int most = -1;
        for (int s : seen) most = std::max(most, s);
        return most + 1;
      },
      py::arg("n"), py::arg("n_threads"));
  t.def(
      "parallel_raise",
      [](std::int64_t n, int n_threads, std::int64_t fail_at, bool invalid_argument) {
        py::gil_scoped_release nogil;
        parallel_for(n, n_threads, [&](std::int64_t i) {
          if (i == fail_at) {
            if (invalid_argument) throw InvalidArgument("failure at index " + std::to_string(i));
            throw std::runtime_error("failure at index " + std::to_string(i));
          }
        });
      },
      py::arg("n"), py::arg("n_threads"), py::arg("fail_at"), py::arg("invalid_argument") = true);
  t.def("sleep_without_gil", [](double seconds) {
    py::gil_scoped_release nogil;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  });
}

}  // namespace mlarsenal::bindings
