"""Maps an oriented anomaly score (higher = more anomalous) to a risk in [0, 1] from benign quantiles.

risk(s) =
  risk[0]                                               if s <= raw[0]
  linear interpolation between neighbouring knots       if raw[0] <= s <= raw[-1]
  1 - (1 - risk[-1]) * exp(-(s - raw[-1]) / tail_scale) if s > raw[-1]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Benign quantile -> risk. The last knot is the "low" anomaly level (0.4); its quantile is chosen
# per run from the benign flag target (see top_quantile_for_target).
KNOT_QUANTILES = (0.0, 0.5, 0.9, 0.99)
KNOT_RISKS = (0.0, 0.05, 0.15, 0.3)
THRESHOLD_RISK = 0.4
FORMULA = (
    "s = orientation * output; raw[] ascending, risk[] non-decreasing; "
    "s <= raw[0]: risk[0]; raw[i] <= s <= raw[i+1]: risk[i] + (risk[i+1] - risk[i]) * (s - raw[i]) / (raw[i+1] - raw[i]); "
    "s > raw[n-1]: 1 - (1 - risk[n-1]) * exp(-(s - raw[n-1]) / tail_scale)"
)


@dataclass(frozen=True)
class Calibration:
    raw: tuple[float, ...]  # oriented scores at the knots, strictly ascending
    risk: tuple[float, ...]
    quantiles: tuple[float, ...]  # benign quantile of each knot (for the model card)
    tail_scale: float


def top_quantile_for_target(flags_per_10k: float, models: int) -> float:
    """The per-model benign quantile of the 0.4 knot. The ensemble takes the maximum risk, so a
    benign event is flagged if any model flags it: splitting the target evenly (union bound)
    keeps the ensemble at or under it."""
    return 1.0 - flags_per_10k / 10_000.0 / models


def fit_calibration(benign_scores: np.ndarray, top_quantile: float) -> Calibration:
    quantiles = KNOT_QUANTILES + (top_quantile,)
    risks = KNOT_RISKS + (THRESHOLD_RISK,)
    if not quantiles[-2] < top_quantile < 1.0:
        raise ValueError(f"top quantile {top_quantile} must lie in ({quantiles[-2]}, 1)")
    # "higher": each knot is an observed benign score, so at most the requested share of benign
    # calibration rows lies strictly above it.
    knots = [float(np.quantile(benign_scores, q, method="higher")) for q in quantiles]
    budget_rows = round((1.0 - top_quantile) * benign_scores.size, 6)  # 1 - 0.999 is not exactly 0.001
    knots[-1] = _threshold_nearest_budget(benign_scores, knots[-1], budget_rows)
    knots = _strictly_ascending(knots)
    # Beyond the top knot, each further step as wide as the benign band between the last two knots
    # (the top ~1% of benign scores) shrinks the remaining (1 - risk) by a factor e.
    tail_scale = max(knots[-1] - knots[-2], _spacing(knots))
    return Calibration(raw=tuple(knots), risk=risks, quantiles=quantiles, tail_scale=float(tail_scale))


def _threshold_nearest_budget(scores: np.ndarray, top: float, budget_rows: float) -> float:
    """Risk 0.4 starts at the top knot (s >= knot). Benign rows tied at the top score (identical
    feature vectors give identical scores) are flagged together or not at all: keep whichever
    count is nearer the budget, the smaller one when both are as near."""
    flagged_with_ties = np.count_nonzero(scores >= top)
    flagged_without = np.count_nonzero(scores > top)
    if abs(flagged_without - budget_rows) <= abs(flagged_with_ties - budget_rows):
        return float(np.nextafter(top, np.inf))
    return top


def _spacing(knots: list[float]) -> float:
    return 1e-9 * max(1.0, max(abs(knot) for knot in knots))


def _strictly_ascending(knots: list[float]) -> list[float]:
    """Tied quantiles (many identical benign scores) would make a vertical segment; nudging each
    tied knot up by a negligible step keeps the map a function, and only raises the threshold."""
    step = _spacing(knots)
    result = [knots[0]]
    for knot in knots[1:]:
        result.append(max(knot, result[-1] + step))
    return result


def risk_from_scores(calibration: Calibration, scores: np.ndarray) -> np.ndarray:
    raw = np.asarray(calibration.raw)
    risk = np.asarray(calibration.risk)
    scores = np.asarray(scores, dtype=np.float64)
    inside = np.interp(scores, raw, risk)  # clamps to risk[0] below raw[0]
    tail = 1.0 - (1.0 - risk[-1]) * np.exp(-(scores - raw[-1]) / calibration.tail_scale)
    return np.where(scores > raw[-1], tail, inside)
