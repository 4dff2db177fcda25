"""The native module validates what it is handed: bad arrays raise, never crash.

These call mlarsenal._core directly, bypassing the Python layer's own checks,
as a buggy caller (or a future estimator) might.
"""

import numpy as np
import pytest

from mlarsenal import _core


def test_dtype_mismatches_are_type_errors():
    x = np.ones((4, 3), dtype=np.float32)
    with pytest.raises(TypeError, match="expected dtype"):
        _core.neighbors.knn_search(x, np.ones((4, 3), dtype=np.float64), 1, 2.0, 2, 1)
    with pytest.raises(TypeError, match="expected dtype"):
        _core.neighbors.pairwise_distances(np.ones((2, 2), dtype=np.int64), x[:, :2], 1, 2.0, 1)
    with pytest.raises(TypeError, match="expected dtype"):
        _core.metrics.binary_roc_auc(np.ones(3), np.ones(3), None, 1)  # labels must be uint8


def test_layout_and_shape_errors_are_value_errors():
    x = np.asfortranarray(np.ones((5, 3)))
    with pytest.raises(ValueError, match="contiguous"):
        _core.neighbors.knn_search(x, np.ones((5, 3)), 1, 2.0, 2, 1)
    with pytest.raises(ValueError, match="features"):
        _core.neighbors.knn_search(np.ones((2, 3)), np.ones((5, 4)), 1, 2.0, 2, 1)
    with pytest.raises(ValueError, match=r"k = 9 must be in \[1, 5\]"):
        _core.neighbors.knn_search(np.ones((2, 3)), np.ones((5, 3)), 1, 2.0, 9, 1)
    with pytest.raises(ValueError, match="unknown metric"):
        _core.neighbors.pairwise_distances(np.ones((2, 3)), np.ones((2, 3)), 42, 2.0, 1)
    with pytest.raises(ValueError, match="1-d"):
        _core.metrics.match_sums(np.ones((2, 2)), np.ones((2, 2)), None, 1)
    with pytest.raises(ValueError, match="different lengths"):
        _core.metrics.match_sums(np.ones(3), np.ones(4), None, 1)
    with pytest.raises(ValueError, match="n_classes"):
        codes = np.zeros(3, dtype=np.int32)
        _core.metrics.confusion_counts(codes, codes, None, 1 << 40, 1)


def test_out_of_range_codes_and_graphs_are_rejected():
    proba = np.full(3, 0.5)
    with pytest.raises(ValueError, match="out of range"):
        _core.metrics.log_loss_sums(
            np.array([0, 1, 7], dtype=np.int32), proba, None, 1e-15, 1e-8, 2
        )
    indptr = np.array([0, 1, 2], dtype=np.int64)
    with pytest.raises(ValueError, match="out of range"):
        _core.cluster.dbscan_labels(indptr, np.array([0, 5], dtype=np.int64), np.ones(2, np.uint8))
    with pytest.raises(ValueError, match="indptr"):
        _core.cluster.dbscan_labels(indptr, np.array([0], dtype=np.int64), np.ones(2, np.uint8))
    with pytest.raises(ValueError, match="outside the declared range"):
        present = np.zeros(3, dtype=np.uint8)
        _core.labels.mark_present(np.array([0, 9], dtype=np.int64), 0, present, 1)


def test_kmeans_kernel_rejects_bad_sizes():
    x = np.ones((5, 2))
    with pytest.raises(ValueError, match="n_clusters = 6"):
        _core.cluster.lloyd(x, None, np.ones((6, 2)), 10, 0.0, 1)
    with pytest.raises(ValueError, match="init has 3 features"):
        _core.cluster.lloyd(x, None, np.ones((2, 3)), 10, 0.0, 1)
    with pytest.raises(ValueError, match="sample_weight has 2 entries"):
        _core.cluster.lloyd(x, np.ones(2), np.ones((2, 2)), 10, 0.0, 1)
