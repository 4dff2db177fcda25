// k-means (Lloyd) with the assignment fused into the centre update.
//
// x is (n, d) with unit column stride; weight is (n,) or empty (unit
// weights); centres are (k, d) row-major, contiguous. Assignments are exact:
// the GEMM-form distance picks the nearest centre unless the two best are
// within its rounding-error bound, in which case that point is scored
// exactly. Sums run over fixed chunks of points combined in chunk order, so
// results are identical for any thread count. Pure functions; thread-safe.
#pragma once

#include <cstdint>

#include "mlarsenal/common/array_view.hpp"

namespace mlarsenal::cluster {

struct LloydResult {
  std::int64_t n_iter = 0;
  double inertia = 0.0;
  bool strict_convergence = false;  // labels stopped changing (else the shift fell under tol)
};

// Runs up to max_iter Lloyd iterations from `centers` (updated in place),
// stopping when labels no longer change or the total squared centre shift is
// <= tol. Empty clusters are re-seeded with the points farthest from their
// centres (as scikit-learn does). Writes the final labels.
template <class T>
LloydResult lloyd(MatrixView<const T> x, VectorView<const T> weight, T* centers, std::int64_t k,
                  std::int64_t max_iter, double tol, int n_threads, std::int32_t* labels);

// Nearest centre of each point and the total weighted squared distance.
template <class T>
double assign_labels(MatrixView<const T> x, VectorView<const T> weight, const T* centers,
                     std::int64_t k, int n_threads, std::int32_t* labels);

}  // namespace mlarsenal::cluster
