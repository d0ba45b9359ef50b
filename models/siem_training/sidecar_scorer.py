"""Scores raw feature rows (all columns) from the written files alone (model.json + ONNX), the way
the TypeScript scorer must: each row by the models of its family, on that family's features; rows
in no family get risk 0. A reference for the TS implementation and a check that the sidecar is
self-sufficient."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .calibration import Calibration, risk_from_scores
from .dataset import FAMILIES, NO_FAMILY, family_flag
from .onnx_export import OnnxScorer, sha256_hex
from .preprocess import FeatureScaling, scale_matrix
from .sidecar import SIDECAR_FILE


@dataclass(frozen=True)
class _Model:
    name: str
    scorer: OnnxScorer
    orientation: int
    weight: float
    calibration: Calibration


class FamilyScorer:
    def __init__(self, model_dir: Path, family: str, spec: dict, all_names: list[str]) -> None:
        self.family = family
        self.feature_names = [feature["name"] for feature in spec["features"]]
        self.columns = [all_names.index(name) for name in self.feature_names]
        self._scalings = tuple(FeatureScaling(transform=feature["transform"], center=feature["center"], scale=feature["scale"])
                               for feature in spec["features"])
        self.method = spec["ensemble"]["method"]
        if self.method not in ("max", "weighted_mean", "noisy_or"):
            raise ValueError(f"{family}: unknown ensemble method {self.method!r}")
        weights = spec["ensemble"]["weights"]
        self.models: list[_Model] = []
        for model in spec["models"]:
            model_bytes = (model_dir / model["file"]).read_bytes()
            if sha256_hex(model_bytes) != model["sha256"]:
                raise ValueError(f"{model['file']}: sha256 differs from model.json")
            calibration = model["calibration"]
            self.models.append(_Model(
                name=model["name"], scorer=OnnxScorer(model_bytes, model["output_name"]), orientation=model["orientation"],
                weight=weights.get(model["name"], model["weight"]),
                calibration=Calibration(raw=tuple(calibration["raw"]), risk=tuple(calibration["risk"]),
                                        quantiles=tuple(calibration.get("quantiles", ())), tail_scale=calibration["tail_scale"]),
            ))

    def scaled(self, raw: np.ndarray) -> np.ndarray:
        """Full raw rows -> this family's float32 model input [N, d_family]."""
        return scale_matrix(raw[:, self.columns], self._scalings)

    def outputs(self, raw: np.ndarray) -> dict[str, np.ndarray]:
        """Each model's ONNX output (before orientation)."""
        scaled = self.scaled(raw)
        return {model.name: model.scorer.score(scaled) for model in self.models}

    def risks(self, raw: np.ndarray) -> dict[str, np.ndarray]:
        outputs = self.outputs(raw)
        return {model.name: risk_from_scores(model.calibration, model.orientation * outputs[model.name]) for model in self.models}

    def ensemble_risk(self, raw: np.ndarray) -> np.ndarray:
        """As scorer/model/ensemble.ts combines them."""
        risks = self.risks(raw)
        stacked = np.stack([risks[model.name] for model in self.models])
        weights = np.array([model.weight for model in self.models])[:, None]
        if self.method == "max":
            return (weights * stacked).max(axis=0)
        if self.method == "noisy_or":
            return 1.0 - np.prod((1.0 - stacked) ** weights, axis=0)
        return (weights * stacked).sum(axis=0) / (weights.sum() or 1.0)


class SidecarScorer:
    def __init__(self, model_dir: Path) -> None:
        model_dir = Path(model_dir)
        self.sidecar = json.loads((model_dir / SIDECAR_FILE).read_text(encoding="utf-8"))
        if self.sidecar.get("schema") != 2:
            raise ValueError(f"{model_dir / SIDECAR_FILE}: schema {self.sidecar.get('schema')!r}, expected 2")
        self.feature_names = [feature["name"] for feature in self.sidecar["features"]]
        self._flag_columns = [self.feature_names.index(family_flag(family)) for family in FAMILIES]
        self.families = {family: FamilyScorer(model_dir, family, self.sidecar["families"][family], self.feature_names)
                         for family in FAMILIES}

    def row_families(self, raw: np.ndarray) -> np.ndarray:
        """Index in FAMILIES of each row's family, NO_FAMILY when no `is_*` flag is set (the first
        set flag wins; training data has at most one)."""
        flags = raw[:, self._flag_columns] != 0
        return np.where(flags.any(axis=1), np.argmax(flags, axis=1), NO_FAMILY)

    def ensemble_risk(self, raw: np.ndarray) -> np.ndarray:
        """Risk of every row from its family's models; 0 for rows in no family."""
        families = self.row_families(raw)
        risk = np.zeros(raw.shape[0])
        for number, family in enumerate(FAMILIES):
            rows = np.flatnonzero(families == number)
            if rows.size:
                risk[rows] = self.families[family].ensemble_risk(raw[rows])
        return risk
