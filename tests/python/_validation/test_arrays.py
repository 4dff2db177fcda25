import numpy as np
import pytest

from mlarsenal._validation import as_float_array, check_array


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_float_arrays_pass_through_without_copy(dtype, order):
    X = np.asarray(np.arange(12).reshape(4, 3), dtype=dtype, order=order)
    assert check_array(X) is X


def test_strided_and_read_only_arrays_pass_through():
    X = np.arange(40, dtype=np.float64).reshape(8, 5)[::2, ::2]
    X.setflags(write=False)
    out = check_array(X)
    assert out is X and not out.flags.writeable


def test_integers_are_converted_to_the_first_accepted_dtype():
    out = check_array([[1, 2], [3, 4]])
    assert out.dtype == np.float64
    assert check_array(np.ones((2, 2), dtype=np.int32), dtype=np.float32).dtype == np.float32


def test_requested_order_is_applied():
    X = np.ones((3, 2), order="C")
    assert check_array(X, order="F").flags.f_contiguous


@pytest.mark.parametrize(
    "value, word", [(np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")]
)
def test_non_finite_values_are_rejected_with_the_argument_name(value, word):
    X = np.ones((3, 2))
    X[1, 1] = value
    with pytest.raises(ValueError, match=f"features contains {word}"):
        check_array(X, name="features")


def test_nan_can_be_allowed_but_not_infinity():
    X = np.ones((3, 2))
    X[0, 0] = np.nan
    assert check_array(X, allow_nan=True) is X
    X[1, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        check_array(X, allow_nan=True)


def test_infinity_can_be_allowed():
    X = np.ones((3, 2))
    X[0, 0], X[1, 1] = np.inf, -np.inf
    assert check_array(X, allow_inf=True) is X
    X[2, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        check_array(X, allow_inf=True)
    assert check_array(X, allow_inf=True, allow_nan=True) is X


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="X must be a 2-d array, got a 1-d array"):
        check_array(np.ones(3))
    with pytest.raises(ValueError, match="3-d"):
        check_array(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="0 sample"):
        check_array(np.ones((0, 3)))
    with pytest.raises(ValueError, match="0 feature"):
        check_array(np.ones((3, 0)))


@pytest.mark.parametrize("bad", [None, 3.0, "abc"])
def test_non_arrays_are_type_errors(bad):
    with pytest.raises(TypeError, match="X must be an array-like"):
        check_array(bad)


def test_non_numeric_input_is_rejected():
    with pytest.raises((TypeError, ValueError), match="X"):
        check_array(np.array([["a", "b"]], dtype=object))
    with pytest.raises(TypeError, match="dtype"):
        check_array(np.array([["a", "b"]]))


def test_as_float_array_enforces_dimensions():
    assert as_float_array([1, 2, 3], "y").dtype == np.float64
    with pytest.raises(ValueError, match="y must be 1-d"):
        as_float_array([[1, 2]], "y")


def test_pandas_dataframe_including_nullable_columns():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": pd.array([1, None, 3], dtype="Int64")})
    out = check_array(df, allow_nan=True)
    assert out.dtype == np.float64
    assert np.isnan(out[1, 1]) and out[2, 1] == 3
    with pytest.raises(ValueError, match="NaN"):
        check_array(df)
    with pytest.raises(TypeError, match="column 'c'"):
        check_array(pd.DataFrame({"c": ["x", "y"]}))


def test_float32_dataframe_keeps_float32():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": np.ones(3, dtype=np.float32), "b": np.zeros(3, dtype=np.float32)})
    assert check_array(df).dtype == np.float32


@pytest.mark.parametrize("library", ["pyarrow", "polars"])
def test_arrow_stream_tables(library):
    module = pytest.importorskip(library)
    data = {"a": [1.0, 2.0, None], "b": [4, 5, 6]}
    table = module.table(data) if library == "pyarrow" else module.DataFrame(data)
    out = check_array(table, allow_nan=True)
    expected = np.array([[1.0, 4.0], [2.0, 5.0], [np.nan, 6.0]])
    np.testing.assert_array_equal(out, expected)
    with pytest.raises(ValueError, match="NaN"):
        check_array(table)
