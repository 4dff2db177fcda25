// Exact k-nearest-neighbour search: scan -> bounded heaps -> exact re-scoring.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "exact_distance.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/neighbors/distances.hpp"
#include "operand_checks.hpp"
#include "scan.hpp"

namespace mlarsenal::neighbors {
namespace {

using detail::DirectScanner;
using detail::DotScanner;

// The `capacity` smallest (score, index) pairs seen, as a max-heap.
template <class V>
class BoundedHeap {
 public:
  BoundedHeap(std::pair<V, std::int64_t>* slots, std::int64_t capacity)
      : slots_(slots), capacity_(capacity) {}

  V threshold() const {
    return size_ < capacity_ ? std::numeric_limits<V>::infinity() : slots_[0].first;
  }
  void push(V score, std::int64_t index) {
    const std::pair<V, std::int64_t> item(score, index);
    if (size_ < capacity_) {
      slots_[size_++] = item;
      std::push_heap(slots_, slots_ + size_);
    } else if (item < slots_[0]) {
      std::pop_heap(slots_, slots_ + size_);
      slots_[size_ - 1] = item;
      std::push_heap(slots_, slots_ + size_);
    }
  }
  std::int64_t size() const { return size_; }
  bool full() const { return size_ == capacity_; }
  const std::pair<V, std::int64_t>* begin() const { return slots_; }
  const std::pair<V, std::int64_t>* end() const { return slots_ + size_; }
  V worst() const { return slots_[0].first; }

 private:
  std::pair<V, std::int64_t>* slots_;
  std::int64_t capacity_;
  std::int64_t size_ = 0;
};

// A piece of the search: queries [q0, q1) against database rows [y0, y1).
struct Task {
  std::int64_t q0, q1, y0, y1;
};

// Few queries: split the database between threads; otherwise the queries.
std::vector<Task> plan(std::int64_t n_x, std::int64_t n_y, int threads, std::int64_t query_tile) {
  std::vector<Task> tasks;
  if (threads > 1 && n_x < 4 * query_tile * threads && n_y >= 4096 * threads) {
    const std::int64_t chunk = (n_y + threads - 1) / threads;
    for (std::int64_t y0 = 0; y0 < n_y; y0 += chunk)
      tasks.push_back({0, n_x, y0, std::min(n_y, y0 + chunk)});
  } else {
    const std::int64_t parts = std::max<std::int64_t>(
        1, std::min<std::int64_t>(threads * 4, (n_x + query_tile - 1) / query_tile));
    const std::int64_t chunk =
        ((n_x + parts - 1) / parts + query_tile - 1) / query_tile * query_tile;
    for (std::int64_t q0 = 0; q0 < n_x; q0 += chunk)
      tasks.push_back({q0, std::min(n_x, q0 + chunk), 0, n_y});
  }
  return tasks;
}

template <class T, class Scanner>
void search(const Scanner& scanner, MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric,
            std::int64_t k, bool approximate, int n_threads, std::int64_t* out_indices,
            T* out_distances) {
  using V = typename Scanner::Value;
  const std::int64_t n_x = x.rows, n_y = y.rows, d = x.cols;
  // Approximate scores keep spare candidates so that the exactness check
  // rarely fails; exact scores need exactly k.
  const std::int64_t capacity = approximate ? std::min(n_y, 2 * k + 16) : k;
  const int threads = resolve_threads(n_threads);
  const std::vector<Task> tasks = plan(n_x, n_y, threads, Scanner::kQueryTile);

  // Heap storage: for each task, `capacity` slots per query it covers.
  std::vector<std::int64_t> offset(tasks.size() + 1, 0);
  for (std::size_t t = 0; t < tasks.size(); ++t)
    offset[t + 1] = offset[t] + (tasks[t].q1 - tasks[t].q0) * capacity;
  std::vector<std::pair<V, std::int64_t>> slots(static_cast<std::size_t>(offset.back()));
  std::vector<std::int64_t> filled(
      static_cast<std::size_t>(offset.back() / std::max<std::int64_t>(capacity, 1)), 0);

  parallel_for_blocks(
      static_cast<std::int64_t>(tasks.size()), 1, threads,
      [&](std::int64_t t, std::int64_t, std::int64_t) {
        const Task& task = tasks[t];
        std::vector<BoundedHeap<V>> heaps;
        heaps.reserve(static_cast<std::size_t>(task.q1 - task.q0));
        for (std::int64_t i = task.q0; i < task.q1; ++i)
          heaps.emplace_back(slots.data() + offset[t] + (i - task.q0) * capacity, capacity);
        std::vector<std::int32_t> positions(static_cast<std::size_t>(scanner.max_block()));
        scanner.scan(task.q0, task.q1, task.y0, task.y1,
                     [&](std::int64_t i, std::int64_t j0, const V* scores, std::int64_t count) {
                       BoundedHeap<V>& heap = heaps[i - task.q0];
                       if (!heap.full()) {
                         for (std::int64_t j = 0; j < count; ++j) heap.push(scores[j], j0 + j);
                         return;
                       }
                       // Once the heap is full, few rows of a block beat its worst:
                       // find them with vector compares, then push one by one.
                       const std::int64_t hits = scanner.positions_at_most(
                           scores, count, heap.threshold(), positions.data());
                       for (std::int64_t h = 0; h < hits; ++h) {
                         const std::int32_t j = positions[h];
                         if (scores[j] <= heap.threshold()) heap.push(scores[j], j0 + j);
                       }
                     });
        for (std::int64_t i = task.q0; i < task.q1; ++i)
          filled[offset[t] / capacity + (i - task.q0)] = heaps[i - task.q0].size();
      });

  // Per query: merge the tasks' candidates, re-score exactly, check, emit.
  parallel_for(n_x, threads, [&](std::int64_t i) {
    std::vector<std::pair<double, std::int64_t>> exact;
    std::vector<V> approx;
    bool complete = true;  // every database row is a candidate
    V worst_full = std::numeric_limits<V>::infinity();
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      if (i < tasks[t].q0 || i >= tasks[t].q1) continue;
      const std::int64_t row = offset[t] / capacity + (i - tasks[t].q0);
      const std::pair<V, std::int64_t>* begin = slots.data() + row * capacity;
      const std::int64_t n = filled[row];
      V task_worst = -std::numeric_limits<V>::infinity();
      for (std::int64_t c = 0; c < n; ++c) {
        const std::int64_t j = begin[c].second;
        const double score = approximate ? detail::ranking_distance(&x(i, 0), &y(j, 0), d, metric)
                                         : static_cast<double>(begin[c].first);
        exact.emplace_back(score, j);
        approx.push_back(begin[c].first);
        task_worst = std::max(task_worst, begin[c].first);
      }
      if (n < tasks[t].y1 - tasks[t].y0) {
        complete = false;
        worst_full = std::min(worst_full, task_worst);
      }
    }
    if (approximate && !complete) {
      std::nth_element(approx.begin(), approx.begin() + (k - 1), approx.end());
      const double kth = static_cast<double>(approx[k - 1]);
      if (!(static_cast<double>(worst_full) > kth + 2.0 * scanner.error_bound(i))) {
        // Too many near-ties to trust the candidates: score every row exactly.
        exact.clear();
        for (std::int64_t j = 0; j < n_y; ++j)
          exact.emplace_back(detail::ranking_distance(&x(i, 0), &y(j, 0), d, metric), j);
      }
    }
    std::partial_sort(exact.begin(), exact.begin() + k, exact.end());
    for (std::int64_t r = 0; r < k; ++r) {
      out_indices[i * k + r] = exact[r].second;
      out_distances[i * k + r] = static_cast<T>(detail::finish_distance(exact[r].first, metric));
    }
  });
}

}  // namespace

template <class T>
void knn_search(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric, std::int64_t k,
                int n_threads, std::int64_t* indices, T* distances) {
  detail::check_operands(x, y, metric, "the data");
  require(k >= 1 && k <= y.rows, "k = " + std::to_string(k) + " must be in [1, " +
                                     std::to_string(y.rows) + "] (the number of indexed rows)");
  if (x.rows == 0) return;
  if (detail::uses_dot_products(metric.metric)) {
    const DotScanner<T> scanner(x, y, metric, n_threads);
    search<T>(scanner, x, y, metric, k, true, n_threads, indices, distances);
  } else {
    const DirectScanner<T> scanner(x, y, metric);
    search<T>(scanner, x, y, metric, k, false, n_threads, indices, distances);
  }
}

template void knn_search<float>(MatrixView<const float>, MatrixView<const float>, MetricSpec,
                                std::int64_t, int, std::int64_t*, float*);
template void knn_search<double>(MatrixView<const double>, MatrixView<const double>, MetricSpec,
                                 std::int64_t, int, std::int64_t*, double*);

}  // namespace mlarsenal::neighbors
