// Bindings of cpp/include/mlarsenal/linear: the L-BFGS solver (with a Python
// objective) and the fused logistic loss. python/mlarsenal/optimize and
// python/mlarsenal/linear_model validate arguments and pick dtypes first.
#include <pybind11/numpy.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/linear/lbfgs.hpp"
#include "mlarsenal/linear/logistic_loss.hpp"
#include "mlarsenal/linear/owlqn.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

linear::LbfgsOptions make_options(std::int64_t maxcor, double ftol, double gtol,
                                  std::int64_t maxiter, std::int64_t maxfun, std::int64_t maxls) {
  linear::LbfgsOptions o;
  o.maxcor = maxcor;
  o.ftol = ftol;
  o.gtol = gtol;
  o.maxiter = maxiter;
  o.maxfun = maxfun;
  o.maxls = maxls;
  return o;
}

py::array_t<double> to_array(const std::vector<double>& v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  std::memcpy(a.mutable_data(), v.data(), v.size() * sizeof(double));
  return a;
}

py::tuple result_tuple(const linear::LbfgsResult& r) {
  return py::make_tuple(to_array(r.x), r.fun, to_array(r.jac), r.nit, r.nfev,
                        static_cast<int>(r.status), r.message);
}

// Contiguous float64 copy of a 1-d array (bounds and x0 are small).
std::vector<double> to_vector(const py::array& a, const char* name) {
  const auto v = vector_view<double>(a, name);
  std::vector<double> out(static_cast<std::size_t>(v.size));
  for (std::int64_t i = 0; i < v.size; ++i) out[static_cast<std::size_t>(i)] = v[i];
  return out;
}

std::vector<double> optional_bound(const py::object& o, std::int64_t n, const char* name) {
  if (o.is_none()) return {};
  auto v = to_vector(o.cast<py::array>(), name);
  require(static_cast<std::int64_t>(v.size()) == n,
          std::string(name) + " must have one entry per variable");
  return v;
}

// The objective of a Python function `fun(x) -> (value, gradient)`. The
// solver runs without the GIL and takes it for each call of `fun`. A Python
// exception raised there unwinds the solver (which holds no Python objects)
// and reaches the caller unchanged.
linear::Objective python_objective(const py::function& fun, std::int64_t n) {
  return [&fun, n](const double* point, double* grad) {
    py::gil_scoped_acquire gil;
    py::array_t<double> xp(n);
    std::memcpy(xp.mutable_data(), point, static_cast<std::size_t>(n) * sizeof(double));
    const py::object out = fun(xp);
    // Any (value, gradient) pair, as scipy accepts: a tuple, a list.
    if (!(py::isinstance<py::tuple>(out) || py::isinstance<py::list>(out)) || py::len(out) != 2)
      throw py::type_error("fun must return a pair (value, gradient)");
    const auto pair = out.cast<py::sequence>();
    const double value = py::float_(pair[0]).cast<double>();
    const auto g = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(pair[1]);
    if (!g || g.size() != n)
      throw py::value_error("fun: the gradient must have " + std::to_string(n) +
                            " entries, one per variable");
    std::memcpy(grad, g.data(), static_cast<std::size_t>(n) * sizeof(double));
    return value;
  };
}

py::tuple minimize_lbfgs_py(const py::function& fun, const py::array& x0, const py::object& lower,
                            const py::object& upper, std::int64_t maxcor, double ftol, double gtol,
                            std::int64_t maxiter, std::int64_t maxfun, std::int64_t maxls) {
  const std::vector<double> x = to_vector(x0, "x0");
  const auto n = static_cast<std::int64_t>(x.size());
  const auto lo = optional_bound(lower, n, "lower");
  const auto hi = optional_bound(upper, n, "upper");
  const auto options = make_options(maxcor, ftol, gtol, maxiter, maxfun, maxls);
  const linear::Objective objective = python_objective(fun, n);
  linear::LbfgsResult r;
  {
    py::gil_scoped_release nogil;
    r = linear::minimize_lbfgs(objective, x.data(), n, lo.empty() ? nullptr : lo.data(),
                               hi.empty() ? nullptr : hi.data(), options);
  }
  return result_tuple(r);
}

py::tuple minimize_owlqn_py(const py::function& fun, const py::array& x0, const py::array& l1,
                            std::int64_t maxcor, double ftol, double gtol, std::int64_t maxiter,
                            std::int64_t maxfun, std::int64_t maxls) {
  const std::vector<double> x = to_vector(x0, "x0");
  const auto n = static_cast<std::int64_t>(x.size());
  const std::vector<double> weights = to_vector(l1, "l1");
  require(static_cast<std::int64_t>(weights.size()) == n, "l1 must have one entry per variable");
  const auto options = make_options(maxcor, ftol, gtol, maxiter, maxfun, maxls);
  const linear::Objective objective = python_objective(fun, n);
  linear::LbfgsResult r;
  {
    py::gil_scoped_release nogil;
    r = linear::minimize_owlqn(objective, x.data(), n, weights.data(), options);
  }
  return result_tuple(r);
}

// A compiled objective (numba cfunc): value = f(n, x, grad), no Python involved.
using NativeObjective = double (*)(std::int64_t n, const double* x, double* grad);

py::tuple minimize_lbfgs_native(std::uintptr_t address, const py::array& x0,
                                const py::object& lower, const py::object& upper,
                                std::int64_t maxcor, double ftol, double gtol, std::int64_t maxiter,
                                std::int64_t maxfun, std::int64_t maxls) {
  require(address != 0, "address: null function pointer");
  const std::vector<double> x = to_vector(x0, "x0");
  const auto n = static_cast<std::int64_t>(x.size());
  const auto lo = optional_bound(lower, n, "lower");
  const auto hi = optional_bound(upper, n, "upper");
  const auto options = make_options(maxcor, ftol, gtol, maxiter, maxfun, maxls);
  const auto fn = reinterpret_cast<NativeObjective>(address);
  linear::Objective objective = [fn, n](const double* point, double* grad) {
    return fn(n, point, grad);
  };
  linear::LbfgsResult r;
  {
    py::gil_scoped_release nogil;
    r = linear::minimize_lbfgs(objective, x.data(), n, lo.empty() ? nullptr : lo.data(),
                               hi.empty() ? nullptr : hi.data(), options);
  }
  return result_tuple(r);
}

struct LogisticArgs {
  const std::int32_t* y;
  const double* weight;
};

LogisticArgs logistic_args(const py::array& X, const py::array& y, const py::object& weight) {
  const auto vy = vector_view<std::int32_t>(y, "y");
  const auto w = optional_vector_view<double>(weight, "sample_weight");
  require(vy.contiguous() && w.contiguous(), "y and sample_weight must be contiguous");
  require(vy.size == X.shape(0), "y must have one entry per row of X");
  require(w.empty() || w.size == X.shape(0), "sample_weight must have one entry per row of X");
  return {vy.data, w.empty() ? nullptr : w.data};
}

template <class T>
py::tuple logistic_loss_gradient_t(const py::array& X, const py::array& y, const py::object& weight,
                                   const py::array& coef, std::int64_t n_classes,
                                   bool fit_intercept, double scale, double l2, int n_threads) {
  const auto vx = matrix_view<T>(X, "X");
  const auto args = logistic_args(X, y, weight);
  const auto c = to_vector(coef, "coef");
  linear::LogisticLoss<T> loss(vx, args.y, args.weight, n_classes, fit_intercept, scale, l2,
                               n_threads);
  require(static_cast<std::int64_t>(c.size()) == loss.n_params(),
          "coef must have " + std::to_string(loss.n_params()) + " entries");
  std::vector<double> grad(c.size());
  double value;
  {
    py::gil_scoped_release nogil;
    value = loss(c.data(), grad.data());
  }
  return py::make_tuple(value, to_array(grad));
}

template <class T>
py::tuple fit_logistic_t(const py::array& X, const py::array& y, const py::object& weight,
                         const py::array& coef0, std::int64_t n_classes, bool fit_intercept,
                         double scale, double l2, double l1, const linear::LbfgsOptions& options,
                         int n_threads) {
  const auto vx = matrix_view<T>(X, "X");
  const auto args = logistic_args(X, y, weight);
  const auto c = to_vector(coef0, "coef0");
  linear::LbfgsResult r;
  {
    py::gil_scoped_release nogil;
    linear::LogisticLoss<T> loss(vx, args.y, args.weight, n_classes, fit_intercept, scale, l2,
                                 n_threads);
    require(static_cast<std::int64_t>(c.size()) == loss.n_params(),
            "coef0 must have " + std::to_string(loss.n_params()) + " entries");
    if (l1 > 0.0) {
      // OWL-QN with the L1 weight on every coefficient; intercepts stay unpenalised.
      std::vector<double> weights(c.size(), l1);
      const std::int64_t stride = loss.n_params() / (n_classes == 2 ? 1 : n_classes);
      if (fit_intercept)
        for (std::size_t k = static_cast<std::size_t>(stride) - 1; k < weights.size();
             k += static_cast<std::size_t>(stride))
          weights[k] = 0.0;
      r = linear::minimize_owlqn(std::ref(loss), c.data(), loss.n_params(), weights.data(),
                                 options);
    } else {
      r = linear::minimize_lbfgs(std::ref(loss), c.data(), loss.n_params(), nullptr, nullptr,
                                 options);
    }
  }
  return result_tuple(r);
}

}  // namespace

void bind_linear(py::module_& m) {
  py::module_ lm = m.def_submodule("linear", "Linear models and the L-BFGS solver");
  lm.def("minimize_lbfgs", &minimize_lbfgs_py, py::arg("fun"), py::arg("x0"), py::arg("lower"),
         py::arg("upper"), py::arg("maxcor"), py::arg("ftol"), py::arg("gtol"), py::arg("maxiter"),
         py::arg("maxfun"), py::arg("maxls"));
  lm.def("minimize_owlqn", &minimize_owlqn_py, py::arg("fun"), py::arg("x0"), py::arg("l1"),
         py::arg("maxcor"), py::arg("ftol"), py::arg("gtol"), py::arg("maxiter"), py::arg("maxfun"),
         py::arg("maxls"));
  lm.def("minimize_lbfgs_native", &minimize_lbfgs_native, py::arg("address"), py::arg("x0"),
         py::arg("lower"), py::arg("upper"), py::arg("maxcor"), py::arg("ftol"), py::arg("gtol"),
         py::arg("maxiter"), py::arg("maxfun"), py::arg("maxls"));
  lm.def(
      "logistic_loss_gradient",
      [](const py::array& X, const py::array& y, const py::object& weight, const py::array& coef,
         std::int64_t n_classes, bool fit_intercept, double scale, double l2, int n_threads) {
        return has_dtype<float>(X)
                   ? logistic_loss_gradient_t<float>(X, y, weight, coef, n_classes, fit_intercept,
                                                     scale, l2, n_threads)
                   : logistic_loss_gradient_t<double>(X, y, weight, coef, n_classes, fit_intercept,
                                                      scale, l2, n_threads);
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("coef"), py::arg("n_classes"),
      py::arg("fit_intercept"), py::arg("scale"), py::arg("l2"), py::arg("n_threads"));
  lm.def(
      "fit_logistic",
      [](const py::array& X, const py::array& y, const py::object& weight, const py::array& coef0,
         std::int64_t n_classes, bool fit_intercept, double scale, double l2, double l1,
         std::int64_t maxcor, double ftol, double gtol, std::int64_t maxiter, std::int64_t maxfun,
         std::int64_t maxls, int n_threads) {
        require(std::isfinite(l1) && l1 >= 0.0, "l1 must be finite and >= 0");
        const auto o = make_options(maxcor, ftol, gtol, maxiter, maxfun, maxls);
        return has_dtype<float>(X)
                   ? fit_logistic_t<float>(X, y, weight, coef0, n_classes, fit_intercept, scale, l2,
                                           l1, o, n_threads)
                   : fit_logistic_t<double>(X, y, weight, coef0, n_classes, fit_intercept, scale,
                                            l2, l1, o, n_threads);
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("coef0"), py::arg("n_classes"),
      py::arg("fit_intercept"), py::arg("scale"), py::arg("l2"), py::arg("l1"), py::arg("maxcor"),
      py::arg("ftol"), py::arg("gtol"), py::arg("maxiter"), py::arg("maxfun"), py::arg("maxls"),
      py::arg("n_threads"));
  bind_coordinate_descent(lm);
  bind_sgd_and_svm(lm);
  bind_saga(lm);
}

}  // namespace mlarsenal::bindings
