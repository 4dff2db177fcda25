// Bindings of cpp/include/mlarsenal/gbdt: binning, losses and the tree
// grower. python/mlarsenal/ensemble runs the boosting loop over them.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "bins.hpp"
#include "mlarsenal/gbdt/binning.hpp"
#include "mlarsenal/gbdt/losses.hpp"
#include "mlarsenal/gbdt/tree_grower.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

using gbdt::FeatureBins;

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

template <class T>
std::vector<T> optional_vector(const py::object& o, const char* name) {
  std::vector<T> out;
  if (o.is_none()) return out;
  const auto v = vector_view<T>(o.cast<py::array>(), name);
  out.reserve(static_cast<std::size_t>(v.size));
  for (std::int64_t i = 0; i < v.size; ++i) out.push_back(v[i]);
  return out;
}

std::shared_ptr<Bins> fit_bins(const py::array& x, const py::object& sample_rows, int max_bins,
                               const py::object& is_categorical, int n_threads) {
  auto bins = std::make_shared<Bins>();
  const auto rows = optional_vector<std::int64_t>(sample_rows, "sample_rows");
  const auto categorical = optional_vector<std::uint8_t>(is_categorical, "is_categorical");
  if (has_dtype<float>(x)) {
    const auto v = matrix_view<float>(x, "X");
    py::gil_scoped_release nogil;
    bins->features = gbdt::fit_bins<float>(v, rows, max_bins, categorical, n_threads);
  } else {
    const auto v = matrix_view<double>(x, "X");
    py::gil_scoped_release nogil;
    bins->features = gbdt::fit_bins<double>(v, rows, max_bins, categorical, n_threads);
  }
  return bins;
}

gbdt::GrowerParams grower_params(const py::dict& d) {
  gbdt::GrowerParams p;
  p.max_leaf_nodes = d["max_leaf_nodes"].cast<std::int64_t>();
  p.max_depth = d["max_depth"].cast<std::int64_t>();
  p.min_samples_leaf = d["min_samples_leaf"].cast<std::int64_t>();
  p.min_child_weight = d["min_child_weight"].cast<double>();
  p.min_split_gain = d["min_split_gain"].cast<double>();
  p.l1_regularization = d["l1_regularization"].cast<double>();
  p.l2_regularization = d["l2_regularization"].cast<double>();
  p.learning_rate = d["learning_rate"].cast<double>();
  p.max_features = d["max_features"].cast<double>();
  p.cat_smooth = d["cat_smooth"].cast<double>();
  p.cat_l2 = d["cat_l2"].cast<double>();
  p.min_data_per_group = d["min_data_per_group"].cast<std::int64_t>();
  p.max_cat_threshold = d["max_cat_threshold"].cast<std::int64_t>();
  p.monotonic = d["monotonic"].cast<std::vector<std::int8_t>>();
  p.interaction_groups = d["interaction_groups"].cast<std::vector<std::vector<std::int32_t>>>();
  p.quantized_gradients = d["quantized_gradients"].cast<bool>();
  p.n_threads = d["n_threads"].cast<int>();
  return p;
}

// One fit's grower, with the binned matrix it borrows kept alive and the
// last grown tree kept for refitting and score updates.
class Grower {
 public:
  Grower(const py::array& binned, const std::shared_ptr<Bins>& bins, const py::dict& params)
      : binned_(binned) {
    require_dtype<std::uint8_t>(binned, "binned");
    require(
        binned.ndim() == 2 && binned.shape(1) == static_cast<py::ssize_t>(bins->features.size()),
        "binned must be (rows, n_features)");
    require(binned.flags() & py::array::c_style, "binned must be C-contiguous");
    grower_ =
        std::make_unique<gbdt::TreeGrower>(static_cast<const std::uint8_t*>(binned.data()),
                                           binned.shape(0), bins->features, grower_params(params));
  }

  std::int64_t grow(const py::array& grad, const py::array& hess, const py::object& rows,
                    const py::object& feature_mask, std::uint64_t seed) {
    const auto g = vector_view<float>(grad, "grad");
    const auto h = vector_view<float>(hess, "hess");
    const std::int64_t n = binned_.shape(0);
    require(g.size == n && h.size == n && g.contiguous() && h.contiguous(),
            "grad and hess must be contiguous with one entry per training row");
    const auto r = optional_vector<std::int32_t>(rows, "rows");
    const auto mask = optional_vector<std::uint8_t>(feature_mask, "feature_mask");
    py::gil_scoped_release nogil;
    tree_ = grower_->grow(g.data, h.data, r, mask, seed);
    return tree_.n_leaves();
  }

  void refit_leaves_quantile(const py::array& y, const py::array& raw, std::int64_t column,
                             const py::object& weight, double alpha) {
    const auto vy = vector_view<double>(y, "y");
    const auto w = optional_vector_view<double>(weight, "sample_weight");
    const auto [base, stride] = raw_column(raw, column);
    py::gil_scoped_release nogil;
    grower_->refit_leaves_quantile(tree_, vy, base, stride, w, alpha);
  }

  void add_leaf_values(py::array& raw, std::int64_t column) {
    const auto [base, stride] = raw_column(raw, column);
    py::gil_scoped_release nogil;
    grower_->add_leaf_values(tree_, const_cast<double*>(base), stride);
  }

  py::dict tree() const {
    py::dict d;
    d["feature"] = to_numpy(tree_.feature);
    d["threshold"] = to_numpy(tree_.threshold);
    d["left"] = to_numpy(tree_.left);
    d["right"] = to_numpy(tree_.right);
    d["default_left"] = to_numpy(tree_.default_left);
    d["split_kind"] = to_numpy(tree_.split_kind);
    d["value"] = to_numpy(tree_.value);
    d["cat_begin"] = to_numpy(tree_.cat_begin);
    d["cat_size"] = to_numpy(tree_.cat_size);
    d["cat_bits"] = to_numpy(tree_.cat_bits);
    d["gain"] = to_numpy(tree_.gain);
    d["cover"] = to_numpy(tree_.cover);
    d["count"] = to_numpy(tree_.count);
    return d;
  }

 private:
  // Column `column` of a C-contiguous float64 (rows, k) array.
  std::pair<const double*, std::int64_t> raw_column(const py::array& raw,
                                                    std::int64_t column) const {
    require_dtype<double>(raw, "raw");
    require(
        raw.ndim() == 2 && raw.shape(0) == binned_.shape(0) && (raw.flags() & py::array::c_style),
        "raw must be a C-contiguous (rows, k) float64 array");
    require(column >= 0 && column < raw.shape(1), "raw column out of range");
    return {static_cast<const double*>(raw.data()) + column, raw.shape(1)};
  }

  py::array binned_;
  std::unique_ptr<gbdt::TreeGrower> grower_;
  gbdt::Tree tree_;
};

gbdt::LossParams loss_params(const std::string& loss, double quantile, double huber_delta) {
  gbdt::LossParams p;
  p.loss = gbdt::loss_from_name(loss);
  p.quantile = quantile;
  p.huber_delta = huber_delta;
  return p;
}

// The float32 buffer a gradient kernel writes: size entries, C order, writeable.
float* gradient_output(py::array& a, const char* name, std::int64_t size) {
  require_dtype<float>(a, name);
  require(a.size() == size && (a.flags() & py::array::c_style) && a.writeable(),
          "grad and hess must be writeable C-contiguous float32 arrays of " + std::to_string(size) +
              " entries (outputs x rows); " + name + " is not");
  return static_cast<float*>(a.mutable_data());
}

const double* raw_matrix(const py::array& raw, std::int64_t rows, std::int64_t& k) {
  require_dtype<double>(raw, "raw");
  require(raw.ndim() == 2 && raw.shape(0) == rows && (raw.flags() & py::array::c_style),
          "raw must be a C-contiguous (rows, k) float64 array");
  k = raw.shape(1);
  return static_cast<const double*>(raw.data());
}

}  // namespace

void bind_gbdt(py::module_& m) {
  py::module_ gm = m.def_submodule("gbdt", "Histogram gradient boosting kernels");
  py::class_<Bins, std::shared_ptr<Bins>>(gm, "Bins")
      .def("apply", &Bins::apply, py::arg("X"), py::arg("n_threads"))
      .def_property_readonly(
          "n_features", [](const Bins& b) { return static_cast<std::int64_t>(b.features.size()); })
      .def("n_bins", [](const Bins& b, std::size_t f) { return b.features.at(f).n_bins(); })
      .def("is_categorical",
           [](const Bins& b, std::size_t f) { return b.features.at(f).categorical; })
      .def("thresholds",
           [](const Bins& b, std::size_t f) { return to_numpy(b.features.at(f).thresholds); })
      .def("categories",
           [](const Bins& b, std::size_t f) { return to_numpy(b.features.at(f).categories); });
  gm.def("fit_bins", &fit_bins, py::arg("X"), py::arg("sample_rows"), py::arg("max_bins"),
         py::arg("is_categorical"), py::arg("n_threads"));
  py::class_<Grower>(gm, "TreeGrower")
      .def(py::init<const py::array&, const std::shared_ptr<Bins>&, const py::dict&>(),
           py::arg("binned"), py::arg("bins"), py::arg("params"))
      .def("grow", &Grower::grow, py::arg("grad"), py::arg("hess"), py::arg("rows"),
           py::arg("feature_mask"), py::arg("seed"))
      .def("refit_leaves_quantile", &Grower::refit_leaves_quantile, py::arg("y"), py::arg("raw"),
           py::arg("column"), py::arg("sample_weight"), py::arg("alpha"))
      .def("add_leaf_values", &Grower::add_leaf_values, py::arg("raw"), py::arg("column"))
      .def("tree", &Grower::tree);
  gm.def(
      "gradients",
      [](const std::string& loss, const py::array& y, const py::array& raw,
         const py::object& weight, double quantile, double huber_delta, int n_threads,
         py::array& grad, py::array& hess) {
        const auto vy = vector_view<double>(y, "y");
        const auto w = optional_vector_view<double>(weight, "sample_weight");
        std::int64_t k = 0;
        const double* r = raw_matrix(raw, vy.size, k);
        float* g = gradient_output(grad, "grad", k * vy.size);
        float* h = gradient_output(hess, "hess", k * vy.size);
        const auto p = loss_params(loss, quantile, huber_delta);
        py::gil_scoped_release nogil;
        gbdt::gradients(p, vy, r, k, w, n_threads, g, h);
      },
      py::arg("loss"), py::arg("y"), py::arg("raw"), py::arg("sample_weight"), py::arg("quantile"),
      py::arg("huber_delta"), py::arg("n_threads"), py::arg("grad"), py::arg("hess"));
  gm.def(
      "gradients_cfunc",
      [](std::uintptr_t address, const py::array& y, const py::array& raw, const py::object& weight,
         int n_threads, py::array& grad, py::array& hess) {
        const auto vy = vector_view<double>(y, "y");
        const auto w = optional_vector_view<double>(weight, "sample_weight");
        std::int64_t k = 0;
        const double* r = raw_matrix(raw, vy.size, k);
        require(k == 1, "a compiled objective supports single-output models only");
        float* g = gradient_output(grad, "grad", vy.size);
        float* h = gradient_output(hess, "hess", vy.size);
        const auto fn = reinterpret_cast<gbdt::ObjectiveFn>(address);
        py::gil_scoped_release nogil;
        gbdt::custom_gradients(fn, vy, r, w, n_threads, g, h);
      },
      py::arg("address"), py::arg("y"), py::arg("raw"), py::arg("sample_weight"),
      py::arg("n_threads"), py::arg("grad"), py::arg("hess"));
  gm.def(
      "mean_loss",
      [](const std::string& loss, const py::array& y, const py::array& raw,
         const py::object& weight, double quantile, double huber_delta, int n_threads) {
        const auto vy = vector_view<double>(y, "y");
        const auto w = optional_vector_view<double>(weight, "sample_weight");
        std::int64_t k = 0;
        const double* r = raw_matrix(raw, vy.size, k);
        const auto p = loss_params(loss, quantile, huber_delta);
        py::gil_scoped_release nogil;
        return gbdt::mean_loss(p, vy, r, k, w, n_threads);
      },
      py::arg("loss"), py::arg("y"), py::arg("raw"), py::arg("sample_weight"), py::arg("quantile"),
      py::arg("huber_delta"), py::arg("n_threads"));
}

}  // namespace mlarsenal::bindings
