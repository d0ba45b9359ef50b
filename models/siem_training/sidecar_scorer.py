"""Scores raw feature rows from the written files alone (model.json + ONNX), the way the TypeScript
scorer must: a reference for its implementation and a check that the sidecar is self-sufficient."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .calibration import Calibration, risk_from_scores
from .onnx_export import OnnxScorer, sha256_hex
from .preprocess import FeatureScaling, scale_matrix
from .sidecar import SIDECAR_FILE


class SidecarScorer:
    def __init__(self, model_dir: Path) -> None:
        model_dir = Path(model_dir)
        self.sidecar = json.loads((model_dir / SIDECAR_FILE).read_text(encoding="utf-8"))
        self.feature_names = [feature["name"] for feature in self.sidecar["features"]]
        self._scalings = tuple(
            FeatureScaling(transform=feature["transform"], center=feature["center"], scale=feature["scale"])
            for feature in self.sidecar["features"]
        )
        self._models = []
        for model in self.sidecar["models"]:
            model_bytes = (model_dir / model["file"]).read_bytes()
            if sha256_hex(model_bytes) != model["sha256"]:
                raise ValueError(f"{model['file']}: sha256 differs from model.json")
            calibration = model["calibration"]
            self._models.append((
                model["name"],
                OnnxScorer(model_bytes, model["output_name"]),
                model["orientation"],
                Calibration(raw=tuple(calibration["raw"]), risk=tuple(calibration["risk"]),
                            quantiles=tuple(calibration["quantiles"]), tail_scale=calibration["tail_scale"]),
            ))

    def scaled(self, raw: np.ndarray) -> np.ndarray:
        return scale_matrix(raw, self._scalings)

    def outputs(self, raw: np.ndarray) -> dict[str, np.ndarray]:
        """Each model's ONNX output (before orientation)."""
        scaled = self.scaled(raw)
        return {name: scorer.score(scaled) for name, scorer, _, _ in self._models}

    def risks(self, raw: np.ndarray) -> dict[str, np.ndarray]:
        outputs = self.outputs(raw)
        return {name: risk_from_scores(calibration, orientation * outputs[name])
                for name, _, orientation, calibration in self._models}

    def ensemble_risk(self, raw: np.ndarray) -> np.ndarray:
        method = self.sidecar["ensemble"]["method"]
        if method != "max":
            raise ValueError(f"unknown ensemble method {method!r}")
        weights = self.sidecar["ensemble"]["weights"]
        return np.max(np.stack([weights[name] * risk for name, risk in self.risks(raw).items()]), axis=0)
