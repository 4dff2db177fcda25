import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning

from mlarsenal._validation import check_consistent_length, check_sample_weight, column_or_1d


def test_column_or_1d():
    np.testing.assert_array_equal(column_or_1d([[1], [2]]), [1, 2])
    with pytest.raises(ValueError, match="y_true must be a 1-d array, got an array of shape"):
        column_or_1d(np.ones((2, 2)), "y_true")
    with pytest.raises(ValueError, match="requires labels to be passed"):
        column_or_1d(None, "labels")
    with pytest.warns(DataConversionWarning, match="column-vector"):
        column_or_1d(np.ones((3, 1)), warn=True)


def test_consistent_length_names_the_arguments():
    assert check_consistent_length(a=[1, 2], b=np.ones(2), c=None) == 2
    with pytest.raises(ValueError, match="a has 2, b has 3"):
        check_consistent_length(a=[1, 2], b=[1, 2, 3])


def test_sample_weight():
    assert check_sample_weight(None, 3) is None
    np.testing.assert_array_equal(check_sample_weight(2.0, 3), [2.0, 2.0, 2.0])
    assert check_sample_weight([1, 2, 3], 3, dtype=None).dtype == np.int64
    assert check_sample_weight([1, 2, 3], 3, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="sample_weight has 2 entries, expected 3"):
        check_sample_weight([1, 2], 3)
    with pytest.raises(ValueError, match="sample_weight contains NaN"):
        check_sample_weight([1, np.nan, 3], 3)
    with pytest.raises(ValueError, match="sample_weight must be 1-d"):
        check_sample_weight(np.ones((3, 1)), 3)
    with pytest.raises(ValueError, match="zero everywhere"):
        check_sample_weight([0, 0], 2, allow_all_zero=False)
    with pytest.raises(ValueError, match="negative"):
        check_sample_weight([1, -1, 3], 3, only_non_negative=True)
