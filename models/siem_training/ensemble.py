"""Combines the calibrated per-model risks of one family into the event's risk."""
from __future__ import annotations

import numpy as np

from .calibration import THRESHOLD_RISK

METHOD = "max"
DESCRIPTION = (
    "risk = max over the family's models of weight * calibrated risk (all weights 1): an event any "
    "detector finds anomalous is reported at that detector's level. The models' 0.4 knots are fitted "
    "together on the family's calibration rows so that their union flags at most the target per 10k."
)


def ensemble_weights(model_names: list[str]) -> dict[str, float]:
    return {name: 1.0 for name in model_names}


def combine_risks(risks: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    return np.max(np.stack([weights[name] * risk for name, risk in risks.items()]), axis=0)


def flags_per_10k(risk: np.ndarray, threshold: float = THRESHOLD_RISK) -> float:
    return float(np.count_nonzero(risk >= threshold)) * 10_000.0 / risk.shape[0]
