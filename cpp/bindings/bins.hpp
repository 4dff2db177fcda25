// The learned bins of a fit, shared by the gradient-boosting and the
// decision-tree bindings (one Python type, `_core.gbdt.Bins`).
#pragma once

#include <pybind11/numpy.h>

#include <vector>

#include "array_conversion.hpp"
#include "mlarsenal/gbdt/binning.hpp"

namespace mlarsenal::bindings {

namespace py = pybind11;

// Learned bins of every feature, shared (read-only) by the grower and by
// apply() on validation data.
struct Bins {
  std::vector<gbdt::FeatureBins> features;

  py::array_t<std::uint8_t> apply(const py::array& x, int n_threads) const {
    const std::int64_t rows = x.ndim() >= 1 ? x.shape(0) : 0;
    py::array_t<std::uint8_t> out({rows, static_cast<std::int64_t>(features.size())});
    std::uint8_t* o = out.mutable_data();
    if (has_dtype<float>(x)) {
      const auto v = matrix_view<float>(x, "X");
      py::gil_scoped_release nogil;
      gbdt::apply_bins<float>(v, features, n_threads, o);
    } else {
      const auto v = matrix_view<double>(x, "X");
      py::gil_scoped_release nogil;
      gbdt::apply_bins<double>(v, features, n_threads, o);
    }
    return out;
  }
};

}  // namespace mlarsenal::bindings
