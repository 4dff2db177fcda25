#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "blocking.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/metrics/metrics.hpp"

namespace mlarsenal::metrics {
namespace {

using detail::kRowBlock;

void require_same_length(std::int64_t a, std::int64_t b, const char* name_a, const char* name_b) {
  require(a == b, std::string(name_a) + " and " + name_b +
                      " have different lengths: " + std::to_string(a) + " vs " + std::to_string(b));
}

}  // namespace

// ---------------------------------------------------------------- accuracy

template <class T>
MatchSums match_sums(VectorView<const T> a, VectorView<const T> b, VectorView<const double> weight,
                     int n_threads) {
  require_same_length(a.size, b.size, "y_true", "y_pred");
  const bool weighted = !weight.empty();
  if (weighted) require_same_length(a.size, weight.size, "y_true", "sample_weight");
  const std::int64_t n = a.size;
  const std::int64_t blocks = num_blocks(n, kRowBlock);
  std::vector<double> matched(blocks, 0.0), total(blocks, 0.0);
  parallel_for_blocks(n, kRowBlock, n_threads,
                      [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
                        if (weighted) {
                          double m = 0.0, t = 0.0;
                          for (std::int64_t i = begin; i < end; ++i) {
                            const double w = weight[i];
                            m += a[i] == b[i] ? w : 0.0;
                            t += w;
                          }
                          matched[blk] = m;
                          total[blk] = t;
                        } else {
                          std::int64_t m = 0;
                          for (std::int64_t i = begin; i < end; ++i) m += a[i] == b[i];
                          matched[blk] = static_cast<double>(m);
                        }
                      });
  MatchSums out;
  out.matched = detail::sum_in_order(matched);
  out.weight_sum = weighted ? detail::sum_in_order(total) : static_cast<double>(n);
  return out;
}

template MatchSums match_sums<std::uint8_t>(VectorView<const std::uint8_t>,
                                            VectorView<const std::uint8_t>,
                                            VectorView<const double>, int);
template MatchSums match_sums<std::int32_t>(VectorView<const std::int32_t>,
                                            VectorView<const std::int32_t>,
                                            VectorView<const double>, int);
template MatchSums match_sums<std::int64_t>(VectorView<const std::int64_t>,
                                            VectorView<const std::int64_t>,
                                            VectorView<const double>, int);
template MatchSums match_sums<float>(VectorView<const float>, VectorView<const float>,
                                     VectorView<const double>, int);
template MatchSums match_sums<double>(VectorView<const double>, VectorView<const double>,
                                      VectorView<const double>, int);

// ---------------------------------------------------------------- confusion matrix

template <class W>
void confusion_counts(VectorView<const std::int32_t> true_codes,
                      VectorView<const std::int32_t> pred_codes, VectorView<const W> weight,
                      std::int64_t n_classes, int n_threads, W* out) {
  require_same_length(true_codes.size, pred_codes.size, "y_true", "y_pred");
  const bool weighted = !weight.empty();
  if (weighted) require_same_length(true_codes.size, weight.size, "y_true", "sample_weight");
  require(n_classes >= 0, "n_classes must be non-negative");
  const std::int64_t n = true_codes.size;
  const std::int64_t cells = n_classes * n_classes;
  std::fill(out, out + cells, W(0));
  if (n == 0 || cells == 0) return;

  // One private matrix per chunk, summed in chunk order. The chunk size
  // depends on n and n_classes only (not on threads), and the partial
  // matrices are capped at 64 MiB in all.
  constexpr std::int64_t kBudgetBytes = std::int64_t(64) << 20;
  const std::int64_t max_chunks =
      std::max<std::int64_t>(1, kBudgetBytes / (cells * static_cast<std::int64_t>(sizeof(W))));
  const std::int64_t chunk =
      std::max<std::int64_t>(kRowBlock * 2, (n + max_chunks - 1) / max_chunks);
  const std::int64_t chunks = num_blocks(n, chunk);
  std::vector<W> partial(static_cast<std::size_t>(chunks * cells), W(0));

  parallel_for_blocks(n, chunk, n_threads,
                      [&](std::int64_t c, std::int64_t begin, std::int64_t end) {
                        W* m = partial.data() + c * cells;
                        for (std::int64_t i = begin; i < end; ++i) {
                          const std::int64_t t = true_codes[i], p = pred_codes[i];
                          if (t < 0 || t >= n_classes || p < 0 || p >= n_classes) continue;
                          m[t * n_classes + p] += weighted ? weight[i] : W(1);
                        }
                      });
  for (std::int64_t c = 0; c < chunks; ++c) {
    const W* m = partial.data() + c * cells;
    for (std::int64_t j = 0; j < cells; ++j) out[j] += m[j];
  }
}

template void confusion_counts<std::int64_t>(VectorView<const std::int32_t>,
                                             VectorView<const std::int32_t>,
                                             VectorView<const std::int64_t>, std::int64_t, int,
                                             std::int64_t*);
template void confusion_counts<double>(VectorView<const std::int32_t>,
                                       VectorView<const std::int32_t>, VectorView<const double>,
                                       std::int64_t, int, double*);

// ---------------------------------------------------------------- log loss

template <class T>
LogLossSums log_loss_sums(VectorView<const std::int32_t> codes, MatrixView<const T> proba,
                          VectorView<const T> weight, T eps, double row_sum_rtol, int n_threads) {
  require_same_length(codes.size, proba.rows, "y_true", "y_proba");
  const bool weighted = !weight.empty();
  if (weighted) require_same_length(codes.size, weight.size, "y_true", "sample_weight");
  const std::int64_t n = proba.rows, k = proba.cols;
  require(k >= 1, "y_proba has no columns");
  const std::int64_t classes = k == 1 ? 2 : k;
  const T lo = eps, hi = T(1) - eps;

  struct Partial {
    double loss = 0.0, weight = 0.0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    std::int64_t nan = 0, not_normalised = 0;
  };
  const std::int64_t blocks = num_blocks(n, kRowBlock);
  std::vector<Partial> partial(blocks);

  parallel_for_blocks(
      n, kRowBlock, n_threads, [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
        Partial s;
        for (std::int64_t i = begin; i < end; ++i) {
          const std::int64_t c = codes[i];
          if (c < 0 || c >= classes)
            throw InvalidArgument("class code " + std::to_string(c) + " out of range for " +
                                  std::to_string(classes) + " classes");
          T q;
          if (k == 1) {
            const T p = proba(i, 0);
            if (std::isnan(p)) {
              ++s.nan;
              continue;
            }
            s.min = std::min<double>(s.min, p);
            s.max = std::max<double>(s.max, p);
            q = c == 1 ? p : T(1) - p;
          } else {
            double row_sum = 0.0;
            bool has_nan = false;
            for (std::int64_t j = 0; j < k; ++j) {
              const T p = proba(i, j);
              if (std::isnan(p)) {
                has_nan = true;
                continue;
              }
              s.min = std::min<double>(s.min, p);
              s.max = std::max<double>(s.max, p);
              row_sum += p;
            }
            if (has_nan) {
              ++s.nan;
              continue;
            }
            if (!(std::fabs(row_sum - 1.0) <= 1e-8 + row_sum_rtol)) ++s.not_normalised;
            q = proba(i, c);
          }
          q = std::min(std::max(q, lo), hi);
          const double w = weighted ? static_cast<double>(weight[i]) : 1.0;
          s.loss += w * -std::log(static_cast<double>(q));
          s.weight += w;
        }
        partial[blk] = s;
      });

  LogLossSums out;
  out.min_proba = std::numeric_limits<double>::infinity();
  out.max_proba = -std::numeric_limits<double>::infinity();
  for (const Partial& s : partial) {
    out.loss += s.loss;
    out.weight_sum += s.weight;
    out.min_proba = std::min(out.min_proba, s.min);
    out.max_proba = std::max(out.max_proba, s.max);
    out.nan_count += s.nan;
    out.rows_not_normalised += s.not_normalised;
  }
  return out;
}

template LogLossSums log_loss_sums<float>(VectorView<const std::int32_t>, MatrixView<const float>,
                                          VectorView<const float>, float, double, int);
template LogLossSums log_loss_sums<double>(VectorView<const std::int32_t>, MatrixView<const double>,
                                           VectorView<const double>, double, double, int);

}  // namespace mlarsenal::metrics
