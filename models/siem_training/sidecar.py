"""Builds the JSON sidecar (`model.json`, schema 2) that the TypeScript scorer (scorer/model/sidecar.ts)
loads next to the ONNX files: per event family, its features, scaling, models and calibration."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .calibration import FORMULA, Calibration
from .dataset import FeatureSpec
from .ensemble import DESCRIPTION, METHOD
from .onnx_export import INPUT_NAME
from .preprocess import FeatureScaling

SCHEMA_VERSION = 2
SIDECAR_FILE = "model.json"
LEVELS = {"low": 0.4, "medium": 0.6, "high": 0.8, "critical": 0.9}


@dataclass(frozen=True)
class ExportedModel:
    name: str
    file: str
    sha256: str
    output_name: str
    orientation: int
    weight: float
    calibration: Calibration
    verification: dict[str, float]


@dataclass(frozen=True)
class FamilyResult:
    """One family's trained, verified and calibrated models and what the sidecar and card say of them."""
    family: str
    rows: int
    distinct_rows: int
    columns: list[int]  # global column indexes of the family's features, ascending
    scalings: tuple[FeatureScaling, ...]
    percentiles: list[dict[str, float]]
    models: list[ExportedModel]
    weights: dict[str, float]
    parameters: dict[str, dict[str, Any]]  # per model, for the model card
    train_rows: int
    calibration_rows: int
    holdout_rows: int
    flag_rate_per_10k: float
    holdout_flag_rate_per_10k: float | None


def training_time() -> datetime:
    """Honours SOURCE_DATE_EPOCH (reproducible-builds convention) so that reruns can be byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0)


def model_version(created: datetime, data_sha256: str) -> str:
    return f"{created:%Y.%m.%d}-{data_sha256[:8]}"


def build_sidecar(*, created: datetime, rows: int, data_sha256: str, sources: list[str],
                  features: tuple[FeatureSpec, ...], families: list[FamilyResult], target_flags_per_10k: float,
                  benign_flag_rate_per_10k: float, holdout_flag_rate_per_10k: float | None) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "model_version": model_version(created, data_sha256),
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training_data": {"rows": rows, "sha256": data_sha256, "sources": list(sources)},
        "features": [
            {"name": feature.name, "kind": feature.kind, "windowed": feature.windowed, "families": list(feature.families)}
            for feature in features
        ],
        "input_name": INPUT_NAME,
        "families": {result.family: _family(result, features) for result in families},
        "calibration_formula": FORMULA,
        "levels": dict(LEVELS),
        "target_flags_per_10k": target_flags_per_10k,
        "benign_flag_rate_per_10k": benign_flag_rate_per_10k,
        "holdout_flag_rate_per_10k": holdout_flag_rate_per_10k,
    }


def _family(result: FamilyResult, features: tuple[FeatureSpec, ...]) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "features": [
            {"name": features[column].name, "transform": scaling.transform, "center": scaling.center, "scale": scaling.scale,
             **percentile}
            for column, scaling, percentile in zip(result.columns, result.scalings, result.percentiles)
        ],
        "models": [
            {
                "name": model.name,
                "file": model.file,
                "sha256": model.sha256,
                "output_name": model.output_name,
                "orientation": model.orientation,
                "weight": model.weight,
                "calibration": {
                    "raw": list(model.calibration.raw),
                    "risk": list(model.calibration.risk),
                    "tail_scale": model.calibration.tail_scale,
                    "quantiles": list(model.calibration.quantiles),
                },
                "verification": model.verification,
            }
            for model in result.models
        ],
        "ensemble": {"method": METHOD, "weights": dict(result.weights), "description": DESCRIPTION},
        "benign_flag_rate_per_10k": result.flag_rate_per_10k,
        "split": {"train": result.train_rows, "calibration": result.calibration_rows, "holdout": result.holdout_rows},
        "holdout_flag_rate_per_10k": result.holdout_flag_rate_per_10k,
    }


def sidecar_json(sidecar: dict[str, Any]) -> str:
    return json.dumps(sidecar, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
