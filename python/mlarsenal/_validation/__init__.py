"""Input validation shared by every estimator and metric.

Every error names the argument at fault and the problem, as a ValueError
(bad values, shapes, lengths) or a TypeError (wrong kind of object or dtype).
Checks are vectorised and avoid copies: arrays that are already acceptable
(float32/float64, any order, strided, read-only) pass through unchanged.
"""

from mlarsenal._validation.arrays import as_float_array, check_array, check_finite
from mlarsenal._validation.features import check_feature_names, feature_names_of, validate_features
from mlarsenal._validation.lengths import check_consistent_length
from mlarsenal._validation.targets import column_or_1d
from mlarsenal._validation.weights import check_sample_weight

__all__ = [
    "as_float_array",
    "check_array",
    "check_consistent_length",
    "check_feature_names",
    "check_finite",
    "check_sample_weight",
    "column_or_1d",
    "feature_names_of",
    "validate_features",
]
