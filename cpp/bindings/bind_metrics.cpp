// Bindings of cpp/include/mlarsenal/metrics/metrics.hpp. Dtypes are chosen by
// python/mlarsenal/metrics; here they are dispatched on and checked.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "array_conversion.hpp"
#include "bindings.hpp"
#include "mlarsenal/metrics/metrics.hpp"

namespace py = pybind11;

namespace mlarsenal::bindings {
namespace {

template <class T>
py::tuple squared_error_sums_t(const py::array& y_true, const py::array& y_pred,
                               const py::object& weight, int n_threads) {
  const auto t = matrix_view<T>(y_true, "y_true");
  const auto p = matrix_view<T>(y_pred, "y_pred");
  const auto w = optional_vector_view<T>(weight, "sample_weight");
  metrics::SquaredErrorSums sums;
  {
    py::gil_scoped_release nogil;
    sums = metrics::squared_error_sums<T>(t, p, w, n_threads);
  }
  return py::make_tuple(
      py::array_t<double>(static_cast<py::ssize_t>(sums.per_column.size()), sums.per_column.data()),
      sums.weight_sum);
}

template <class T>
py::tuple match_sums_t(const py::array& a, const py::array& b, const py::object& weight,
                       int n_threads) {
  const auto va = vector_view<T>(a, "y_true");
  const auto vb = vector_view<T>(b, "y_pred");
  const auto w = optional_vector_view<double>(weight, "sample_weight");
  metrics::MatchSums sums;
  {
    py::gil_scoped_release nogil;
    sums = metrics::match_sums<T>(va, vb, w, n_threads);
  }
  return py::make_tuple(sums.matched, sums.weight_sum);
}

template <class W>
py::array confusion_counts_t(const py::array& true_codes, const py::array& pred_codes,
                             const py::object& weight, std::int64_t n_classes, int n_threads) {
  const auto t = vector_view<std::int32_t>(true_codes, "y_true");
  const auto p = vector_view<std::int32_t>(pred_codes, "y_pred");
  const auto w = optional_vector_view<W>(weight, "sample_weight");
  require(n_classes >= 0 && n_classes <= (std::int64_t(1) << 20),
          "n_classes must be in [0, 2**20]");
  py::array_t<W> out({n_classes, n_classes});
  W* data = out.mutable_data();
  {
    py::gil_scoped_release nogil;
    metrics::confusion_counts<W>(t, p, w, n_classes, n_threads, data);
  }
  return out;
}

template <class T>
py::dict log_loss_sums_t(const py::array& codes, const py::array& proba, const py::object& weight,
                         double eps, double rtol, int n_threads) {
  const auto c = vector_view<std::int32_t>(codes, "y_true");
  const auto p = matrix_view<T>(proba, "y_proba");
  const auto w = optional_vector_view<T>(weight, "sample_weight");
  metrics::LogLossSums s;
  {
    py::gil_scoped_release nogil;
    s = metrics::log_loss_sums<T>(c, p, w, static_cast<T>(eps), rtol, n_threads);
  }
  py::dict d;
  d["loss"] = s.loss;
  d["weight_sum"] = s.weight_sum;
  d["min_proba"] = s.min_proba;
  d["max_proba"] = s.max_proba;
  d["nan_count"] = s.nan_count;
  d["rows_not_normalised"] = s.rows_not_normalised;
  return d;
}

template <class T>
double binary_roc_auc_t(const py::array& positive, const py::array& score, const py::object& weight,
                        int n_threads) {
  const auto y = vector_view<std::uint8_t>(positive, "y_true");
  const auto s = vector_view<T>(score, "y_score");
  const auto w = optional_vector_view<T>(weight, "sample_weight");
  py::gil_scoped_release nogil;
  return metrics::binary_roc_auc<T>(y, s, w, n_threads);
}

template <class T>
py::tuple binary_clf_curve_t(const py::array& positive, const py::array& score,
                             const py::object& weight, int n_threads) {
  const auto y = vector_view<std::uint8_t>(positive, "y_true");
  const auto s = vector_view<T>(score, "y_score");
  const auto w = optional_vector_view<T>(weight, "sample_weight");
  metrics::ClassificationCurve c;
  {
    py::gil_scoped_release nogil;
    c = metrics::binary_clf_curve<T>(y, s, w, n_threads);
  }
  auto to_array = [](const std::vector<double>& v) {
    return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
  };
  return py::make_tuple(to_array(c.fps), to_array(c.tps), to_array(c.thresholds));
}

}  // namespace

void bind_metrics(py::module_& m) {
  py::module_ mm = m.def_submodule("metrics", "Metric kernels");

  mm.def(
      "squared_error_sums",
      [](const py::array& y_true, const py::array& y_pred, const py::object& weight,
         int n_threads) {
        return has_dtype<float>(y_true)
                   ? squared_error_sums_t<float>(y_true, y_pred, weight, n_threads)
                   : squared_error_sums_t<double>(y_true, y_pred, weight, n_threads);
      },
      py::arg("y_true"), py::arg("y_pred"), py::arg("sample_weight"), py::arg("n_threads"));

  mm.def(
      "match_sums",
      [](const py::array& a, const py::array& b, const py::object& weight,
         int n_threads) -> py::tuple {
        if (has_dtype<std::uint8_t>(a)) return match_sums_t<std::uint8_t>(a, b, weight, n_threads);
        if (has_dtype<std::int32_t>(a)) return match_sums_t<std::int32_t>(a, b, weight, n_threads);
        if (has_dtype<std::int64_t>(a)) return match_sums_t<std::int64_t>(a, b, weight, n_threads);
        if (has_dtype<float>(a)) return match_sums_t<float>(a, b, weight, n_threads);
        return match_sums_t<double>(a, b, weight, n_threads);
      },
      py::arg("y_true"), py::arg("y_pred"), py::arg("sample_weight"), py::arg("n_threads"));

  mm.def(
      "confusion_counts",
      [](const py::array& t, const py::array& p, const py::object& weight, std::int64_t n_classes,
         int n_threads) {
        const bool real_weights = !weight.is_none() && has_dtype<double>(weight.cast<py::array>());
        return real_weights ? confusion_counts_t<double>(t, p, weight, n_classes, n_threads)
                            : confusion_counts_t<std::int64_t>(t, p, weight, n_classes, n_threads);
      },
      py::arg("true_codes"), py::arg("pred_codes"), py::arg("sample_weight"), py::arg("n_classes"),
      py::arg("n_threads"));

  mm.def(
      "log_loss_sums",
      [](const py::array& codes, const py::array& proba, const py::object& weight, double eps,
         double rtol, int n_threads) {
        return has_dtype<float>(proba)
                   ? log_loss_sums_t<float>(codes, proba, weight, eps, rtol, n_threads)
                   : log_loss_sums_t<double>(codes, proba, weight, eps, rtol, n_threads);
      },
      py::arg("codes"), py::arg("y_proba"), py::arg("sample_weight"), py::arg("eps"),
      py::arg("row_sum_rtol"), py::arg("n_threads"));

  mm.def(
      "binary_roc_auc",
      [](const py::array& positive, const py::array& score, const py::object& weight,
         int n_threads) {
        return has_dtype<float>(score)
                   ? binary_roc_auc_t<float>(positive, score, weight, n_threads)
                   : binary_roc_auc_t<double>(positive, score, weight, n_threads);
      },
      py::arg("positive"), py::arg("y_score"), py::arg("sample_weight"), py::arg("n_threads"));

  mm.def(
      "binary_clf_curve",
      [](const py::array& positive, const py::array& score, const py::object& weight,
         int n_threads) {
        return has_dtype<float>(score)
                   ? binary_clf_curve_t<float>(positive, score, weight, n_threads)
                   : binary_clf_curve_t<double>(positive, score, weight, n_threads);
      },
      py::arg("positive"), py::arg("y_score"), py::arg("sample_weight"), py::arg("n_threads"));
}

}  // namespace mlarsenal::bindings
