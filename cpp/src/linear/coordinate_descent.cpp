// Elastic-net coordinate descent: working sets, gap-safe screening, and the
// dense / sparse column access they run on. Contract and algorithm outline:
// mlarsenal/linear/coordinate_descent.hpp.
//
// Internally the objective is kept multiplied by n (no 1/n in the inner
// loop): P(w) = 0.5 ||r||^2 + l1n ||w||_1 + 0.5 l2n ||w||^2 with
// l1n = n * l1, l2n = n * l2, r = y - Xc w.
#include "mlarsenal/linear/coordinate_descent.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <new>
#include <numeric>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/random.hpp"
#include "row_kernels.hpp"

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace mlarsenal::linear {
namespace {

using detail::RowKernels;

// Residual blocks of the inner loop: a block of the residual and of two
// columns (fused sweep) stay in L1 between the update and the next dot.
constexpr std::int64_t kSweepRows = 2048;
// Rows per call of the row-major gradient kernel: 32 rows of a wide matrix
// fit in L2, so each strip pass of axpy_rows re-reads them from cache.
constexpr std::int64_t kGradientSubRows = 32;
// The first working set; it doubles when features outside it turn active.
constexpr std::int64_t kFirstWorkingSet = 100;
// Working-set rounds: the set's gap is checked every kGapCheckEpochs epochs
// at least, and the round ends once it is below kInnerGapFraction of the
// whole problem's gap.
constexpr std::int64_t kGapCheckEpochs = 10;
constexpr double kInnerGapFraction = 0.3;
// Rows per tile when copying working-set columns out of row-major X.
constexpr std::int64_t kGatherRows = 64;
// Elements a thread should get before a parallel region pays for itself
// (the inner loop may check its gap after every epoch of a small problem).
constexpr std::int64_t kParallelWork = 1 << 16;

struct Penalty {
  double l1n, l2n;
  bool positive;
};

// argmin over v of 0.5 norm2 v^2 - z v + l1n |v| + 0.5 l2n v^2 (v >= 0 if
// positive), i.e. coordinate j's new value with z = c_j.r + norm2 * w_j.
inline double coordinate_minimum(double z, double norm2, const Penalty& pen) {
  if (pen.positive && z < 0) return 0.0;
  const double shrunk = std::fabs(z) - pen.l1n;
  if (shrunk <= 0) return 0.0;
  return std::copysign(shrunk, z) / (norm2 + pen.l2n);
}

// How far feature j's dual constraint is from binding, |c_j.theta| in units
// of the l1 strength: c_j.r - l2n w_j is the gradient of the smooth part
// of the augmented Lasso problem that the elastic net is.
inline double constraint_value(double grad, double w, const Penalty& pen) {
  const double v = grad - pen.l2n * w;
  return pen.positive ? v : std::fabs(v);
}

struct Gap {
  double gap;
  double dual_scale;  // max(l1n, max_j constraint_value): theta = r / dual_scale
};

// Duality gap of the (n-scaled) elastic net at w with residual r, from
// ||r||^2, r.y, ||w||_1, ||w||^2 and the largest constraint value. The dual
// point is the residual scaled into the feasible set (the standard choice).
Gap duality_gap(double rr, double ry, double l1norm, double w2, double max_constraint,
                const Penalty& pen) {
  const double scale = std::max(pen.l1n, max_constraint);
  const double c = (scale > 0 && max_constraint > pen.l1n) ? pen.l1n / scale : 1.0;
  const double primal = 0.5 * rr + pen.l1n * l1norm + 0.5 * pen.l2n * w2;
  const double dual = c * ry - 0.5 * c * c * (rr + pen.l2n * w2);
  return {primal - dual, scale};
}

// Blocks for a row-major pass with one p-vector partial per block: the
// block count depends on n and p only (bit-identical for any thread count)
// and is capped so the partials stay small.
std::int64_t row_block_size(std::int64_t n, std::int64_t p) {
  const std::int64_t max_blocks =
      std::clamp<std::int64_t>((std::int64_t{1} << 22) / std::max<std::int64_t>(p, 1), 1, 64);
  const std::int64_t min_rows =
      std::max<std::int64_t>(256, kParallelWork / std::max<std::int64_t>(p, 1));
  return std::max<std::int64_t>(min_rows, (n + max_blocks - 1) / max_blocks);
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// Uninitialised memory for working-set columns. On Linux: 2 MiB aligned with
// transparent huge pages requested, because first-touch page faults on
// hundreds of MiB cost as much as the copy itself.
template <class T>
std::unique_ptr<T, FreeDeleter> allocate_columns(std::size_t count) {
  std::size_t bytes = std::max<std::size_t>(count * sizeof(T), 1);
  void* p;
#ifdef __linux__
  constexpr std::size_t kHugePage = std::size_t{1} << 21;
  bytes = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  p = std::aligned_alloc(kHugePage, bytes);
  if (p) madvise(p, bytes, MADV_HUGEPAGE);
#else
  p = std::malloc(bytes);
#endif
  if (!p) throw std::bad_alloc();
  return std::unique_ptr<T, FreeDeleter>(static_cast<T*>(p));
}

// One row's share of the column statistics. The restrict qualifiers let
// the compiler vectorise across j (the four outputs never overlap).
template <class T>
void accumulate_row(const T* __restrict x, double y, const double* __restrict shift,
                    double* __restrict s1, double* __restrict s2, double* __restrict sxy,
                    std::int64_t p) {
  for (std::int64_t j = 0; j < p; ++j) {
    const double v = static_cast<double>(x[j]);
    const double d = v - shift[j];
    s1[j] += d;
    s2[j] += d * d;
    sxy[j] += v * y;
  }
}

double sum_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

// ---------------------------------------------------------------- dense

// Dense X (C or F order). The working set's columns are copied, centred,
// into column buffers of X's type; the inner loop streams only those.
template <class T>
class DenseProblem {
 public:
  DenseProblem(const DenseDesign<T>& X, const double* y, bool center, int n_threads)
      : X_(X),
        y_(y),
        n_(X.rows),
        p_(X.cols),
        n_threads_(n_threads),
        kernels_(detail::row_kernels()),
        mean_(p_, 0.0),
        norm2_(p_, 0.0),
        xty_(p_, 0.0),
        r_(y, y + n_),
        slot_of_(p_, -1) {
    c_order_ = X.col_stride == 1 || p_ <= 1;
    require(c_order_ || X.row_stride == 1 || n_ <= 1, "X must be C- or F-contiguous");
    column_statistics(center);
  }

  std::int64_t rows() const { return n_; }
  std::int64_t cols() const { return p_; }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& norm2() const { return norm2_; }

  // r = y - Xc w.
  void start(const double* w) {
    for (std::int64_t j = 0; j < p_; ++j) {
      if (w[j] != 0.0) add_column(j, -w[j]);
    }
  }

  double residual_norm2() const {
    double s = 0.0;
    for (double v : r_) s += v * v;
    return s;
  }
  double residual_dot_y() const {
    double s = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) s += r_[i] * y_[i];
    return s;
  }

  // g[j] = c_j . r for every j with skip[j] == 0 (row-major X: every j).
  void full_gradient(const std::vector<std::uint8_t>& skip, std::vector<double>& g) {
    const double sum_r = sum_of(r_);
    if (residual_is_y_) {
      // The statistics pass already computed X^T y.
      for (std::int64_t j = 0; j < p_; ++j) g[j] = xty_[j] - mean_[j] * sum_r;
      return;
    }
    if (c_order_) {
      row_major_gradient(g);
    } else {
      parallel_for(
          p_, n_threads_,
          [&](std::int64_t j) {
            if (!skip[j]) g[j] = detail::row_dot(kernels_, column(j), r_.data(), n_);
          },
          column_grain());
    }
    for (std::int64_t j = 0; j < p_; ++j) g[j] -= mean_[j] * sum_r;
  }

  // Copies the centred columns of `features` missing from the buffers.
  void set_working_set(const std::vector<std::int64_t>& features) {
    std::vector<std::int64_t> missing;
    for (std::int64_t j : features) {
      if (slot_of_[j] < 0) missing.push_back(j);
    }
    if (!missing.empty()) gather(missing);
  }

  // One pass of coordinate descent over seq (features, all in the working
  // set). Returns the largest |change| of a coefficient.
  double epoch(const std::vector<std::int64_t>& seq, double* w, const Penalty& pen, bool fuse) {
    residual_is_y_ = false;
    const T* pending = nullptr;  // column whose residual update is still due
    double pending_step = 0.0;
    double max_change = 0.0;
    for (std::int64_t j : seq) {
      const double nrm = slot_norm2_[slot_of_[j]];
      if (nrm == 0.0) continue;
      const T* col = slots_[slot_of_[j]];
      double dot;
      if (fuse) {
        dot = sweep(pending, pending_step, col);
      } else {
        if (pending) sweep(pending, pending_step, nullptr);
        dot = sweep(nullptr, 0.0, col);
      }
      pending = nullptr;
      const double old = w[j];
      const double updated = coordinate_minimum(dot + nrm * old, nrm, pen);
      if (updated != old) {
        w[j] = updated;
        pending = col;
        pending_step = old - updated;  // r += (old - new) c_j
        max_change = std::max(max_change, std::fabs(updated - old));
      }
    }
    if (pending) sweep(pending, pending_step, nullptr);
    return max_change;
  }

  // g[j] = c_j . r for the working-set features.
  void working_gradient(const std::vector<std::int64_t>& features, std::vector<double>& g) {
    parallel_for(
        static_cast<std::int64_t>(features.size()), n_threads_,
        [&](std::int64_t t) {
          const std::int64_t j = features[t];
          g[j] = sweep_dot(slots_[slot_of_[j]]);
        },
        column_grain());
  }

  // r += coef * c_j.
  void add_column(std::int64_t j, double coef) {
    residual_is_y_ = false;
    if (slot_of_[j] >= 0) {
      sweep(slots_[slot_of_[j]], coef, nullptr);
      return;
    }
    const T* x = X_.data + j * X_.col_stride;
    const double m = mean_[j];
    for (std::int64_t i = 0; i < n_; ++i)
      r_[i] += coef * (static_cast<double>(x[i * X_.row_stride]) - m);
  }

 private:
  const T* column(std::int64_t j) const { return X_.data + j * X_.col_stride; }
  // Columns per thread worth starting a parallel region for.
  std::int64_t column_grain() const { return std::max<std::int64_t>(1, kParallelWork / n_); }

  // One sweep over the residual, block by block: r += step * upd (when upd)
  // then the dot of col with the updated block (when col). The dot is the
  // sum of per-block dots in block order, fused or not.
  double sweep(const T* upd, double step, const T* col) {
    double dot = 0.0;
    for (std::int64_t i0 = 0; i0 < n_; i0 += kSweepRows) {
      const std::int64_t len = std::min(kSweepRows, n_ - i0);
      double* rb = r_.data() + i0;
      if (upd) detail::row_axpy_rows(kernels_, &step, 0, upd + i0, 0, 1, rb, len);
      if (col) dot += detail::row_dot(kernels_, col + i0, rb, len);
    }
    return dot;
  }
  double sweep_dot(const T* col) const {
    double dot = 0.0;
    for (std::int64_t i0 = 0; i0 < n_; i0 += kSweepRows) {
      const std::int64_t len = std::min(kSweepRows, n_ - i0);
      dot += detail::row_dot(kernels_, col + i0, r_.data() + i0, len);
    }
    return dot;
  }

  // Column sums (shifted by row 0 against cancellation), centred squared
  // norms and X^T y in one pass over X; rejects non-finite X.
  void column_statistics(bool center) {
    std::vector<double> shift(p_, 0.0), s1(p_, 0.0), s2(p_, 0.0);
    if (n_ > 0) {
      for (std::int64_t j = 0; j < p_; ++j)
        shift[j] = static_cast<double>(X_.data[j * X_.col_stride]);
    }
    if (c_order_) {
      const std::int64_t block = row_block_size(n_, 3 * p_);
      const std::int64_t blocks = num_blocks(n_, block);
      std::vector<double> partial(static_cast<std::size_t>(blocks * 3 * p_), 0.0);
      parallel_for_blocks(
          n_, block, n_threads_, [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
            double* a1 = partial.data() + b * 3 * p_;
            double* a2 = a1 + p_;
            double* axy = a2 + p_;
            for (std::int64_t i = begin; i < end; ++i)
              accumulate_row(X_.data + i * X_.row_stride, y_[i], shift.data(), a1, a2, axy, p_);
          });
      for (std::int64_t b = 0; b < blocks; ++b) {
        const double* a1 = partial.data() + b * 3 * p_;
        for (std::int64_t j = 0; j < p_; ++j) {
          s1[j] += a1[j];
          s2[j] += a1[p_ + j];
          xty_[j] += a1[2 * p_ + j];
        }
      }
    } else {
      parallel_for(
          p_, n_threads_,
          [&](std::int64_t j) {
            const T* x = column(j);
            double a1 = 0.0, a2 = 0.0;
            for (std::int64_t i = 0; i < n_; ++i) {
              const double d = static_cast<double>(x[i]) - shift[j];
              a1 += d;
              a2 += d * d;
            }
            s1[j] = a1;
            s2[j] = a2;
            xty_[j] = detail::row_dot(kernels_, x, y_, n_);
          },
          column_grain());
    }
    const double n = static_cast<double>(n_);
    for (std::int64_t j = 0; j < p_; ++j) {
      if (!std::isfinite(s1[j]) || !std::isfinite(s2[j]))
        throw InvalidArgument("X contains NaN or infinity (or a value too large for its dtype)");
      if (center) {
        mean_[j] = shift[j] + s1[j] / n;
        norm2_[j] = std::max(0.0, s2[j] - s1[j] * s1[j] / n);
      } else {
        // Uncentred: sum (d + shift)^2.
        norm2_[j] = s2[j] + 2.0 * shift[j] * s1[j] + n * shift[j] * shift[j];
      }
    }
  }

  // g = X^T r by row blocks (one partial per block, summed in block order).
  void row_major_gradient(std::vector<double>& g) {
    const std::int64_t block = row_block_size(n_, p_);
    const std::int64_t blocks = num_blocks(n_, block);
    std::vector<double> partial(static_cast<std::size_t>(blocks * p_), 0.0);
    parallel_for_blocks(
        n_, block, n_threads_, [&](std::int64_t b, std::int64_t begin, std::int64_t end) {
          double* gb = partial.data() + b * p_;
          for (std::int64_t i = begin; i < end; i += kGradientSubRows) {
            const std::int64_t rows = std::min(kGradientSubRows, end - i);
            detail::row_axpy_rows(kernels_, r_.data() + i, 1, X_.data + i * X_.row_stride,
                                  X_.row_stride, rows, gb, p_);
          }
        });
    std::fill(g.begin(), g.end(), 0.0);
    for (std::int64_t b = 0; b < blocks; ++b) {
      const double* gb = partial.data() + b * p_;
      for (std::int64_t j = 0; j < p_; ++j) g[j] += gb[j];
    }
  }

  // Copies centred columns `features` into new buffers, computing their norms.
  void gather(const std::vector<std::int64_t>& features) {
    const auto m = static_cast<std::int64_t>(features.size());
    const auto first = static_cast<std::int64_t>(slots_.size());
    blocks_.push_back(allocate_columns<T>(static_cast<std::size_t>(n_ * m)));
    for (std::int64_t t = 0; t < m; ++t) {
      slot_of_[features[t]] = first + t;
      slots_.push_back(blocks_.back().get() + t * n_);
      slot_norm2_.push_back(0.0);
    }
    if (c_order_) {
      // Tiles of kGatherRows rows: each row is read front to back (a stream
      // the prefetcher follows) into a row-major staging tile, which is then
      // written out column by column (contiguous write streams).
      parallel_for_blocks(n_, kGatherRows, n_threads_,
                          [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                            std::vector<T> stage(static_cast<std::size_t>((end - begin) * m));
                            for (std::int64_t i = begin; i < end; ++i) {
                              const T* x = X_.data + i * X_.row_stride;
                              T* row = stage.data() + (i - begin) * m;
                              for (std::int64_t t = 0; t < m; ++t) {
                                const std::int64_t j = features[t];
                                row[t] = static_cast<T>(static_cast<double>(x[j]) - mean_[j]);
                              }
                            }
                            for (std::int64_t t = 0; t < m; ++t) {
                              T* out = slots_[first + t] + begin;
                              for (std::int64_t i = 0; i < end - begin; ++i)
                                out[i] = stage[i * m + t];
                            }
                          });
    } else {
      parallel_for(
          m, n_threads_,
          [&](std::int64_t t) {
            const std::int64_t j = features[t];
            const T* x = column(j);
            T* out = slots_[first + t];
            for (std::int64_t i = 0; i < n_; ++i)
              out[i] = static_cast<T>(static_cast<double>(x[i]) - mean_[j]);
          },
          column_grain());
    }
    // Norms of the stored (rounded) values: the inner updates use these.
    parallel_for(
        m, n_threads_,
        [&](std::int64_t t) {
          const T* c = slots_[first + t];
          double s = 0.0;
          for (std::int64_t i = 0; i < n_; ++i) s += static_cast<double>(c[i]) * c[i];
          slot_norm2_[first + t] = s;
        },
        column_grain());
  }

  DenseDesign<T> X_;
  const double* y_;
  std::int64_t n_, p_;
  int n_threads_;
  const RowKernels& kernels_;
  bool c_order_ = true;
  bool residual_is_y_ = true;  // until w moves off zero: X^T r is known
  std::vector<double> mean_, norm2_, xty_;
  std::vector<double> r_;
  std::vector<std::int64_t> slot_of_;
  std::vector<std::unique_ptr<T, FreeDeleter>> blocks_;  // one per gather
  std::vector<T*> slots_;                                // centred working-set columns
  std::vector<double> slot_norm2_;
};

// ---------------------------------------------------------------- sparse

// CSC X with implicit centring: the true residual is r_ + shift_ * s (s the
// row scale, ones by default), so a centred column's update touches only
// its stored entries; c_j . r = X_j . r_ + shift_ q_j - offset_j (s . r).
template <class T>
class SparseProblem {
 public:
  SparseProblem(const SparseDesign<T>& X, const double* y, int n_threads)
      : X_(X),
        y_(y),
        n_(X.rows),
        p_(X.cols),
        n_threads_(n_threads),
        offset_(p_, 0.0),
        norm2_(p_, 0.0),
        q_(p_, 0.0),
        r_(y, y + n_) {
    require(X.indptr[0] == 0, "indptr[0] must be 0");
    for (std::int64_t j = 0; j < p_; ++j) {
      require(X.indptr[j] <= X.indptr[j + 1], "indptr must be non-decreasing");
    }
    for (std::int64_t k = 0; k < X.indptr[p_]; ++k) {
      require(X.indices[k] >= 0 && X.indices[k] < n_, "indices out of range");
    }
    if (X.col_offset) std::copy(X.col_offset, X.col_offset + p_, offset_.begin());
    ss_ = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) ss_ += scale(i) * scale(i);
    parallel_for(
        p_, n_threads_,
        [&](std::int64_t j) {
          double sq = 0.0, q = 0.0;
          for (std::int64_t k = X_.indptr[j]; k < X_.indptr[j + 1]; ++k) {
            const double v = static_cast<double>(X_.values[k]);
            sq += v * v;
            q += v * scale(X_.indices[k]);
          }
          q_[j] = q;
          norm2_[j] = std::max(0.0, sq - 2.0 * offset_[j] * q + offset_[j] * offset_[j] * ss_);
        },
        column_grain());
    for (double v : norm2_) {
      if (!std::isfinite(v)) throw InvalidArgument("X contains NaN or infinity");
    }
    sr_ = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) sr_ += scale(i) * r_[i];
  }

  std::int64_t rows() const { return n_; }
  std::int64_t cols() const { return p_; }
  const std::vector<double>& norm2() const { return norm2_; }

  void start(const double* w) {
    for (std::int64_t j = 0; j < p_; ++j) {
      if (w[j] != 0.0) add_column(j, -w[j]);
    }
  }

  double residual_norm2() const {
    double s = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) {
      const double v = r_[i] + shift_ * scale(i);
      s += v * v;
    }
    return s;
  }
  double residual_dot_y() const {
    double s = 0.0;
    for (std::int64_t i = 0; i < n_; ++i) s += (r_[i] + shift_ * scale(i)) * y_[i];
    return s;
  }

  void full_gradient(const std::vector<std::uint8_t>& skip, std::vector<double>& g) {
    parallel_for(
        p_, n_threads_,
        [&](std::int64_t j) {
          if (!skip[j]) g[j] = column_dot(j);
        },
        column_grain());
  }

  void set_working_set(const std::vector<std::int64_t>&) {}

  double epoch(const std::vector<std::int64_t>& seq, double* w, const Penalty& pen, bool) {
    double max_change = 0.0;
    for (std::int64_t j : seq) {
      const double nrm = norm2_[j];
      if (nrm == 0.0) continue;
      const double old = w[j];
      const double updated = coordinate_minimum(column_dot(j) + nrm * old, nrm, pen);
      if (updated != old) {
        w[j] = updated;
        add_column(j, old - updated);
        max_change = std::max(max_change, std::fabs(updated - old));
      }
    }
    return max_change;
  }

  void working_gradient(const std::vector<std::int64_t>& features, std::vector<double>& g) {
    parallel_for(
        static_cast<std::int64_t>(features.size()), n_threads_,
        [&](std::int64_t t) { g[features[t]] = column_dot(features[t]); }, column_grain());
  }

  // r += coef * c_j.
  void add_column(std::int64_t j, double coef) {
    for (std::int64_t k = X_.indptr[j]; k < X_.indptr[j + 1]; ++k)
      r_[X_.indices[k]] += coef * static_cast<double>(X_.values[k]);
    shift_ -= coef * offset_[j];
    sr_ += coef * q_[j];
  }

 private:
  double scale(std::int64_t i) const { return X_.row_scale ? X_.row_scale[i] : 1.0; }
  std::int64_t column_grain() const {
    const std::int64_t per_column =
        std::max<std::int64_t>(1, X_.indptr[p_] / std::max<std::int64_t>(p_, 1));
    return std::max<std::int64_t>(1, kParallelWork / per_column);
  }

  double column_dot(std::int64_t j) const {
    double d = 0.0;
    for (std::int64_t k = X_.indptr[j]; k < X_.indptr[j + 1]; ++k)
      d += static_cast<double>(X_.values[k]) * r_[X_.indices[k]];
    const double s_dot_r = sr_ + shift_ * ss_;
    return d + shift_ * q_[j] - offset_[j] * s_dot_r;
  }

  SparseDesign<T> X_;
  const double* y_;
  std::int64_t n_, p_;
  int n_threads_;
  std::vector<double> offset_, norm2_, q_;
  std::vector<double> r_;
  double shift_ = 0.0;  // true residual = r_ + shift_ * s
  double ss_ = 0.0;     // s . s
  double sr_ = 0.0;     // s . r_
};

// ---------------------------------------------------------------- solver

struct Sums {
  double l1norm = 0.0, w2 = 0.0, max_constraint = 0.0;
};

// ||w||_1, ||w||^2 and the largest constraint value over the features of
// `features` (w is zero elsewhere).
Sums penalty_sums(const std::vector<std::int64_t>& features, const double* w,
                  const std::vector<double>& g, const Penalty& pen) {
  Sums s;
  s.max_constraint = -INFINITY;
  for (std::int64_t j : features) {
    s.l1norm += std::fabs(w[j]);
    s.w2 += w[j] * w[j];
    s.max_constraint = std::max(s.max_constraint, constraint_value(g[j], w[j], pen));
  }
  if (features.empty()) s.max_constraint = 0.0;
  return s;
}

template <class Problem>
CdResult solve(Problem& prob, const double* y, double* w, const CdOptions& o) {
  const std::int64_t n = prob.rows(), p = prob.cols();
  const Penalty pen{static_cast<double>(n) * o.l1, static_cast<double>(n) * o.l2, o.positive};
  double yy = 0.0;
  for (std::int64_t i = 0; i < n; ++i) yy += y[i] * y[i];
  const double gap_tol = o.tol * yy;
  const bool screen = o.screening && pen.l1n > 0;
  const std::vector<double>& norm2 = prob.norm2();

  // Constant columns cannot carry weight: out from the start.
  std::vector<std::uint8_t> dropped(p, 0);
  for (std::int64_t j = 0; j < p; ++j) {
    if (norm2[j] <= 0.0) {
      dropped[j] = 1;
      w[j] = 0.0;
    }
  }
  prob.start(w);

  CdResult result;
  Random rng(o.seed);
  std::vector<double> g(p, 0.0), distance(p, 0.0);
  std::vector<std::int64_t> candidates, ws, active, last_support, seq;
  std::int64_t ws_size = 0;
  bool ws_is_everything = false, inner_done = false;
  while (true) {
    // Gap of the whole (unscreened) problem.
    candidates.clear();
    for (std::int64_t j = 0; j < p; ++j) {
      if (!dropped[j]) candidates.push_back(j);
    }
    if (ws_is_everything && inner_done) {
      result.converged = true;  // the working set's gap was the whole gap
      break;
    }
    prob.full_gradient(dropped, g);
    const Sums sums = penalty_sums(candidates, w, g, pen);
    const Gap gap = duality_gap(prob.residual_norm2(), prob.residual_dot_y(), sums.l1norm, sums.w2,
                                sums.max_constraint, pen);
    result.dual_gap = gap.gap / static_cast<double>(n);

    // Features outside the working set that break their optimality condition.
    std::vector<std::uint8_t> in_ws(p, 0);
    for (std::int64_t j : ws) in_ws[j] = 1;
    std::int64_t violators = 0;
    for (std::int64_t j : candidates) {
      if (!in_ws[j] && constraint_value(g[j], w[j], pen) > pen.l1n * (1.0 + o.tol)) ++violators;
    }
    if (gap.gap <= gap_tol && violators == 0) {
      result.converged = true;
      break;
    }
    if (result.n_iter >= o.max_iter) break;

    // Gap-safe screening: feature j is zero at the optimum when the dual
    // ball of radius sqrt(2 gap) / l1n around theta lies inside its
    // constraint, i.e. distance > radius (1e-9 relative guards rounding).
    const double radius = screen ? std::sqrt(2.0 * std::max(gap.gap, 0.0)) / pen.l1n : 0.0;
    std::int64_t nonzero = 0;
    for (std::int64_t j : candidates) {
      const double v = gap.dual_scale > 0 ? constraint_value(g[j], w[j], pen) / gap.dual_scale : 0;
      distance[j] = (1.0 - v) / std::sqrt(norm2[j] + pen.l2n);
      if (screen && distance[j] > radius * (1.0 + 1e-9) + 1e-300) {
        if (w[j] != 0.0) prob.add_column(j, w[j]);
        w[j] = 0.0;
        dropped[j] = 1;
      } else if (w[j] != 0.0) {
        ++nonzero;
      }
    }
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                    [&](std::int64_t j) { return dropped[j] != 0; }),
                     candidates.end());

    // Working set: non-zeros first, then by distance to the constraint.
    // The first set takes half the violators at most: from w = 0 many
    // features look active, and on make_regression data a third of them or
    // fewer were non-zero at the optimum.
    ws_size = ws_size == 0 ? std::max({kFirstWorkingSet, 2 * nonzero, violators / 2})
                           : std::max({2 * ws_size, 2 * nonzero, nonzero + violators});
    ws = candidates;
    if (static_cast<std::int64_t>(ws.size()) > ws_size) {
      std::partial_sort(ws.begin(), ws.begin() + ws_size, ws.end(),
                        [&](std::int64_t a, std::int64_t b) {
                          const bool za = w[a] == 0.0, zb = w[b] == 0.0;
                          if (za != zb) return !za;
                          if (distance[a] != distance[b]) return distance[a] < distance[b];
                          return a < b;
                        });
      ws.resize(ws_size);
      std::sort(ws.begin(), ws.end());  // cyclic order: by feature index
    }
    ws_is_everything = ws.size() == candidates.size();
    prob.set_working_set(ws);

    // Coordinate descent on the working set, stopping as scikit-learn does:
    // after an epoch whose largest change is below tol * max |w|, the gap.
    // Between full epochs, epochs over the set's non-zeros only (as glmnet
    // does) until they settle: they are cheaper, and zeros rarely move then.
    inner_done = false;
    const auto k = static_cast<std::int64_t>(ws.size());
    const auto small_change = [&](double max_change) {
      double w_max = 0.0;
      for (std::int64_t j : ws) w_max = std::max(w_max, std::fabs(w[j]));
      return w_max == 0.0 || max_change / w_max <= o.tol;
    };
    const auto run_epoch = [&](const std::vector<std::int64_t>& set) {
      const auto m = static_cast<std::uint64_t>(set.size());
      seq.resize(m);
      for (std::uint64_t t = 0; t < m; ++t) seq[t] = set[o.random ? rng.below(m) : t];
      ++result.n_iter;
      return prob.epoch(seq, w, pen, o.fuse_updates);
    };
    const auto support = [&](std::vector<std::int64_t>& out) {
      out.clear();
      for (std::int64_t j : ws) {
        if (w[j] != 0.0) out.push_back(j);
      }
    };
    // A set that misses features can be much harder than the whole problem
    // (n < p: near-singular), so every kGapCheckEpochs epochs its gap is
    // checked, and once it is a fraction of the whole gap (as in Celer) the
    // outer loop looks for the missing features.
    const double enough = std::max(gap_tol, kInnerGapFraction * gap.gap);
    std::int64_t round_epochs = 0;
    while (result.n_iter < o.max_iter) {
      support(last_support);
      const bool small = small_change(run_epoch(ws));
      ++round_epochs;
      if (small || result.n_iter == o.max_iter || round_epochs % kGapCheckEpochs == 0) {
        prob.working_gradient(ws, g);
        const Sums s = penalty_sums(ws, w, g, pen);
        const Gap inner = duality_gap(prob.residual_norm2(), prob.residual_dot_y(), s.l1norm, s.w2,
                                      s.max_constraint, pen);
        if (small && inner.gap <= gap_tol) {
          inner_done = true;
          if (ws_is_everything) result.dual_gap = inner.gap / static_cast<double>(n);
          break;
        }
        if (!ws_is_everything && inner.gap <= enough) break;
        if (small) continue;
      }
      // Only when the full epoch changed the support: once it holds, the
      // active loop's leftover error would make every full epoch look
      // unconverged; plain epochs finish then.
      support(active);
      if (active == last_support || 2 * static_cast<std::int64_t>(active.size()) > k) continue;
      while (result.n_iter < o.max_iter && !small_change(run_epoch(active))) {
      }
    }
    if (k == 0) inner_done = true;
  }
  return result;
}

void check_options(const CdOptions& o) {
  require(std::isfinite(o.l1) && o.l1 >= 0, "l1 must be finite and >= 0");
  require(std::isfinite(o.l2) && o.l2 >= 0, "l2 must be finite and >= 0");
  require(std::isfinite(o.tol) && o.tol >= 0, "tol must be finite and >= 0");
  require(o.max_iter >= 0, "max_iter must be >= 0");
}

}  // namespace

template <class T>
CdResult elastic_net_dense(const DenseDesign<T>& X, const double* y, double* w, double* col_mean,
                           const CdOptions& options) {
  check_options(options);
  require(X.rows >= 1 && X.cols >= 1, "X must have at least one row and one column");
  DenseProblem<T> prob(X, y, col_mean != nullptr, options.n_threads);
  if (col_mean) std::copy(prob.mean().begin(), prob.mean().end(), col_mean);
  return solve(prob, y, w, options);
}

template <class T>
CdResult elastic_net_sparse(const SparseDesign<T>& X, const double* y, double* w,
                            const CdOptions& options) {
  check_options(options);
  require(X.rows >= 1 && X.cols >= 1, "X must have at least one row and one column");
  SparseProblem<T> prob(X, y, options.n_threads);
  return solve(prob, y, w, options);
}

template CdResult elastic_net_dense<float>(const DenseDesign<float>&, const double*, double*,
                                           double*, const CdOptions&);
template CdResult elastic_net_dense<double>(const DenseDesign<double>&, const double*, double*,
                                            double*, const CdOptions&);
template CdResult elastic_net_sparse<float>(const SparseDesign<float>&, const double*, double*,
                                            const CdOptions&);
template CdResult elastic_net_sparse<double>(const SparseDesign<double>&, const double*, double*,
                                             const CdOptions&);

}  // namespace mlarsenal::linear
