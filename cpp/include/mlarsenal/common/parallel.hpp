// The one threading helper every kernel uses.
//
// - Explicit thread counts: every parallel region carries num_threads(n); the
//   library never changes OpenMP's process-wide default thread count, which
//   would change the pool of every other OpenMP user in the process.
// - Serial fast path: one thread or one block runs inline, with no OpenMP
//   region at all (cheap for the single-row and small-input cases).
// - Exceptions thrown inside a region are captured and rethrown on the calling
//   thread after the region; remaining blocks are skipped. (An exception that
//   escaped an OpenMP region would call std::terminate.)
// - Fixed blocks: parallel_for_blocks cuts [0, n) into blocks whose bounds
//   depend on n and block_size only, never on the thread count. A reduction
//   that keeps one partial per block and combines them in block order gives
//   bit-identical results for any number of threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <utility>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace mlarsenal {

// Threads an OpenMP region would use by default (1 without OpenMP).
int max_threads();

// n_threads <= 0 means max_threads(); otherwise n_threads itself.
int resolve_threads(int n_threads);

// Collects the first exception thrown by any thread of a parallel region.
class ExceptionCollector {
 public:
  void capture() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!first_) first_ = std::current_exception();
    failed_.store(true, std::memory_order_release);
  }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  void rethrow_if_failed() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr first_;
  std::atomic<bool> failed_{false};
};

inline std::int64_t num_blocks(std::int64_t n, std::int64_t block_size) {
  return n <= 0 ? 0 : (n + block_size - 1) / block_size;
}

// Calls fn(block_index, begin, end) for each block of [0, n), in parallel on
// up to n_threads threads (<= 0: all). Blocks are scheduled statically.
template <class Fn>
void parallel_for_blocks(std::int64_t n, std::int64_t block_size, int n_threads, Fn&& fn) {
  if (block_size < 1) block_size = 1;
  const std::int64_t blocks = num_blocks(n, block_size);
  const int threads = static_cast<int>(std::min<std::int64_t>(resolve_threads(n_threads), blocks));
  if (threads <= 1) {
    for (std::int64_t b = 0; b < blocks; ++b) {
      fn(b, b * block_size, std::min(n, (b + 1) * block_size));
    }
    return;
  }
  ExceptionCollector errors;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(static)
#endif
  for (std::int64_t b = 0; b < blocks; ++b) {
    if (errors.failed()) continue;
    try {
      fn(b, b * block_size, std::min(n, (b + 1) * block_size));
    } catch (...) {
      errors.capture();
    }
  }
  errors.rethrow_if_failed();
}

// Calls fn(i) for every i in [0, n) on up to n_threads threads.
// grain: the fewest iterations worth giving one thread.
template <class Fn>
void parallel_for(std::int64_t n, int n_threads, Fn&& fn, std::int64_t grain = 1) {
  const int threads = resolve_threads(n_threads);
  const std::int64_t per_thread =
      std::max<std::int64_t>(grain, (n + threads - 1) / std::max(threads, 1));
  parallel_for_blocks(n, per_thread, threads,
                      [&](std::int64_t, std::int64_t begin, std::int64_t end) {
                        for (std::int64_t i = begin; i < end; ++i) fn(i);
                      });
}

// Index of the calling thread inside a parallel region (0 outside one).
inline int thread_index() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

}  // namespace mlarsenal
