#include <pybind11/stl.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/common/build_info.hpp"
#include "mlarsenal/common/cpu_features.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/label_encoding.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

bool is_int32(const py::array& a) {
  return has_dtype<std::int32_t>(a);
}

template <class T>
void mark_present_t(const py::array& values, std::int64_t lo, py::array& present, int n_threads) {
  const auto v = vector_view<T>(values, "values");
  auto* out = static_cast<std::uint8_t*>(present.mutable_data());
  const std::int64_t hi = lo + present.size() - 1;
  py::gil_scoped_release nogil;
  mark_present<T>(v, lo, hi, out, n_threads);
}

template <class T>
py::array_t<std::int32_t> lookup_codes_t(const py::array& values, std::int64_t lo,
                                         const py::array_t<std::int32_t>& table, int n_threads) {
  const auto v = vector_view<T>(values, "values");
  const auto t = vector_view<std::int32_t>(table, "table");
  require(t.contiguous(), "table must be contiguous");
  py::array_t<std::int32_t> codes(v.size);
  std::int32_t* out = codes.mutable_data();
  {
    py::gil_scoped_release nogil;
    lookup_codes<T>(v, lo, lo + t.size - 1, t.data, out, n_threads);
  }
  return codes;
}

void bind_labels(py::module_& m) {
  py::module_ lm = m.def_submodule("labels", "Label encoding kernels");
  lm.def(
      "mark_present",
      [](const py::array& values, std::int64_t lo, py::array present, int n_threads) {
        // Written in place: no conversion may happen, so check instead of casting.
        require_dtype<std::uint8_t>(present, "present");
        require(present.ndim() == 1 && present.size() > 0 && present.strides(0) == 1 &&
                    present.writeable(),
                "present must be a writable, contiguous, non-empty 1-d array");
        is_int32(values) ? mark_present_t<std::int32_t>(values, lo, present, n_threads)
                         : mark_present_t<std::int64_t>(values, lo, present, n_threads);
      },
      py::arg("values"), py::arg("lo"), py::arg("present"), py::arg("n_threads"));
  lm.def(
      "lookup_codes",
      [](const py::array& values, std::int64_t lo, const py::array_t<std::int32_t>& table,
         int n_threads) {
        return is_int32(values) ? lookup_codes_t<std::int32_t>(values, lo, table, n_threads)
                                : lookup_codes_t<std::int64_t>(values, lo, table, n_threads);
      },
      py::arg("values"), py::arg("lo"), py::arg("table"), py::arg("n_threads"));
}

}  // namespace

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

  bind_labels(m);

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
