"""Builds the JSON sidecar (`model.json`) that the TypeScript scorer loads next to the ONNX files."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .calibration import FORMULA, Calibration
from .dataset import FeatureSpec
from .onnx_export import INPUT_NAME
from .preprocess import FeatureScaling

SCHEMA_VERSION = 1
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


def training_time() -> datetime:
    """Honours SOURCE_DATE_EPOCH (reproducible-builds convention) so that reruns can be byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0)


def model_version(created: datetime, data_sha256: str) -> str:
    return f"{created:%Y.%m.%d}-{data_sha256[:8]}"


def build_sidecar(*, created: datetime, rows: int, data_sha256: str, sources: list[str],
                  features: tuple[FeatureSpec, ...], scalings: tuple[FeatureScaling, ...],
                  percentiles: list[dict[str, float]], models: list[ExportedModel],
                  ensemble_method: str, ensemble_description: str, weights: dict[str, float],
                  benign_flag_rate_per_10k: float, calibration_rows: int) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "model_version": model_version(created, data_sha256),
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training_data": {"rows": rows, "sha256": data_sha256, "sources": list(sources)},
        "features": [
            {
                "name": feature.name,
                "kind": feature.kind,
                "windowed": feature.windowed,
                "transform": scaling.transform,
                "center": scaling.center,
                "scale": scaling.scale,
                **percentile,
            }
            for feature, scaling, percentile in zip(features, scalings, percentiles)
        ],
        "input_name": INPUT_NAME,
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
            for model in models
        ],
        "calibration_formula": FORMULA,
        "ensemble": {"method": ensemble_method, "weights": weights, "description": ensemble_description},
        "levels": dict(LEVELS),
        "benign_flag_rate_per_10k": benign_flag_rate_per_10k,
        "benign_flag_rate_rows": calibration_rows,
    }


def sidecar_json(sidecar: dict[str, Any]) -> str:
    return json.dumps(sidecar, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
