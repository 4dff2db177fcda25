"""Feature binning (cpp/src/gbdt/binning.cpp) against its documented contract.

bin(x) = the number of thresholds below x, so bin(x) <= b exactly when
x <= thresholds[b]; NaN (and, for categorical features, an unseen value) maps
to the missing bin n_bins(f).
"""

import numpy as np
import pytest

from mlarsenal import _core

gbdt = _core.gbdt


def _fit(X, max_bins=255, categorical=None, sample_rows=None, n_threads=1):
    mask = None if categorical is None else np.asarray(categorical, dtype=np.uint8)
    return gbdt.fit_bins(X, sample_rows, max_bins, mask, n_threads)


def test_few_distinct_values_get_one_bin_each_at_midpoints():
    X = np.array([[3.0], [1.0], [2.0], [1.0], [np.nan], [10.0]])
    bins = _fit(X)
    np.testing.assert_array_equal(bins.thresholds(0), [1.5, 2.5, 6.5])
    assert bins.n_bins(0) == 4
    codes = bins.apply(X, 1)[:, 0]
    np.testing.assert_array_equal(codes, [2, 0, 1, 0, 4, 3])  # NaN -> missing bin 4


def test_bin_contract_on_many_values():
    rng = np.random.default_rng(0)
    x = np.round(rng.normal(size=5000), 3)
    x[::50] = np.nan
    X = x[:, None]
    for max_bins in (2, 16, 255):
        bins = _fit(X, max_bins=max_bins)
        t = bins.thresholds(0)
        assert len(t) <= max_bins - 1 and np.all(np.diff(t) > 0)
        codes = bins.apply(X, 1)[:, 0].astype(np.int64)
        finite = ~np.isnan(x)
        np.testing.assert_array_equal(codes[finite], np.searchsorted(t, x[finite], side="left"))
        assert (codes[~finite] == bins.n_bins(0)).all()
        # Quantile bins: roughly equal counts, no empty bin.
        counts = np.bincount(codes[finite], minlength=bins.n_bins(0))
        assert counts.min() > 0
        if max_bins == 16:
            assert counts.max() < 2.5 * finite.sum() / 16
        # Values exactly on a threshold go to the lower bin (x <= t is "left").
        np.testing.assert_array_equal(bins.apply(t[:, None], 1)[:, 0], np.arange(len(t)))


def test_heavy_ties_give_fewer_but_non_empty_bins():
    x = np.concatenate([np.zeros(900), np.arange(1.0, 101.0), np.full(300, 500.0)])
    bins = _fit(x[:, None], max_bins=10)
    codes = bins.apply(x[:, None], 1)[:, 0]
    counts = np.bincount(codes, minlength=bins.n_bins(0))
    assert bins.n_bins(0) <= 10 and counts.min() > 0
    assert len(np.unique(codes[:900])) == 1  # one value never spans two bins


def test_adjacent_doubles_stay_apart():
    a = 1.0
    b = np.nextafter(a, 2.0)
    bins = _fit(np.array([[a], [b], [a], [b]]))
    np.testing.assert_array_equal(bins.apply(np.array([[a], [b]]), 1)[:, 0], [0, 1])


def test_sample_rows_choose_the_thresholds():
    x = np.concatenate([np.arange(10.0), np.arange(100.0, 110.0)])[:, None]
    bins = _fit(x, sample_rows=np.arange(10, dtype=np.int64))
    assert bins.thresholds(0).max() < 10  # learned from the first 10 rows only
    assert bins.apply(x, 1)[-1, 0] == bins.n_bins(0) - 1  # larger values: last bin
    with pytest.raises(ValueError, match="sample row 99 out of range"):
        _fit(x, sample_rows=np.array([0, 99], dtype=np.int64))


def test_categorical_bins_and_unseen_values():
    X = np.array([[5.0], [0.0], [7.0], [5.0], [np.nan]])
    bins = _fit(X, categorical=[1])
    assert bins.is_categorical(0)
    np.testing.assert_array_equal(bins.categories(0), [0.0, 5.0, 7.0])
    new = np.array([[0.0], [5.0], [7.0], [3.0], [np.nan], [1e9]])
    np.testing.assert_array_equal(bins.apply(new, 1)[:, 0], [0, 1, 2, 3, 3, 3])


def test_float32_and_float64_bin_alike_and_threads_agree():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20_000, 3)).astype(np.float32)
    X[rng.random(20_000) < 0.1, 1] = np.nan
    b32 = _fit(X)
    b64 = _fit(X.astype(np.float64), n_threads=2)
    for f in range(3):
        np.testing.assert_array_equal(b32.thresholds(f), b64.thresholds(f))
    assert np.array_equal(b32.apply(X, 1), b64.apply(X.astype(np.float64), 3))


def test_binning_errors():
    X = np.arange(10.0)[:, None]
    with pytest.raises(ValueError, match=r"max_bins must be in \[2, 255\], got 256"):
        _fit(X, max_bins=256)
    with pytest.raises(ValueError, match="categorical mask length"):
        _fit(X, categorical=[1, 0])
    bins = _fit(X)
    with pytest.raises(ValueError, match="X has 2 features, the bins were fitted on 1"):
        bins.apply(np.zeros((3, 2)), 1)
