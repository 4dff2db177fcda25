// Bindings of cpp/include/mlarsenal/forest/forest.hpp.
//
// _core.forest.Forest holds references to the numpy arrays of one model
// (python/mlarsenal/forest owns them) and the validated ForestView over them:
// built once per model, then shared by every predict call and thread.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/forest/forest.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

class NativeForest {
 public:
  NativeForest(std::int64_t n_features, std::int64_t n_outputs, const py::dict& arrays)
      : arrays_(arrays) {
    view_.n_features = n_features;
    view_.n_outputs = n_outputs;
    view_.tree_offsets = contiguous<std::int64_t>("tree_offsets");
    view_.n_trees = length("tree_offsets") - 1;
    require(view_.n_trees >= 0, "tree_offsets must hold at least one entry");
    view_.tree_output = contiguous<std::int32_t>("tree_output", view_.n_trees);
    view_.base_score = contiguous<double>("base_score", n_outputs);
    view_.n_nodes = length("feature");
    const std::int64_t n = view_.n_nodes;
    view_.feature = contiguous<std::int32_t>("feature", n);
    view_.threshold = contiguous<double>("threshold", n);
    view_.left = contiguous<std::int32_t>("left", n);
    view_.right = contiguous<std::int32_t>("right", n);
    view_.default_left = contiguous<std::uint8_t>("default_left", n);
    view_.split_kind = contiguous<std::uint8_t>("split_kind", n);
    view_.value = contiguous<double>("value", n);
    view_.cat_begin = contiguous<std::int32_t>("cat_begin", n);
    view_.cat_size = contiguous<std::int32_t>("cat_size", n);
    view_.n_cat_words = length("cat_bits");
    view_.cat_bits = contiguous<std::uint32_t>("cat_bits", view_.n_cat_words);
    forest::validate(view_);
    same_as_previous_ = forest::same_structure_as_previous(view_);
    view_.same_as_previous = same_as_previous_.data();
    packed_.resize(static_cast<std::size_t>(view_.n_nodes));
    tree_packed_.resize(static_cast<std::size_t>(view_.n_trees));
    forest::pack_trees(view_, packed_.data(), tree_packed_.data());
    view_.packed = packed_.data();
    view_.tree_packed = tree_packed_.data();
  }

  std::int64_t n_trees() const { return view_.n_trees; }

  py::array_t<double> predict_raw(const py::array& x, std::int64_t begin, std::int64_t end,
                                  int n_threads) const {
    py::array_t<double> out(
        {x.ndim() >= 1 ? x.shape(0) : 0, static_cast<py::ssize_t>(view_.n_outputs)});
    double* o = out.mutable_data();
    if (has_dtype<float>(x)) {
      const auto v = matrix_view<float>(x, "X");
      py::gil_scoped_release nogil;
      forest::predict_raw<float>(view_, v, begin, end, n_threads, o);
    } else {
      const auto v = matrix_view<double>(x, "X");
      py::gil_scoped_release nogil;
      forest::predict_raw<double>(view_, v, begin, end, n_threads, o);
    }
    return out;
  }

  py::array_t<std::int32_t> predict_leaf(const py::array& x, std::int64_t begin, std::int64_t end,
                                         int n_threads) const {
    require(0 <= begin && begin <= end && end <= view_.n_trees, "tree range out of bounds");
    py::array_t<std::int32_t> out(
        {x.ndim() >= 1 ? x.shape(0) : 0, static_cast<py::ssize_t>(end - begin)});
    std::int32_t* o = out.mutable_data();
    if (has_dtype<float>(x)) {
      const auto v = matrix_view<float>(x, "X");
      py::gil_scoped_release nogil;
      forest::predict_leaf<float>(view_, v, begin, end, n_threads, o);
    } else {
      const auto v = matrix_view<double>(x, "X");
      py::gil_scoped_release nogil;
      forest::predict_leaf<double>(view_, v, begin, end, n_threads, o);
    }
    return out;
  }

 private:
  std::int64_t length(const char* name) const {
    if (!arrays_.contains(name))
      throw InvalidArgument(std::string("forest array missing: ") + name);
    const auto a = arrays_[name].cast<py::array>();
    require(a.ndim() == 1, std::string("forest array ") + name + " must be 1-d");
    return a.shape(0);
  }

  template <class T>
  const T* contiguous(const char* name, std::int64_t expected = -1) const {
    if (!arrays_.contains(name))
      throw InvalidArgument(std::string("forest array missing: ") + name);
    const auto a = arrays_[name].cast<py::array>();
    const auto v = vector_view<T>(a, name);
    require(v.contiguous(), std::string("forest array ") + name + " must be contiguous");
    require(expected < 0 || v.size == expected, std::string("forest array ") + name + " has " +
                                                    std::to_string(v.size) + " entries, expected " +
                                                    std::to_string(expected));
    return v.data;
  }

  py::dict arrays_;  // keeps the arrays the view points into alive
  // Derived layouts the view points into (see forest.hpp).
  std::vector<std::uint8_t> same_as_previous_;
  std::vector<forest::PackedNode> packed_;
  std::vector<std::uint8_t> tree_packed_;
  forest::ForestView view_;
};

}  // namespace

void bind_forest(py::module_& m) {
  py::module_ fm = m.def_submodule("forest", "Tree-ensemble inference");
  py::class_<NativeForest>(fm, "Forest")
      .def(py::init<std::int64_t, std::int64_t, const py::dict&>(), py::arg("n_features"),
           py::arg("n_outputs"), py::arg("arrays"))
      .def_property_readonly("n_trees", &NativeForest::n_trees)
      .def("predict_raw", &NativeForest::predict_raw, py::arg("X"), py::arg("tree_begin"),
           py::arg("tree_end"), py::arg("n_threads"))
      .def("predict_leaf", &NativeForest::predict_leaf, py::arg("X"), py::arg("tree_begin"),
           py::arg("tree_end"), py::arg("n_threads"));
}

}  // namespace mlarsenal::bindings
