#include "mlarsenal/cluster/dbscan.hpp"

#include <string>
#include <vector>

#include "mlarsenal/common/errors.hpp"

namespace mlarsenal::cluster {

std::int64_t dbscan_labels(std::int64_t n, const std::int64_t* indptr, const std::int64_t* indices,
                           const std::uint8_t* is_core, std::int64_t* labels) {
  for (std::int64_t i = 0; i < n; ++i) labels[i] = -1;
  // Validate the graph first: these arrays may come from anywhere.
  require(indptr[0] == 0, "indptr must start at 0");
  for (std::int64_t i = 0; i < n; ++i)
    require(indptr[i] <= indptr[i + 1], "indptr must be non-decreasing");
  for (std::int64_t e = 0; e < indptr[n]; ++e)
    require(indices[e] >= 0 && indices[e] < n,
            "neighbour index " + std::to_string(indices[e]) + " out of range");
  std::int64_t label = 0;
  std::vector<std::int64_t> stack;
  for (std::int64_t seed = 0; seed < n; ++seed) {
    if (labels[seed] != -1 || !is_core[seed]) continue;
    std::int64_t i = seed;
    while (true) {
      if (labels[i] == -1) {
        labels[i] = label;
        if (is_core[i]) {
          for (std::int64_t e = indptr[i]; e < indptr[i + 1]; ++e)
            if (labels[indices[e]] == -1) stack.push_back(indices[e]);
        }
      }
      if (stack.empty()) break;
      i = stack.back();
      stack.pop_back();
    }
    ++label;
  }
  return label;
}

}  // namespace mlarsenal::cluster
