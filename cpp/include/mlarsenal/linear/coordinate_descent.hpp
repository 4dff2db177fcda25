// Elastic-net regression by coordinate descent (Lasso: l2 == 0).
//
// Minimises scikit-learn's objective on centred data
//
//   (1 / 2n) ||y - X w||^2 + l1 ||w||_1 + (l2 / 2) ||w||^2      (w >= 0 if positive)
//
// with n = X.rows; Lasso / ElasticNet pass l1 = alpha * l1_ratio and
// l2 = alpha * (1 - l1_ratio). The caller centres y (and folds sample
// weights into X and y as rows scaled by sqrt(weight), weights summing to n);
// X is centred by the solver (dense: `col_mean` is filled with the column
// means; sparse: `col_offset` given), never in place.
//
// Algorithm (working sets + gap-safe screening):
//   1. one pass over X: column statistics and the gradient X^T r;
//   2. duality gap; features proven zero at the optimum (gap-safe sphere
//      test) are dropped for the rest of the fit;
//   3. the working set: current non-zeros plus the features closest to
//      violating their optimality condition; dense columns of the set are
//      copied once, centred, into a column-major buffer;
//   4. cyclic or random (seeded) coordinate descent on the set, residual
//      kept up to date, until the largest coordinate change is below
//      tol * max |w| and the set's duality gap below tol * ||y||^2 / n;
//   5. a full pass computes X^T r again: stop when the full gap is below
//      that tolerance and no feature outside the set violates optimality,
//      otherwise double the set and go to 2.
// Convergence is tested exactly as scikit-learn does (coordinate change,
// then gap), so both stop at the same accuracy.
//
// Results are bit-identical for any n_threads: every parallel sum runs over
// blocks whose bounds depend on the sizes only, combined in block order.
//
// Memory: the solver borrows X and y (caller keeps them alive, unchanged)
// and owns its scratch: one residual (n doubles) and the working-set buffer
// (n x |set| values of X's type, dense input only).
#pragma once

#include <cstdint>

namespace mlarsenal::linear {

struct CdOptions {
  double l1 = 1.0;
  double l2 = 0.0;
  double tol = 1e-4;
  std::int64_t max_iter = 1000;  // coordinate-descent epochs, all working sets together
  bool positive = false;
  bool random = false;     // coordinates drawn uniformly from the working set
  std::uint64_t seed = 0;  // for random
  bool screening = true;   // off: every feature stays a candidate (for tests)
  // Apply feature j's residual update and take feature j+1's dot product in
  // one sweep over the residual, block by block (off: two sweeps).
  bool fuse_updates = true;
  int n_threads = 0;  // <= 0: all
};

struct CdResult {
  double dual_gap = 0.0;  // of the normalised objective above
  std::int64_t n_iter = 0;
  bool converged = false;
};

// Dense X: rows x cols, C- or F-contiguous (strides in elements). col_mean:
// nullptr for no centring, otherwise cols doubles that receive the means.
template <class T>
struct DenseDesign {
  const T* data;
  std::int64_t rows, cols, row_stride, col_stride;
};

// CSC X: column j's entries are values/indices[indptr[j], indptr[j+1]).
// Centred column j is X[:, j] - col_offset[j] * row_scale (row_scale: nullptr
// means ones; col_offset: nullptr means no centring).
template <class T>
struct SparseDesign {
  const T* values;
  const std::int64_t* indices;
  const std::int64_t* indptr;
  std::int64_t rows, cols;
  const double* col_offset;
  const double* row_scale;
};

// w: cols doubles, the starting point on entry (warm start), the solution on
// return. y: rows doubles, centred. Throws InvalidArgument for non-finite X
// (dense) or inconsistent arguments.
template <class T>
CdResult elastic_net_dense(const DenseDesign<T>& X, const double* y, double* w, double* col_mean,
                           const CdOptions& options);

template <class T>
CdResult elastic_net_sparse(const SparseDesign<T>& X, const double* y, double* w,
                            const CdOptions& options);

}  // namespace mlarsenal::linear
