// The argument checks every distance kernel starts with.
#pragma once

#include <string>

#include "mlarsenal/common/array_view.hpp"
#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/neighbors/distances.hpp"

namespace mlarsenal::neighbors::detail {

// Same feature count (at least one unless allow_no_features), contiguous
// rows, a valid Minkowski p. y_name names y in the message ("Y", "the data").
template <class T>
void check_operands(MatrixView<const T> x, MatrixView<const T> y, MetricSpec metric,
                    const char* y_name, bool allow_no_features = false) {
  require(x.cols == y.cols, "X has " + std::to_string(x.cols) + " features but " + y_name +
                                " has " + std::to_string(y.cols));
  require(allow_no_features || x.cols >= 1, "at least one feature is required");
  require(x.col_stride == 1 && y.col_stride == 1, "rows must be contiguous (unit column stride)");
  require(metric.metric != Metric::minkowski || metric.p >= 1, "minkowski p must be >= 1");
}

}  // namespace mlarsenal::neighbors::detail
