// Block scanners: stream (query, database-row) scores block by block so that
// selection (top-k, radius) runs on cache-resident tiles and the full score
// matrix never exists.
//
// DotScanner scores with the GEMM micro-kernel: ranking values in T,
// approximate within error_bound(i) of the exact ones. DirectScanner scores
// the other metrics exactly, in double. Both call
//   visit(query_index, first_db_row, const Value* scores, count)
// for consecutive database blocks; a scanner is const and shareable, each
// scan() call owns its scratch buffers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "../simd/dot_kernels.hpp"
#include "exact_distance.hpp"
#include "mlarsenal/common/array_view.hpp"
#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal::neighbors::detail {

// 64-byte aligned scratch buffer.
template <class T>
class AlignedBuffer {
 public:
  explicit AlignedBuffer(std::size_t n) {
    const std::size_t bytes = std::max<std::size_t>(64, (n * sizeof(T) + 63) / 64 * 64);
    data_.reset(static_cast<T*>(std::aligned_alloc(64, bytes)));
    if (!data_) throw std::bad_alloc();
  }
  T* get() const { return data_.get(); }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
};

// |row|^2 in double, over 8 independent lanes (vectorisable without
// reassociating, like cpp/src/simd/reductions).
template <class T>
double squared_norm(const T* row, std::int64_t d) {
  double lane[8] = {};
  std::int64_t p = 0;
  for (; p + 8 <= d; p += 8)
    for (int l = 0; l < 8; ++l) lane[l] += static_cast<double>(row[p + l]) * row[p + l];
  for (int l = 0; p < d; ++p, ++l) lane[l] += static_cast<double>(row[p]) * row[p];
  return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

template <class T>
class DotScanner {
 public:
  using Value = T;
  static constexpr std::int64_t kQueryTile = 48;  // a multiple of every kernel's mr

  // Query rows per scan() call when splitting n queries between threads.
  static std::int64_t range_per_thread(std::int64_t n, int threads) {
    const std::int64_t per = (n + threads - 1) / std::max(threads, 1);
    return std::max<std::int64_t>(kQueryTile, (per + kQueryTile - 1) / kQueryTile * kQueryTile);
  }

  // Norms are computed on up to n_threads threads. x_squared_norms: |x_i|^2
  // in double, when the caller already has them (k-means rescans the same
  // points every iteration).
  DotScanner(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric, int n_threads = 1,
             const std::vector<double>* x_squared_norms = nullptr)
      : x_(x),
        y_(y),
        metric_(metric),
        kernel_(kernel_for()),
        x_scale_(static_cast<std::size_t>(x.rows)),
        y_add_(static_cast<std::size_t>(y.rows)),
        y_scale_(static_cast<std::size_t>(y.rows)) {
    const bool cosine = metric.metric == Metric::cosine;
    const std::int64_t d = x.cols;
    auto inverse_norm = [](double n2) {
      return n2 > 0 ? static_cast<T>(1.0 / std::sqrt(n2)) : T(0);
    };
    parallel_for(
        x.rows, n_threads,
        [&](std::int64_t i) {
          const double n2 = x_squared_norms ? (*x_squared_norms)[i] : squared_norm(&x(i, 0), d);
          x_scale_[i] = cosine ? inverse_norm(n2) : static_cast<T>(n2);
        },
        4096);
    std::vector<double> y_norms(static_cast<std::size_t>(y.rows));
    parallel_for(
        y.rows, n_threads,
        [&](std::int64_t j) {
          const double n2 = y_norms[j] = squared_norm(&y(j, 0), d);
          y_add_[j] = cosine ? T(0) : static_cast<T>(n2);
          y_scale_[j] = cosine ? inverse_norm(n2) : T(1);
        },
        4096);
    for (double n2 : y_norms) max_y_ = std::max(max_y_, n2);
    // Rows of at most ~256 KiB of packed database per block (L2-resident),
    // a multiple of the panel width.
    const std::int64_t nr = kernel_.nr;
    const std::int64_t by_cache =
        (std::int64_t(256) << 10) / std::max<std::int64_t>(1, d * sizeof(T));
    db_block_ = std::max<std::int64_t>(nr, by_cache / nr * nr);
    db_block_ = std::min<std::int64_t>(db_block_, 1024);
  }

  // Positions j with s[j] <= bar (see simd::DotKernel::positions_at_most).
  std::int64_t positions_at_most(const T* s, std::int64_t n, T bar, std::int32_t* out) const {
    return kernel_.positions_at_most(s, n, bar, out);
  }
  // Two best centres from a raw dot row (scan with raw_dots = true) of the
  // database block starting at j0; see simd::DotKernel::nearest_two.
  void nearest_two(const T* dots, std::int64_t j0, std::int64_t n, T* best, T* second,
                   std::int64_t* arg) const {
    kernel_.nearest_two(dots, y_add_.data() + j0, n, best, second, arg);
  }
  // Most database rows a visit() call passes.
  std::int64_t max_block() const { return db_block_; }

  // Bound on |approximate - exact ranking value| for query i.
  double error_bound(std::int64_t i) const {
    const double u = std::numeric_limits<T>::epsilon() / 2;
    const double terms = static_cast<double>(x_.cols + 4);
    if (metric_.metric == Metric::cosine) return 8.0 * terms * u;
    if (metric_.metric == Metric::inner_product)  // |x.y| error <= ~d u |x| |y|
      return 4.0 * terms * u * std::sqrt(static_cast<double>(x_scale_[i]) * max_y_) +
             4 * std::numeric_limits<double>::min();
    const double xn = static_cast<double>(x_scale_[i]);
    return 4.0 * terms * u * (xn + max_y_) + 4 * std::numeric_limits<double>::min();
  }

  // Call with large query ranges (one per thread): each call allocates its
  // scratch and packs every database block once.
  // raw_dots: pass the dot products x.y themselves, not the metric's scores.
  template <class Visit>
  void scan(std::int64_t q0, std::int64_t q1, std::int64_t y0, std::int64_t y1, Visit&& visit,
            bool raw_dots = false) const {
    const std::int64_t d = x_.cols;
    const std::int64_t nr = kernel_.nr;
    // Buffers sized for this scan's database range (a few centres need little).
    const std::int64_t block_pad = simd::padded_rows(
        std::min(db_block_, std::max<std::int64_t>(y1 - y0, 1)), static_cast<int>(nr));
    AlignedBuffer<T> packed(static_cast<std::size_t>(block_pad * std::max<std::int64_t>(d, 1)));
    AlignedBuffer<T> tile(static_cast<std::size_t>(kQueryTile * block_pad));
    const simd::FinishMode mode = metric_.metric == Metric::cosine ? simd::FinishMode::cosine
                                  : metric_.metric == Metric::inner_product
                                      ? simd::FinishMode::negate
                                      : simd::FinishMode::euclidean;
    for (std::int64_t j0 = y0; j0 < y1; j0 += db_block_) {
      const std::int64_t count = std::min(db_block_, y1 - j0);
      const std::int64_t ldc = simd::padded_rows(count, static_cast<int>(nr));
      kernel_.pack(&y_(j0, 0), y_.row_stride, count, d, packed.get());
      const T* add = y_add_.data() + j0;
      const T* scale = y_scale_.data() + j0;
      for (std::int64_t i0 = q0; i0 < q1; i0 += kQueryTile) {
        const std::int64_t rows = std::min(kQueryTile, q1 - i0);
        kernel_.dot(&x_(i0, 0), x_.row_stride, rows, packed.get(), count, d, tile.get(), ldc);
        if (!raw_dots)
          kernel_.finish(tile.get(), ldc, rows, count, x_scale_.data() + i0, add, scale, mode);
        for (std::int64_t r = 0; r < rows; ++r) {
          visit(i0 + r, j0, static_cast<const T*>(tile.get() + r * ldc), count);
        }
      }
    }
  }

 private:
  static const simd::DotKernel<T>& kernel_for() {
    if constexpr (std::is_same<T, float>::value) {
      return simd::dot_kernels().f32;
    } else {
      return simd::dot_kernels().f64;
    }
  }

  MatrixView<const T> x_, y_;
  MetricSpec metric_;
  const simd::DotKernel<T>& kernel_;
  std::vector<T> x_scale_;  // |x|^2, or 1/|x| for cosine
  std::vector<T> y_add_;    // |y|^2, or 0 for cosine
  std::vector<T> y_scale_;  // 1, or 1/|y| for cosine
  double max_y_ = 0.0;
  std::int64_t db_block_ = 0;
};

template <class T>
class DirectScanner {
 public:
  using Value = double;
  static constexpr std::int64_t kQueryTile = 16;
  static constexpr std::int64_t kDbBlock = 256;

  static std::int64_t range_per_thread(std::int64_t n, int threads) {
    return std::max<std::int64_t>(kQueryTile, (n + threads - 1) / std::max(threads, 1));
  }

  DirectScanner(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric)
      : x_(x), y_(y), metric_(metric) {}

  double error_bound(std::int64_t) const { return 0.0; }

  std::int64_t positions_at_most(const double* s, std::int64_t n, double bar,
                                 std::int32_t* out) const {
    std::int64_t count = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      out[count] = static_cast<std::int32_t>(j);
      count += s[j] <= bar;
    }
    return count;
  }
  std::int64_t max_block() const { return kDbBlock; }

  template <class Visit>
  void scan(std::int64_t q0, std::int64_t q1, std::int64_t y0, std::int64_t y1,
            Visit&& visit) const {
    std::vector<double> scores(static_cast<std::size_t>(kDbBlock));
    for (std::int64_t j0 = y0; j0 < y1; j0 += kDbBlock) {
      const std::int64_t count = std::min(kDbBlock, y1 - j0);
      for (std::int64_t i = q0; i < q1; ++i) {
        for (std::int64_t j = 0; j < count; ++j)
          scores[j] = ranking_distance(&x_(i, 0), &y_(j0 + j, 0), x_.cols, metric_);
        visit(i, j0, static_cast<const double*>(scores.data()), count);
      }
    }
  }

 private:
  MatrixView<const T> x_, y_;
  MetricSpec metric_;
};

}  // namespace mlarsenal::neighbors::detail
