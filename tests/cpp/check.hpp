// CHECK(expr) for the C++ unit tests: prints the failed expression and
// exits non-zero (no test framework needed).
#pragma once

#include <cstdio>
#include <cstdlib>

#define CHECK(expr)                                                                 \
  do {                                                                              \
    if (!(expr)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); \
      std::exit(1);                                                                 \
    }                                                                               \
  } while (0)
