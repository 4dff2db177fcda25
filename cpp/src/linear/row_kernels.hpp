// Row dot products and gradient accumulation of the linear-model losses,
// compiled once per instruction set (row_kernels_<isa>.cpp), picked at run time.
//
// Every build accumulates a dot product in the same 8 double lanes combined
// in one fixed order, with FMA contraction off, so the scalar, AVX2 and
// AVX-512 kernels return bit-identical results. float rows are widened to
// double before any arithmetic. Pure functions: safe from any thread. x and
// g never overlap.
#pragma once

#include <cstdint>

namespace mlarsenal::linear::detail {

struct RowKernels {
  const char* isa;
  // sum_j x[j] * w[j]
  double (*dot_f64)(const double* x, const double* w, std::int64_t d);
  double (*dot_f32)(const float* x, const double* w, std::int64_t d);
  // out[r] = sum_j x[r * ldx + j] * w[j] for four rows r < 4, bit-identical
  // to four dot calls: four independent streams keep more loads in flight.
  void (*dot_rows4_f64)(const double* x, std::int64_t ldx, const double* w, std::int64_t d,
                        double* out);
  void (*dot_rows4_f32)(const float* x, std::int64_t ldx, const double* w, std::int64_t d,
                        double* out);
  // g[j] += a[i * a_stride] * x[i * ldx + j] for rows i = 0, 1, ..., rows - 1
  // in that order: the result is bit-identical to one axpy per row, but a
  // strip of g stays in registers while the rows stream past (from L2).
  void (*axpy_rows_f64)(const double* a, std::int64_t a_stride, const double* x, std::int64_t ldx,
                        std::int64_t rows, double* g, std::int64_t d);
  void (*axpy_rows_f32)(const double* a, std::int64_t a_stride, const float* x, std::int64_t ldx,
                        std::int64_t rows, double* g, std::int64_t d);
};

// The table for the active instruction set (mlarsenal::active_simd_level()).
const RowKernels& row_kernels();

inline double row_dot(const RowKernels& k, const double* x, const double* w, std::int64_t d) {
  return k.dot_f64(x, w, d);
}
inline double row_dot(const RowKernels& k, const float* x, const double* w, std::int64_t d) {
  return k.dot_f32(x, w, d);
}
inline void row_dot4(const RowKernels& k, const double* x, std::int64_t ldx, const double* w,
                     std::int64_t d, double* out) {
  k.dot_rows4_f64(x, ldx, w, d, out);
}
inline void row_dot4(const RowKernels& k, const float* x, std::int64_t ldx, const double* w,
                     std::int64_t d, double* out) {
  k.dot_rows4_f32(x, ldx, w, d, out);
}
inline void row_axpy_rows(const RowKernels& k, const double* a, std::int64_t a_stride,
                          const double* x, std::int64_t ldx, std::int64_t rows, double* g,
                          std::int64_t d) {
  k.axpy_rows_f64(a, a_stride, x, ldx, rows, g, d);
}
inline void row_axpy_rows(const RowKernels& k, const double* a, std::int64_t a_stride,
                          const float* x, std::int64_t ldx, std::int64_t rows, double* g,
                          std::int64_t d) {
  k.axpy_rows_f32(a, a_stride, x, ldx, rows, g, d);
}

namespace scalar {
extern const RowKernels row_table;
}
namespace avx2 {
extern const RowKernels row_table;
}
namespace avx512 {
extern const RowKernels row_table;
}

}  // namespace mlarsenal::linear::detail
