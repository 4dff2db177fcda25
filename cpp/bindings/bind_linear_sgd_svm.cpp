// Bindings of the SGD and linear-SVM (dual coordinate descent, primal Newton
// and OWL-QN) solvers.
//
// X arrives as a C-contiguous 2-d float32/float64 array, or as a CSR tuple
// (data, indices, indptr, n_cols) with int64 indices and indptr; the
// estimators in python/mlarsenal/linear_model have validated values, labels
// and weights and picked the dtypes.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/linear/dual_cd_svm.hpp"
#include "mlarsenal/linear/sgd.hpp"
#include "mlarsenal/linear/svm_primal.hpp"
#include "row_input.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

using row_input::contiguous_data;
using row_input::is_csr;
using row_input::row_matrix;
using row_input::values_are_float32;

// One LinearSVC fit (binary, or one-vs-rest over n_classes): the inputs
// checked against X's rows, then solve(rows, codes, cost, class_weight, coef,
// n_iter) without the GIL. Returns (coef with the intercept last, n_iter).
template <class T, class Solve>
py::tuple fit_svc_t(const py::object& X, const py::array& y, std::int64_t n_classes,
                    const py::array& row_cost, const py::array& class_weight, Solve& solve) {
  const auto rows = row_matrix<T>(X);
  const auto* codes = contiguous_data<std::int32_t>(y, "y");
  const auto* cost = contiguous_data<double>(row_cost, "row_cost");
  const auto* cw = contiguous_data<double>(class_weight, "class_weight");
  require(y.shape(0) == rows.rows && row_cost.shape(0) == rows.rows,
          "y and row_cost must have one entry per row of X");
  require(class_weight.shape(0) == n_classes, "class_weight must have one entry per class");
  const std::int64_t n_problems = n_classes == 2 ? 1 : n_classes;
  py::array_t<double> coef({n_problems, rows.cols + 1});
  py::array_t<std::int64_t> n_iter(n_problems);
  double* coef_data = coef.mutable_data();
  std::int64_t* iter_data = n_iter.mutable_data();
  {
    py::gil_scoped_release nogil;
    solve(rows, codes, cost, cw, coef_data, iter_data);
  }
  return py::make_tuple(coef, n_iter);
}

// fit_svc_t in X's float type.
template <class Solve>
py::tuple fit_svc(const py::object& X, const py::array& y, std::int64_t n_classes,
                  const py::array& row_cost, const py::array& class_weight, Solve solve) {
  return values_are_float32(X) ? fit_svc_t<float>(X, y, n_classes, row_cost, class_weight, solve)
                               : fit_svc_t<double>(X, y, n_classes, row_cost, class_weight, solve);
}

// A float64, C-contiguous, writeable array the solver updates in place.
double* state_array(const py::object& o, std::int64_t size, const char* name) {
  if (o.is_none()) return nullptr;
  auto a = o.cast<py::array>();
  require_dtype<double>(a, name);
  require((a.flags() & py::array::c_style) != 0 && a.writeable(),
          std::string(name) + " must be a writeable C-contiguous float64 array");
  require(a.size() == size, std::string(name) + " must have " + std::to_string(size) + " entries");
  return static_cast<double*>(a.mutable_data());
}

const std::int64_t* row_list(const py::array& a, const char* name, std::int64_t* n) {
  *n = a.shape(0);
  return contiguous_data<std::int64_t>(a, name);
}

linear::SgdLoss sgd_loss(const std::string& name) {
  using L = linear::SgdLoss;
  if (name == "hinge") return L::hinge;
  if (name == "perceptron") return L::perceptron;
  if (name == "squared_hinge") return L::squared_hinge;
  if (name == "log_loss") return L::log_loss;
  if (name == "modified_huber") return L::modified_huber;
  if (name == "squared_error") return L::squared_error;
  if (name == "huber") return L::huber;
  if (name == "epsilon_insensitive") return L::epsilon_insensitive;
  if (name == "squared_epsilon_insensitive") return L::squared_epsilon_insensitive;
  throw InvalidArgument("loss: unknown loss \"" + name + "\"");
}

linear::LearningRate learning_rate(const std::string& name) {
  using R = linear::LearningRate;
  if (name == "constant") return R::constant;
  if (name == "optimal") return R::optimal;
  if (name == "invscaling") return R::invscaling;
  if (name == "adaptive") return R::adaptive;
  throw InvalidArgument("learning_rate: unknown schedule \"" + name + "\"");
}

linear::SgdOptions sgd_options(const py::dict& d) {
  linear::SgdOptions o;
  o.loss = sgd_loss(d["loss"].cast<std::string>());
  o.epsilon = d["epsilon"].cast<double>();
  o.alpha = d["alpha"].cast<double>();
  o.penalize = d["penalize"].cast<bool>();
  o.l1_ratio = d["l1_ratio"].cast<double>();
  o.learning_rate = learning_rate(d["learning_rate"].cast<std::string>());
  o.eta0 = d["eta0"].cast<double>();
  o.power_t = d["power_t"].cast<double>();
  o.fit_intercept = d["fit_intercept"].cast<bool>();
  o.intercept_decay = d["intercept_decay"].cast<double>();
  o.max_iter = d["max_iter"].cast<std::int64_t>();
  const py::object tol = d["tol"];
  o.check_improvement = !tol.is_none();
  o.tol = tol.is_none() ? 0.0 : tol.cast<double>();
  o.n_iter_no_change = d["n_iter_no_change"].cast<std::int64_t>();
  o.shuffle = d["shuffle"].cast<bool>();
  o.average = d["average"].cast<double>();
  o.t_start = d["t_start"].cast<double>();
  o.classification_score = d["classification_score"].cast<bool>();
  return o;
}

template <class T>
py::array_t<std::int64_t> fit_sgd_t(const py::object& X, const py::object& codes,
                                    const py::object& target, const py::object& sample_weight,
                                    const py::array& train_rows, const py::array& validation_rows,
                                    const py::array& positive, const py::array& weight_pos,
                                    const py::array& weight_neg, const py::array& seeds,
                                    const py::object& coef, const py::object& intercept,
                                    const py::object& average_coef,
                                    const py::object& average_intercept,
                                    const linear::SgdOptions& options, int n_threads) {
  const auto rows = row_matrix<T>(X);
  linear::SgdData data;
  if (!codes.is_none()) data.codes = contiguous_data<std::int32_t>(codes.cast<py::array>(), "y");
  if (!target.is_none()) data.target = contiguous_data<double>(target.cast<py::array>(), "y");
  if (!sample_weight.is_none())
    data.sample_weight = contiguous_data<double>(sample_weight.cast<py::array>(), "sample_weight");
  const py::object y_array = codes.is_none() ? target : codes;
  require(!y_array.is_none() && py::len(y_array) == static_cast<std::size_t>(rows.rows),
          "y must have one entry per row of X");
  require(sample_weight.is_none() || py::len(sample_weight) == static_cast<std::size_t>(rows.rows),
          "sample_weight must have one entry per row of X");
  data.train_rows = row_list(train_rows, "train_rows", &data.n_train);
  data.validation_rows = row_list(validation_rows, "validation_rows", &data.n_validation);

  const std::int64_t n_problems = positive.shape(0);
  require(weight_pos.shape(0) == n_problems && weight_neg.shape(0) == n_problems &&
              seeds.shape(0) == n_problems,
          "positive, weight_pos, weight_neg and seeds must have one entry per problem");
  const auto* pos = contiguous_data<std::int32_t>(positive, "positive");
  const auto* wp = contiguous_data<double>(weight_pos, "weight_pos");
  const auto* wn = contiguous_data<double>(weight_neg, "weight_neg");
  const auto* sd = contiguous_data<std::uint64_t>(seeds, "seeds");
  std::vector<linear::SgdProblem> problems(static_cast<std::size_t>(n_problems));
  for (std::int64_t p = 0; p < n_problems; ++p) {
    problems[p].positive = pos[p];
    problems[p].weight_pos = wp[p];
    problems[p].weight_neg = wn[p];
    problems[p].seed = sd[p];
  }
  linear::SgdState state;
  state.coef = state_array(coef, n_problems * rows.cols, "coef");
  state.intercept = state_array(intercept, n_problems, "intercept");
  require(state.coef && state.intercept, "coef and intercept are required");
  if (options.average > 0.0) {
    state.average_coef = state_array(average_coef, n_problems * rows.cols, "average_coef");
    state.average_intercept = state_array(average_intercept, n_problems, "average_intercept");
    require(state.average_coef && state.average_intercept,
            "average_coef and average_intercept are required when averaging");
  }
  py::array_t<std::int64_t> epochs(n_problems);
  std::int64_t* epochs_data = epochs.mutable_data();
  {
    py::gil_scoped_release nogil;
    linear::fit_sgd(rows, data, problems.data(), n_problems, options, n_threads, state,
                    epochs_data);
  }
  return epochs;
}

linear::SvmLoss svm_loss(const std::string& name) {
  if (name == "hinge") return linear::SvmLoss::hinge;
  if (name == "squared_hinge") return linear::SvmLoss::squared_hinge;
  throw InvalidArgument("loss must be \"hinge\" or \"squared_hinge\", got \"" + name + "\"");
}

linear::SvmPenalty svm_penalty(const std::string& name) {
  if (name == "l2") return linear::SvmPenalty::l2;
  if (name == "l1") return linear::SvmPenalty::l1;
  throw InvalidArgument("penalty must be \"l1\" or \"l2\", got \"" + name + "\"");
}

}  // namespace

void bind_sgd_and_svm(py::module_& linear) {
  linear.def(
      "fit_linear_svc",
      [](const py::object& X, const py::array& y, std::int64_t n_classes, const py::array& row_cost,
         const py::array& class_weight, const std::string& loss, double tol, std::int64_t max_iter,
         double intercept_scaling, std::uint64_t seed, int n_threads) {
        linear::DualCdOptions o;
        o.loss = svm_loss(loss);
        o.tol = tol;
        o.max_iter = max_iter;
        o.intercept_scaling = intercept_scaling;
        o.seed = seed;
        return fit_svc(X, y, n_classes, row_cost, class_weight,
                       [&](const auto& rows, const std::int32_t* codes, const double* cost,
                           const double* cw, double* coef, std::int64_t* n_iter) {
                         linear::fit_linear_svc(rows, codes, n_classes, cost, cw, o, n_threads,
                                                coef, n_iter);
                       });
      },
      py::arg("X"), py::arg("y"), py::arg("n_classes"), py::arg("row_cost"),
      py::arg("class_weight"), py::arg("loss"), py::arg("tol"), py::arg("max_iter"),
      py::arg("intercept_scaling"), py::arg("seed"), py::arg("n_threads"),
      "Dual coordinate descent for LinearSVC; returns (coef with the intercept last, n_iter).");
  linear.def(
      "fit_linear_svc_primal",
      [](const py::object& X, const py::array& y, std::int64_t n_classes, const py::array& row_cost,
         const py::array& class_weight, const std::string& penalty, double tol,
         std::int64_t max_iter, double intercept_scaling, int n_threads) {
        linear::PrimalSvmOptions o;
        o.penalty = svm_penalty(penalty);
        o.tol = tol;
        o.max_iter = max_iter;
        o.intercept_scaling = intercept_scaling;
        return fit_svc(X, y, n_classes, row_cost, class_weight,
                       [&](const auto& rows, const std::int32_t* codes, const double* cost,
                           const double* cw, double* coef, std::int64_t* n_iter) {
                         linear::fit_linear_svc_primal(rows, codes, n_classes, cost, cw, o,
                                                       n_threads, coef, n_iter);
                       });
      },
      py::arg("X"), py::arg("y"), py::arg("n_classes"), py::arg("row_cost"),
      py::arg("class_weight"), py::arg("penalty"), py::arg("tol"), py::arg("max_iter"),
      py::arg("intercept_scaling"), py::arg("n_threads"),
      "Primal squared-hinge LinearSVC (l2: Newton-CG, l1: OWL-QN); returns (coef with the "
      "intercept last, n_iter).");
  linear.def(
      "fit_sgd",
      [](const py::object& X, const py::object& codes, const py::object& target,
         const py::object& sample_weight, const py::array& train_rows,
         const py::array& validation_rows, const py::array& positive, const py::array& weight_pos,
         const py::array& weight_neg, const py::array& seeds, const py::object& coef,
         const py::object& intercept, const py::object& average_coef,
         const py::object& average_intercept, const py::dict& options, int n_threads) {
        const auto o = sgd_options(options);
        return values_are_float32(X)
                   ? fit_sgd_t<float>(X, codes, target, sample_weight, train_rows, validation_rows,
                                      positive, weight_pos, weight_neg, seeds, coef, intercept,
                                      average_coef, average_intercept, o, n_threads)
                   : fit_sgd_t<double>(X, codes, target, sample_weight, train_rows, validation_rows,
                                       positive, weight_pos, weight_neg, seeds, coef, intercept,
                                       average_coef, average_intercept, o, n_threads);
      },
      py::arg("X"), py::arg("codes"), py::arg("target"), py::arg("sample_weight"),
      py::arg("train_rows"), py::arg("validation_rows"), py::arg("positive"), py::arg("weight_pos"),
      py::arg("weight_neg"), py::arg("seeds"), py::arg("coef"), py::arg("intercept"),
      py::arg("average_coef"), py::arg("average_intercept"), py::arg("options"),
      py::arg("n_threads"),
      "SGD epochs over independent problems, updating coef/intercept (and the averages) in "
      "place; returns the epochs run per problem.");
}

}  // namespace mlarsenal::bindings
