import numpy as np

from siem_training.dataset import FeatureSpec
from siem_training.preprocess import IQR_TO_SIGMA, fit_scalings, raw_percentiles, robust_center_scale, scale_matrix


def spec(name, kind):
    return FeatureSpec(name=name, kind=kind, windowed=False, description="")


def test_counts_and_lengths_are_log_transformed_other_kinds_are_not():
    kinds = ["count", "length", "ratio", "flag", "score"]
    values = np.random.default_rng(0).integers(0, 5, size=(200, 5)).astype(float)
    scalings = fit_scalings(values, tuple(spec(kind, kind) for kind in kinds))
    assert [s.transform for s in scalings] == ["log1p", "log1p", "none", "none", "none"]


def test_center_is_the_median_and_scale_the_iqr_in_sigma_units():
    center, scale = robust_center_scale(np.arange(101, dtype=float), floor=0.1)
    assert center == 50.0
    assert scale == 50.0 / IQR_TO_SIGMA


def test_mostly_zero_column_falls_back_to_the_mean_absolute_deviation():
    column = np.zeros(1000)
    column[:200] = np.log1p(4.0)
    center, scale = robust_center_scale(column, floor=0.1)
    assert center == 0.0
    assert np.isclose(scale, 0.2 * np.log1p(4.0) * 1.2533)


def test_constant_column_gets_the_floor_instead_of_dividing_by_zero():
    assert robust_center_scale(np.full(100, 7.0), floor=0.5) == (7.0, 0.5)


def test_scaled_matrix_is_float32_of_the_documented_formula():
    values = np.array([[0.0, 0.2], [9.0, 0.9], [3.0, 0.5], [1.0, 0.1]])
    scalings = fit_scalings(values, (spec("n", "count"), spec("r", "ratio")))
    scaled = scale_matrix(values, scalings)
    assert scaled.dtype == np.float32
    expected_count = (np.log1p(values[:, 0]) - scalings[0].center) / scalings[0].scale
    expected_ratio = (values[:, 1] - scalings[1].center) / scalings[1].scale
    np.testing.assert_array_equal(scaled[:, 0], expected_count.astype(np.float32))
    np.testing.assert_array_equal(scaled[:, 1], expected_ratio.astype(np.float32))


def test_raw_percentiles_are_on_untransformed_values():
    percentiles = raw_percentiles(np.arange(1, 101, dtype=float))
    assert percentiles["max"] == 100.0
    np.testing.assert_allclose([percentiles["p50"], percentiles["p90"], percentiles["p99"]], [50.5, 90.1, 99.01])


def test_rare_flags_and_counts_keep_a_scale_floor_so_one_occurrence_is_not_thousands_of_sigmas():
    values = np.zeros((10_000, 2))
    values[:3, 0] = 1.0  # a flag set in 3 of 10,000 rows
    values[:3, 1] = 2.0  # a count non-zero in 3 rows
    flag, count = fit_scalings(values, (spec("f", "flag"), spec("c", "count")))
    assert flag.scale == 1.0 and count.scale == 0.5
    assert scale_matrix(values[:1], (flag, count)).tolist() == [[1.0, np.float32(np.log1p(2.0) / 0.5)]]


def test_center_and_scale_are_float32_values_as_the_ts_scorer_holds_them():
    values = np.random.default_rng(2).lognormal(size=(1000, 2))
    for scaling in fit_scalings(values, (spec("c", "count"), spec("r", "ratio"))):
        assert float(np.float32(scaling.center)) == scaling.center
        assert float(np.float32(scaling.scale)) == scaling.scale
