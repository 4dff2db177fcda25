// Register-blocked dot-product micro-kernels, compiled once per instruction
// set (dot_kernels_<isa>.cpp) and picked at run time (dispatch.cpp).
//
// C[i, j] = sum_p X[i, p] * Y[j, p] for a block of X rows and a packed block
// of Y rows. Y is packed once per block into panels of `nr` rows stored
// p-major (panel[p * nr + r] = Y[panel_start + r, p]), zero-padded to a
// multiple of `nr` rows, 64-byte aligned; the kernel then streams each panel
// while keeping an mr x nr tile of C in registers.
//
// Unlike the reductions, these kernels let the compiler contract a * b + c
// into FMA: their results are candidates that the neighbour search re-checks
// with an exact computation, so the instruction set never changes an answer.
#pragma once

#include <cstdint>

namespace mlarsenal::simd {

enum class FinishMode : int { euclidean = 0, cosine = 1, negate = 2 };

template <class T>
struct DotKernel {
  int mr;  // rows of X per register tile
  int nr;  // rows of Y per packed panel
  // Packs Y rows [0, rows) (row stride ldy, d columns) into `packed`, which
  // holds packed_size(rows, d) elements.
  void (*pack)(const T* y, std::int64_t ldy, std::int64_t rows, std::int64_t d, T* packed);
  // C[i * ldc + j] for i < rows, j < padded cols (a multiple of nr):
  // X rows with stride ldx, d columns; `packed` from pack() of `cols` rows.
  void (*dot)(const T* x, std::int64_t ldx, std::int64_t rows, const T* packed, std::int64_t cols,
              std::int64_t d, T* c, std::int64_t ldc);
  // Dot products -> ranking scores, in place on rows x cols of c:
  //   euclidean: c = row_term[i] + col_add[j] - 2 c      (|x|^2 + |y|^2 - 2 x.y)
  //   cosine:    c = 1 - c * row_term[i] * col_scale[j]  (row_term: 1/|x|)
  //   negate:    c = -c                                  (inner product)
  void (*finish)(T* c, std::int64_t ldc, std::int64_t rows, std::int64_t cols, const T* row_term,
                 const T* col_add, const T* col_scale, FinishMode mode);
  // Writes the positions j with s[j] <= bar to `positions` (room for n) and
  // returns how many: selection then touches only the few candidates.
  std::int64_t (*positions_at_most)(const T* s, std::int64_t n, T bar, std::int32_t* positions);
  // Smallest and second-smallest of the scores add[j] - 2 * dots[j] over
  // j < n, and the position of the smallest (first on ties), straight from a
  // raw dot-product row in one pass. k-means: |c_j|^2 - 2 x.c_j ranks centres
  // like the squared distance, whose |x|^2 term is the same for every centre.
  void (*nearest_two)(const T* dots, const T* add, std::int64_t n, T* best, T* second,
                      std::int64_t* arg);
};

struct DotKernels {
  const char* isa;
  DotKernel<float> f32;
  DotKernel<double> f64;
};

inline std::int64_t padded_rows(std::int64_t rows, int nr) {
  return (rows + nr - 1) / nr * nr;
}

// The table for the active instruction set.
const DotKernels& dot_kernels();

namespace scalar {
extern const DotKernels dot_table;
}
namespace avx2 {
extern const DotKernels dot_table;
}
namespace avx512 {
extern const DotKernels dot_table;
}

}  // namespace mlarsenal::simd
