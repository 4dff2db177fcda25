// Entry points of the per-area binding files, called from module.cpp.
#pragma once

#include <pybind11/pybind11.h>

namespace mlarsenal::bindings {

void bind_cluster(pybind11::module_& m);
void bind_common(pybind11::module_& m);
void bind_forest(pybind11::module_& m);
void bind_gbdt(pybind11::module_& m);
void bind_linear(pybind11::module_& m);
// Called by bind_linear on the _core.linear submodule.
void bind_coordinate_descent(pybind11::module_& linear);
void bind_sgd_and_svm(pybind11::module_& linear);
void bind_saga(pybind11::module_& linear);
void bind_metrics(pybind11::module_& m);
void bind_optim(pybind11::module_& m);
void bind_neighbors(pybind11::module_& m);
void bind_tree(pybind11::module_& m);

}  // namespace mlarsenal::bindings
