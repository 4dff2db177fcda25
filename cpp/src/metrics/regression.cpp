#include <algorithm>
#include <string>

#include "../simd/reductions.hpp"
#include "blocking.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/metrics/metrics.hpp"

namespace mlarsenal::metrics {
namespace {

using detail::kChunk;
using detail::kRowBlock;

template <class T>
struct Kernels;
template <>
struct Kernels<double> {
  static double squared_error(const double* a, const double* b, std::int64_t n) {
    return simd::reductions().squared_error_f64(a, b, n);
  }
  static double weighted(const double* a, const double* b, const double* w, std::int64_t n) {
    return simd::reductions().weighted_squared_error_f64(a, b, w, n);
  }
  static double sum(const double* a, std::int64_t n) { return simd::reductions().sum_f64(a, n); }
};
template <>
struct Kernels<float> {
  static double squared_error(const float* a, const float* b, std::int64_t n) {
    return simd::reductions().squared_error_f32(a, b, n);
  }
  static double weighted(const float* a, const float* b, const float* w, std::int64_t n) {
    return simd::reductions().weighted_squared_error_f32(a, b, w, n);
  }
  static double sum(const float* a, std::int64_t n) { return simd::reductions().sum_f32(a, n); }
};

// Points at v[begin..begin+n) directly when contiguous, else gathers it.
template <class T>
const T* contiguous_chunk(VectorView<const T> v, std::int64_t begin, std::int64_t n, T* buffer) {
  if (v.stride == 1) return v.data + begin;
  for (std::int64_t i = 0; i < n; ++i) buffer[i] = v[begin + i];
  return buffer;
}

}  // namespace

template <class T>
SquaredErrorSums squared_error_sums(MatrixView<const T> y_true, MatrixView<const T> y_pred,
                                    VectorView<const T> weight, int n_threads) {
  require(y_true.rows == y_pred.rows && y_true.cols == y_pred.cols,
          "y_true and y_pred have different shapes: (" + std::to_string(y_true.rows) + ", " +
              std::to_string(y_true.cols) + ") vs (" + std::to_string(y_pred.rows) + ", " +
              std::to_string(y_pred.cols) + ")");
  const bool weighted = !weight.empty();
  require(!weighted || weight.size == y_true.rows,
          "sample_weight has " + std::to_string(weight.size) + " entries for " +
              std::to_string(y_true.rows) + " samples");
  const std::int64_t n = y_true.rows, k = y_true.cols;
  const std::int64_t blocks = num_blocks(n, kRowBlock);
  std::vector<double> partial(static_cast<std::size_t>(blocks * k), 0.0);
  std::vector<double> weight_partial(static_cast<std::size_t>(blocks), 0.0);

  parallel_for_blocks(
      n, kRowBlock, n_threads, [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
        T a_buf[kChunk], b_buf[kChunk], w_buf[kChunk];
        for (std::int64_t j = 0; j < k; ++j) {
          const VectorView<const T> a = y_true.col(j), p = y_pred.col(j);
          double acc = 0.0;
          for (std::int64_t c = begin; c < end; c += kChunk) {
            const std::int64_t len = std::min(kChunk, end - c);
            const T* ac = contiguous_chunk(a, c, len, a_buf);
            const T* pc = contiguous_chunk(p, c, len, b_buf);
            acc += weighted
                       ? Kernels<T>::weighted(ac, pc, contiguous_chunk(weight, c, len, w_buf), len)
                       : Kernels<T>::squared_error(ac, pc, len);
          }
          partial[b * k + j] = acc;
        }
        if (weighted) {
          double acc = 0.0;
          for (std::int64_t c = begin; c < end; c += kChunk) {
            const std::int64_t len = std::min(kChunk, end - c);
            acc += Kernels<T>::sum(contiguous_chunk(weight, c, len, w_buf), len);
          }
          weight_partial[b] = acc;
        }
      });

  SquaredErrorSums out;
  out.per_column.assign(static_cast<std::size_t>(k), 0.0);
  for (std::int64_t b = 0; b < blocks; ++b)
    for (std::int64_t j = 0; j < k; ++j) out.per_column[j] += partial[b * k + j];
  out.weight_sum = weighted ? detail::sum_in_order(weight_partial) : static_cast<double>(n);
  return out;
}

template SquaredErrorSums squared_error_sums<float>(MatrixView<const float>,
                                                    MatrixView<const float>,
                                                    VectorView<const float>, int);
template SquaredErrorSums squared_error_sums<double>(MatrixView<const double>,
                                                     MatrixView<const double>,
                                                     VectorView<const double>, int);

}  // namespace mlarsenal::metrics
