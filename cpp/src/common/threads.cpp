#include "mlarsenal/common/parallel.hpp"

namespace mlarsenal {

int max_threads() {
#ifdef _OPENMP
  // Reflects OMP_NUM_THREADS and limits set through threadpoolctl.
  return omp_get_max_threads();
#else
  return 1;
#endif
}

int resolve_threads(int n_threads) {
  return n_threads > 0 ? n_threads : max_threads();
}

}  // namespace mlarsenal
