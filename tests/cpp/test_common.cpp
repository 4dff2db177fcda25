// Tests of cpp/include/mlarsenal/common: parallel_for_blocks, radix sort keys
// and sorting. A failed CHECK prints the expression and exits non-zero.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/common/parallel.hpp"
#include "mlarsenal/common/radix_sort.hpp"

using namespace mlarsenal;

static void blocks_cover_the_range_once() {
  for (int threads : {1, 2, 7}) {
    std::vector<int> hits(1003, 0);
    parallel_for_blocks(1003, 10, threads, [&](std::int64_t, std::int64_t b, std::int64_t e) {
      for (std::int64_t i = b; i < e; ++i) ++hits[i];
    });
    for (int h : hits) CHECK(h == 1);
  }
}

static void exceptions_leave_the_region() {
  bool caught = false;
  try {
    parallel_for(100000, 4, [](std::int64_t i) {
      if (i == 4242) throw InvalidArgument("bad");
    });
  } catch (const InvalidArgument&) {
    caught = true;
  }
  CHECK(caught);
}

static void sortable_keys_preserve_order() {
  const double values[] = {-1e308, -2.5, -0.0, 0.0, 5e-324, 1.0, 1e308};
  for (int i = 0; i + 1 < 7; ++i) CHECK(sortable_key(values[i]) <= sortable_key(values[i + 1]));
  CHECK(sortable_key(-0.0) == sortable_key(0.0));
  CHECK(key_to_value(sortable_key(-2.5)) == -2.5);
  CHECK(key_to_value(sortable_key(1.5f)) == 1.5f);
}

static void radix_sort_is_stable_and_thread_independent() {
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<int> dist(-50, 50);
  const std::size_t n = 300000;
  std::vector<std::uint64_t> reference_keys;
  std::vector<std::uint32_t> reference_payload;
  for (int threads : {1, 2, 3}) {
    std::vector<std::uint64_t> keys(n);
    std::vector<std::uint32_t> payload(n);
    std::mt19937_64 local(7);
    for (std::size_t i = 0; i < n; ++i) {
      keys[i] = sortable_key(static_cast<double>(dist(local)) / 4);
      payload[i] = static_cast<std::uint32_t>(i);
    }
    radix_sort_pairs(keys, payload, threads);
    for (std::size_t i = 1; i < n; ++i) {
      CHECK(keys[i - 1] <= keys[i]);
      if (keys[i - 1] == keys[i]) CHECK(payload[i - 1] < payload[i]);  // stable
    }
    if (reference_keys.empty()) {
      reference_keys = keys;
      reference_payload = payload;
    }
    CHECK(keys == reference_keys && payload == reference_payload);
  }
}

int main() {
  blocks_cover_the_range_once();
  exceptions_leave_the_region();
  sortable_keys_preserve_order();
  radix_sort_is_stable_and_thread_independent();
  std::puts("4 passed, 0 failed");
  return 0;
}
