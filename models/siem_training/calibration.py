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


def fit_joint_calibrations(benign_scores: dict[str, np.ndarray], flags_per_10k: float) -> dict[str, Calibration]:
    """Calibrates the models of one ensemble (risk = max over models) on the same benign rows so
    that the ensemble flags at most `flags_per_10k` of them. The models often flag the same rows,
    so the union bound (each model 1/models of the budget) leaves part of the budget unused:
    starting from each model taking the whole budget, the per-model share is lowered one row at a
    time until the union fits, down to the union bound, which always applies."""
    rows = next(iter(benign_scores.values())).size
    budget_rows = flags_per_10k / 10_000.0 * rows
    union_bound = budget_rows / len(benign_scores)
    shares = [budget_rows - step for step in range(int(np.floor(budget_rows - union_bound)) + 1)
              if budget_rows - step > union_bound] + [union_bound]
    for per_model in shares:
        calibrations = {name: fit_calibration(scores, 1.0 - per_model / rows) for name, scores in benign_scores.items()}
        flagged = np.zeros(rows, dtype=bool)
        for name, scores in benign_scores.items():
            flagged |= risk_from_scores(calibrations[name], scores) >= THRESHOLD_RISK
        if np.count_nonzero(flagged) <= budget_rows:
            break
    return calibrations


def fit_calibration(benign_scores: np.ndarray, top_quantile: float) -> Calibration:
    quantiles = KNOT_QUANTILES + (top_quantile,)
    risks = KNOT_RISKS + (THRESHOLD_RISK,)
    if not quantiles[-2] < top_quantile < 1.0:
        raise ValueError(f"top quantile {top_quantile} must lie in ({quantiles[-2]}, 1)")
    # "higher": each knot is an observed benign score.
    knots = [float(np.quantile(benign_scores, q, method="higher")) for q in quantiles[:-1]]
    budget_rows = round((1.0 - top_quantile) * benign_scores.size, 6)  # 1 - 0.999 is not exactly 0.001
    knots.append(threshold_within_budget(benign_scores, budget_rows))
    knots = _strictly_ascending(knots)
    # Beyond the top knot, each further step as wide as the benign band between the last two knots
    # (the top ~1% of benign scores) shrinks the remaining (1 - risk) by a factor e.
    tail_scale = max(knots[-1] - knots[-2], _spacing(knots))
    return Calibration(raw=tuple(knots), risk=risks, quantiles=quantiles, tail_scale=float(tail_scale))


def threshold_within_budget(scores: np.ndarray, budget_rows: float) -> float:
    """The lowest 0.4 knot (risk >= 0.4 from s >= knot) at which at most `budget_rows` benign rows
    are flagged. Rows tied at one score (identical feature vectors) are flagged together or not at
    all, so a recurring benign vector never overshoots the budget. The knot sits midway between the
    lowest flagged and the highest unflagged score, or just above the maximum when none fits: never
    on a benign score, where interpolating towards the knot would round to 0.4 and flag it."""
    values, counts = np.unique(scores, return_counts=True)  # ascending distinct scores
    at_or_above = np.cumsum(counts[::-1])[::-1]
    fitting = np.flatnonzero(at_or_above <= budget_rows)  # a suffix of the distinct scores
    if fitting.size == 0:
        top = float(values[-1])
        return top + 1e-6 * max(1.0, abs(top))
    lowest = max(int(fitting[0]), 1)
    return float((values[lowest - 1] + values[lowest]) / 2.0)


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
