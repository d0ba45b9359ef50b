"""Per-feature transform and robust standardisation, exactly as the TypeScript scorer applies them."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dataset import FeatureSpec

TRANSFORM_BY_KIND = {"count": "log1p", "length": "log1p", "ratio": "none", "flag": "none", "score": "none"}

# IQR / 1.349 estimates the standard deviation of a normal distribution.
IQR_TO_SIGMA = 1.349
# Mean absolute deviation * sqrt(pi/2) estimates the standard deviation of a normal distribution.
MAD_TO_SIGMA = 1.2533
# The smallest scale per kind, in transformed units: a flag's unit is its 0 -> 1 step, a count's
# about one event up from zero (log1p(1) = 0.69). It keeps constant columns from dividing by
# zero, and without it a rare flag (1 in 10,000 benign events) would be standardised to ~10,000
# and a Gaussian model would rate one benign occurrence as more surprising than a brute-force
# burst; with it, rarity counts but volume counts more.
SCALE_FLOOR_BY_KIND = {"flag": 1.0, "count": 0.5, "length": 0.5, "ratio": 0.1, "score": 0.1}


@dataclass(frozen=True)
class FeatureScaling:
    transform: str
    center: float
    scale: float


def apply_transform(values: np.ndarray, transform: str) -> np.ndarray:
    if transform == "log1p":
        return np.log1p(values)
    if transform == "none":
        return np.asarray(values, dtype=np.float64)
    raise ValueError(f"unknown transform {transform!r}")


def robust_center_scale(transformed: np.ndarray, floor: float) -> tuple[float, float]:
    """Median and an IQR-based scale; mostly-constant columns (IQR 0, common for rare counts and
    flags) fall back to the mean absolute deviation; neither goes below the floor."""
    center = float(np.median(transformed))
    q25, q75 = np.percentile(transformed, [25, 75])
    scale = float(q75 - q25) / IQR_TO_SIGMA
    if scale < floor:
        scale = float(np.mean(np.abs(transformed - center))) * MAD_TO_SIGMA
    return center, max(scale, floor)


def fit_scalings(values: np.ndarray, features: tuple[FeatureSpec, ...]) -> tuple[FeatureScaling, ...]:
    """One scaling per column of `values` (the columns of `features`, in order). Center and scale
    are rounded to float32 values: the TS scorer holds them in Float32Arrays, so both sides then
    compute (t(x) - center) / scale from the same numbers."""
    scalings = []
    for column, feature in enumerate(features):
        transform = TRANSFORM_BY_KIND[feature.kind]
        center, scale = robust_center_scale(apply_transform(values[:, column], transform),
                                            SCALE_FLOOR_BY_KIND[feature.kind])
        scalings.append(FeatureScaling(transform=transform, center=_float32(center), scale=_float32(scale)))
    return tuple(scalings)


def _float32(value: float) -> float:
    return float(np.float32(value))


def scale_matrix(values: np.ndarray, scalings: tuple[FeatureScaling, ...]) -> np.ndarray:
    """Raw values -> the float32 model input; computed in float64 and rounded once, as in TS."""
    scaled = np.empty(values.shape, dtype=np.float64)
    for column, scaling in enumerate(scalings):
        transformed = apply_transform(values[:, column], scaling.transform)
        scaled[:, column] = (transformed - scaling.center) / scaling.scale
    return scaled.astype(np.float32)


def raw_percentiles(column: np.ndarray) -> dict[str, float]:
    """Benign reference points on the untransformed values, used by the scorer's explanations."""
    p50, p90, p99 = np.percentile(column, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99), "max": float(np.max(column))}
