// The _core extension module: every CPU kernel, one bind_<area> per area.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "mlarsenal/common/errors.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "mlarsenal native CPU kernels (private: use the mlarsenal package)";

  // Kernel exceptions -> Python exceptions. pybind11 already maps
  // std::invalid_argument/domain_error/length_error to ValueError,
  // std::bad_alloc to MemoryError and anything else to RuntimeError.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const mlarsenal::InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const mlarsenal::TypeMismatch& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    }
  });

  mlarsenal::bindings::bind_common(m);
  mlarsenal::bindings::bind_forest(m);
  mlarsenal::bindings::bind_gbdt(m);
  mlarsenal::bindings::bind_tree(m);
  mlarsenal::bindings::bind_cluster(m);
  mlarsenal::bindings::bind_metrics(m);
  mlarsenal::bindings::bind_optim(m);
  mlarsenal::bindings::bind_neighbors(m);
  mlarsenal::bindings::bind_linear(m);
}
