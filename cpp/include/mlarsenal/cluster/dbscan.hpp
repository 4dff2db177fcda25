// DBSCAN cluster expansion over a precomputed radius-neighbour graph.
#pragma once

#include <cstdint>

namespace mlarsenal::cluster {

// Labels points 0..n-1 from their eps-neighbourhoods (CSR: neighbours of i
// are indices[indptr[i] .. indptr[i + 1])) and core flags: clusters grow
// depth-first from the unlabelled core points in index order, through core
// points only; a border point joins the first cluster that reaches it; the
// rest are noise (-1). Same labels as scikit-learn's dbscan_inner.
// Returns the number of clusters. Not parallel (linear in the graph size).
std::int64_t dbscan_labels(std::int64_t n, const std::int64_t* indptr, const std::int64_t* indices,
                           const std::uint8_t* is_core, std::int64_t* labels);

}  // namespace mlarsenal::cluster
