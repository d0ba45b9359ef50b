import numpy as np
import pytest

from siem_training.calibration import (THRESHOLD_RISK, fit_calibration, fit_joint_calibrations, risk_from_scores,
                                       threshold_within_budget, top_quantile_for_target)

TOP = top_quantile_for_target(10, 2)


def benign_scores(rows, seed):
    return np.random.default_rng(seed).lognormal(0.0, 0.6, rows)


def test_the_union_of_two_models_is_budgeted_at_five_per_10k_each():
    assert top_quantile_for_target(10, 2) == pytest.approx(0.9995)
    assert top_quantile_for_target(10, 1) == pytest.approx(0.999)


def test_knots_sit_on_benign_quantiles_with_the_documented_risks():
    scores = benign_scores(100_000, 1)
    calibration = fit_calibration(scores, TOP)
    assert calibration.risk == (0.0, 0.05, 0.15, 0.3, 0.4)
    expected = [np.quantile(scores, q, method="higher") for q in (0.0, 0.5, 0.9, 0.99)]
    np.testing.assert_array_equal(calibration.raw[:4], expected)
    ordered = np.sort(scores)
    assert ordered[-51] < calibration.raw[4] < ordered[-50]  # 0.05% of 100,000 = 50 rows at or above it
    np.testing.assert_allclose(risk_from_scores(calibration, np.array(calibration.raw)), calibration.risk)


def test_risk_is_monotone_bounded_and_continuous_at_the_top_knot():
    calibration = fit_calibration(benign_scores(50_000, 2), TOP)
    grid = np.linspace(calibration.raw[0] - 5, calibration.raw[-1] + 50 * calibration.tail_scale, 200_001)
    risk = risk_from_scores(calibration, grid)
    assert np.all(np.diff(risk) >= 0)
    assert risk.min() == 0.0 and risk.max() <= 1.0 and risk[-1] > 0.999
    top = calibration.raw[-1]
    assert risk_from_scores(calibration, np.array([top + 1e-9 * calibration.tail_scale]))[0] == pytest.approx(0.4, abs=1e-6)


def test_tail_follows_the_exponential_formula():
    calibration = fit_calibration(benign_scores(50_000, 3), TOP)
    s = calibration.raw[-1] + np.array([0.5, 1.0, 3.0]) * calibration.tail_scale
    expected = 1 - (1 - 0.4) * np.exp(-(s - calibration.raw[-1]) / calibration.tail_scale)
    np.testing.assert_allclose(risk_from_scores(calibration, s), expected)
    assert calibration.tail_scale == pytest.approx(calibration.raw[-1] - calibration.raw[-2])


def test_threshold_flags_at_most_the_budget_on_calibration_and_about_it_on_fresh_benign():
    calibration_scores = benign_scores(200_000, 4)
    calibration = fit_calibration(calibration_scores, TOP)
    flagged = np.mean(risk_from_scores(calibration, calibration_scores) >= THRESHOLD_RISK)
    assert flagged <= (1 - TOP) + 1 / calibration_scores.size
    fresh = np.mean(risk_from_scores(calibration, benign_scores(1_000_000, 5)) >= THRESHOLD_RISK)
    assert 3e-4 < fresh < 7e-4  # 5 per 10k, within binomial noise of 40 calibration rows above the knot


def test_tied_scores_still_give_strictly_ascending_knots_and_a_monotone_map():
    scores = np.concatenate([np.zeros(9990), np.linspace(1, 2, 10)])
    calibration = fit_calibration(scores, 0.999)
    assert all(b > a for a, b in zip(calibration.raw, calibration.raw[1:]))
    assert calibration.tail_scale > 0
    risk = risk_from_scores(calibration, np.linspace(-1, 5, 10_001))
    assert np.all(np.diff(risk) >= 0)


@pytest.mark.parametrize("tied_rows,flagged_rows", [(5, 10), (10, 10), (11, 0), (12, 0), (25, 0)])
def test_a_tie_group_at_the_top_is_flagged_whole_only_within_the_budget(tied_rows, flagged_rows):
    """Budget: 10 of 10,000 rows. Identical top scores (identical benign vectors) are flagged
    together or not at all, and never beyond the budget: a vector that recurs more often than the
    budget allows is benign behaviour, not an anomaly."""
    scores = np.concatenate([np.linspace(0, 1, 10_000 - tied_rows), np.full(tied_rows, 2.0)])
    calibration = fit_calibration(scores, 0.999)
    assert np.count_nonzero(risk_from_scores(calibration, scores) >= THRESHOLD_RISK) == flagged_rows


def test_rows_tied_just_below_the_threshold_are_not_rounded_up_to_the_low_level():
    """The knot sits between scores, not one ulp above a tie group, where interpolating towards it
    would give exactly 0.4 and flag the group anyway."""
    scores = np.concatenate([np.linspace(0, 1, 9_990), np.full(7, 1.5), np.full(3, 1.5 + 1e-12)])
    threshold = threshold_within_budget(scores, 5.0)
    assert 1.5 < threshold < 1.5 + 1e-12
    calibration = fit_calibration(scores, 1 - 5 / 10_000)
    risk = risk_from_scores(calibration, scores)
    assert np.count_nonzero(risk >= THRESHOLD_RISK) == 3
    assert risk[9_990] < THRESHOLD_RISK


def test_threshold_above_every_benign_score_when_the_budget_is_under_one_row():
    scores = np.random.default_rng(6).normal(size=800)
    threshold = threshold_within_budget(scores, 0.5)
    assert threshold > scores.max()
    assert np.count_nonzero(risk_from_scores(fit_calibration(scores, 1 - 0.5 / 800), scores) >= THRESHOLD_RISK) == 0


def test_models_that_flag_the_same_rows_share_the_whole_budget():
    rng = np.random.default_rng(7)
    base = rng.normal(size=20_000)
    scores = {"a": base, "b": 2 * base + 1}  # the same ranking: the union is either model's set
    calibrations = fit_joint_calibrations(scores, flags_per_10k=10)
    flagged = {name: risk_from_scores(calibrations[name], values) >= THRESHOLD_RISK for name, values in scores.items()}
    assert np.count_nonzero(flagged["a"]) == np.count_nonzero(flagged["b"]) == 20
    assert np.count_nonzero(flagged["a"] | flagged["b"]) == 20


def test_models_that_flag_different_rows_fall_back_to_the_union_bound():
    rng = np.random.default_rng(8)
    scores = {"a": rng.normal(size=20_000), "b": rng.normal(size=20_000)}  # independent: little overlap
    calibrations = fit_joint_calibrations(scores, flags_per_10k=10)
    flagged = {name: risk_from_scores(calibrations[name], values) >= THRESHOLD_RISK for name, values in scores.items()}
    union = np.count_nonzero(flagged["a"] | flagged["b"])
    assert union <= 20
    assert 10 <= np.count_nonzero(flagged["a"]) < 20 and 10 <= np.count_nonzero(flagged["b"]) < 20
