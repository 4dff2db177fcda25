// Bindings of cpp/include/mlarsenal/tree: growing decision trees (one, or a
// forest's worth in parallel) on binned data. python/mlarsenal/tree and the
// forest estimators in python/mlarsenal/ensemble drive them.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "bins.hpp"
#include "mlarsenal/tree/tree_builder.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

tree::TreeParams tree_params(const py::dict& d) {
  tree::TreeParams p;
  const auto criterion = d["criterion"].cast<std::string>();
  if (criterion == "gini") {
    p.criterion = tree::Criterion::kGini;
  } else if (criterion == "entropy") {
    p.criterion = tree::Criterion::kEntropy;
  } else if (criterion == "squared_error") {
    p.criterion = tree::Criterion::kSquaredError;
  } else {
    throw InvalidArgument("criterion must be 'gini', 'entropy' or 'squared_error', got '" +
                          criterion + "'");
  }
  p.n_classes = d["n_classes"].cast<std::int32_t>();
  p.max_depth = d["max_depth"].cast<std::int64_t>();
  p.min_samples_split = d["min_samples_split"].cast<std::int64_t>();
  p.min_samples_leaf = d["min_samples_leaf"].cast<std::int64_t>();
  p.min_weight_leaf = d["min_weight_leaf"].cast<double>();
  p.min_impurity_decrease = d["min_impurity_decrease"].cast<double>();
  p.max_leaf_nodes = d["max_leaf_nodes"].cast<std::int64_t>();
  p.max_features = d["max_features"].cast<std::int32_t>();
  p.random_thresholds = d["random_thresholds"].cast<bool>();
  return p;
}

py::dict tree_dict(const tree::GrownTree& t) {
  py::dict d;
  d["feature"] = to_numpy(t.feature);
  d["left"] = to_numpy(t.left);
  d["right"] = to_numpy(t.right);
  d["threshold"] = to_numpy(t.threshold);
  d["default_left"] = to_numpy(t.default_left);
  d["impurity"] = to_numpy(t.impurity);
  d["gain"] = to_numpy(t.gain);
  d["weight"] = to_numpy(t.weight);
  d["count"] = to_numpy(t.count);
  auto value = to_numpy(t.value);
  d["value"] =
      value.reshape({static_cast<py::ssize_t>(t.size()), static_cast<py::ssize_t>(t.n_values)});
  return d;
}

// codes: (n_features, n_rows) uint8, C order (feature-major binned data).
py::list grow_trees(const std::shared_ptr<Bins>& bins, const py::array& codes,
                    const py::object& classes, const py::object& values, const py::object& weights,
                    const py::dict& params, bool bootstrap, std::int64_t n_draws,
                    const py::array& seeds, int n_threads) {
  require_dtype<std::uint8_t>(codes, "codes");
  require(codes.ndim() == 2 && codes.shape(0) == static_cast<py::ssize_t>(bins->features.size()),
          "codes must be (n_features, n_rows)");
  require((codes.flags() & py::array::c_style) != 0, "codes must be C-contiguous");
  const std::int64_t n_rows = codes.shape(1);
  const auto check_rows = [&](const py::object& o, const char* name) {
    if (o.is_none()) return;
    const auto a = o.cast<py::array>();
    require(a.ndim() == 1 && a.shape(0) == n_rows && (a.flags() & py::array::c_style),
            std::string(name) + " must be a contiguous vector with one entry per row");
  };
  check_rows(classes, "classes");
  check_rows(values, "values");
  check_rows(weights, "weights");
  tree::Targets y;
  if (!classes.is_none())
    y.classes = vector_view<std::int32_t>(classes.cast<py::array>(), "classes").data;
  if (!values.is_none()) y.values = vector_view<double>(values.cast<py::array>(), "values").data;
  if (!weights.is_none())
    y.weights = vector_view<double>(weights.cast<py::array>(), "weights").data;
  const auto seed_view = vector_view<std::uint64_t>(seeds, "seeds");
  std::vector<std::uint64_t> seed_list(seed_view.data, seed_view.data + seed_view.size);
  tree::BinnedColumns x{static_cast<const std::uint8_t*>(codes.data()), n_rows, &bins->features};
  const tree::TreeParams p = tree_params(params);
  const tree::RowSampling sampling{bootstrap, n_draws};
  std::vector<tree::GrownTree> trees;
  {
    py::gil_scoped_release nogil;
    trees = tree::grow_trees(x, y, p, sampling, seed_list, n_threads);
  }
  py::list out;
  for (const auto& t : trees) out.append(tree_dict(t));
  return out;
}

py::array_t<std::uint32_t> bootstrap_counts(std::uint64_t seed, std::int64_t n_rows,
                                            std::int64_t n_draws) {
  std::vector<std::uint32_t> counts;
  {
    py::gil_scoped_release nogil;
    counts = tree::bootstrap_counts(seed, n_rows, n_draws);
  }
  return to_numpy(counts);
}

}  // namespace

void bind_tree(py::module_& m) {
  auto tm = m.def_submodule("tree", "Decision-tree growth on binned data.");
  tm.def("grow_trees", &grow_trees, py::arg("bins"), py::arg("codes"), py::arg("classes"),
         py::arg("values"), py::arg("weights"), py::arg("params"), py::arg("bootstrap"),
         py::arg("n_draws"), py::arg("seeds"), py::arg("n_threads"),
         "Grow one tree per seed; returns a list of dicts of node arrays.");
  tm.def("bootstrap_counts", &bootstrap_counts, py::arg("seed"), py::arg("n_rows"),
         py::arg("n_draws"), "How often each row is drawn in the bootstrap of the tree of `seed`.");
}

}  // namespace mlarsenal::bindings
