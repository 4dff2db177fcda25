// ROC AUC by sorting once and sweeping groups of tied scores.
//
// Scores are mapped to order-preserving integer keys and radix-sorted (much
// faster than a comparison sort of doubles, and stable, so the result does
// not depend on the thread count). Unweighted inputs carry the one-byte label
// through the sort; weighted inputs carry the row index and gather weights.
#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/radix_sort.hpp"
#include "mlarsenal/metrics/metrics.hpp"

namespace mlarsenal::metrics {
namespace {

template <class T>
using KeyOf = std::conditional_t<std::is_same<T, float>::value, std::uint32_t, std::uint64_t>;

// One group of equal scores: its key and the weight of each class in it.
template <class Key>
struct Group {
  Key key;
  double positive;
  double negative;
};

void check_lengths(std::int64_t labels, std::int64_t scores, std::int64_t weights) {
  require(labels == scores, "y_true and y_score have different lengths: " + std::to_string(labels) +
                                " vs " + std::to_string(scores));
  require(weights == 0 || weights == labels, "sample_weight has " + std::to_string(weights) +
                                                 " entries for " + std::to_string(labels) +
                                                 " samples");
}

// Weighted rows carry their index through the sort and gather the weight.
template <class Index, class T, class Key, class Visit>
void sweep_weighted(VectorView<const std::uint8_t> positive, VectorView<const T> score,
                    VectorView<const T> weight, std::vector<Key> keys, int n_threads,
                    Visit& visit) {
  const std::int64_t n = score.size;
  std::vector<Index> index(static_cast<std::size_t>(n));
  parallel_for(
      n, n_threads,
      [&](std::int64_t i) {
        keys[i] = sortable_key(score[i]);
        index[i] = static_cast<Index>(i);
      },
      1 << 16);
  radix_sort_pairs(keys, index, n_threads);
  for (std::int64_t i = 0; i < n;) {
    double pos = 0.0, neg = 0.0;
    std::int64_t j = i;
    const Key key = keys[i];
    for (; j < n && keys[j] == key; ++j) {
      const std::int64_t r = static_cast<std::int64_t>(index[j]);
      const double w = static_cast<double>(weight[r]);
      if (positive[r])
        pos += w;
      else
        neg += w;
    }
    visit(Group<Key>{key, pos, neg});
    i = j;
  }
}

// Calls visit(group) for each group of tied scores, in increasing score order.
template <class T, class Visit>
void for_each_tie_group(VectorView<const std::uint8_t> positive, VectorView<const T> score,
                        VectorView<const T> weight, int n_threads, Visit&& visit) {
  using Key = KeyOf<T>;
  const std::int64_t n = score.size;
  std::vector<Key> keys(static_cast<std::size_t>(n));
  if (weight.empty()) {
    std::vector<std::uint8_t> label(static_cast<std::size_t>(n));
    parallel_for(
        n, n_threads,
        [&](std::int64_t i) {
          keys[i] = sortable_key(score[i]);
          label[i] = positive[i] != 0;
        },
        1 << 16);
    radix_sort_pairs(keys, label, n_threads);
    for (std::int64_t i = 0; i < n;) {
      std::int64_t pos = 0, j = i;
      const Key key = keys[i];
      for (; j < n && keys[j] == key; ++j) pos += label[j];
      visit(Group<Key>{key, static_cast<double>(pos), static_cast<double>(j - i - pos)});
      i = j;
    }
    return;
  }
  // Row indices as 32-bit payloads when they fit: less memory traffic per pass.
  if (n <= static_cast<std::int64_t>(UINT32_MAX)) {
    sweep_weighted<std::uint32_t>(positive, score, weight, std::move(keys), n_threads, visit);
  } else {
    sweep_weighted<std::uint64_t>(positive, score, weight, std::move(keys), n_threads, visit);
  }
}

}  // namespace

template <class T>
double binary_roc_auc(VectorView<const std::uint8_t> positive, VectorView<const T> score,
                      VectorView<const T> weight, int n_threads) {
  check_lengths(positive.size, score.size, weight.size);
  // Area under the ROC curve = sum over groups of pos * (neg below + neg tied / 2),
  // normalised by P * N: each tie group is one trapezoid. The area is summed
  // in runs of 4096 groups to keep the rounding error of long sums small.
  double area = 0.0, run = 0.0, negatives_below = 0.0, positives = 0.0;
  std::int64_t in_run = 0;
  for_each_tie_group(positive, score, weight, n_threads, [&](const auto& g) {
    run += g.positive * (negatives_below + 0.5 * g.negative);
    negatives_below += g.negative;
    positives += g.positive;
    if (++in_run == 4096) {
      area += run;
      run = 0.0;
      in_run = 0;
    }
  });
  area += run;
  const double denominator = positives * negatives_below;
  require(denominator != 0.0, "ROC AUC needs both classes with non-zero total weight");
  return area / denominator;
}

template <class T>
ClassificationCurve binary_clf_curve(VectorView<const std::uint8_t> positive,
                                     VectorView<const T> score, VectorView<const T> weight,
                                     int n_threads) {
  check_lengths(positive.size, score.size, weight.size);
  std::vector<Group<KeyOf<T>>> groups;
  for_each_tie_group(positive, score, weight, n_threads, [&](const auto& g) {
    // Rows of zero weight add no point to the curve (as in scikit-learn).
    if (g.positive != 0.0 || g.negative != 0.0 || weight.empty()) groups.push_back(g);
  });
  ClassificationCurve curve;
  curve.fps.reserve(groups.size());
  curve.tps.reserve(groups.size());
  curve.thresholds.reserve(groups.size());
  double fps = 0.0, tps = 0.0;
  for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
    fps += g->negative;
    tps += g->positive;
    curve.fps.push_back(fps);
    curve.tps.push_back(tps);
    curve.thresholds.push_back(static_cast<double>(key_to_value(g->key)));
  }
  return curve;
}

template double binary_roc_auc<float>(VectorView<const std::uint8_t>, VectorView<const float>,
                                      VectorView<const float>, int);
template double binary_roc_auc<double>(VectorView<const std::uint8_t>, VectorView<const double>,
                                       VectorView<const double>, int);
template ClassificationCurve binary_clf_curve<float>(VectorView<const std::uint8_t>,
                                                     VectorView<const float>,
                                                     VectorView<const float>, int);
template ClassificationCurve binary_clf_curve<double>(VectorView<const std::uint8_t>,
                                                      VectorView<const double>,
                                                      VectorView<const double>, int);

}  // namespace mlarsenal::metrics
