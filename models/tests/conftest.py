"""Shared fixtures: a synthetic benign matrix on disk and one training run over it."""
from __future__ import annotations

from pathlib import Path

import pytest

import synthetic
from siem_training.pipeline import TrainingOptions, train

MODELS_DIR = Path(__file__).resolve().parents[1]
BENIGN_ROWS = 100_000  # 20,000 calibration rows: 10 benign rows above each model's 0.4 knot


@pytest.fixture(scope="session")
def benign_files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("benign")
    csv_path, spec_path = folder / "features.csv", folder / "feature-spec.json"
    synthetic.write_csv(csv_path, synthetic.benign_matrix(BENIGN_ROWS, seed=7))
    synthetic.write_spec(spec_path)
    return csv_path, spec_path


@pytest.fixture(scope="session")
def trained(tmp_path_factory, benign_files) -> tuple[Path, dict, list[str]]:
    """(output folder, sidecar, progress lines) of one run of the pipeline."""
    csv_path, spec_path = benign_files
    out_dir = tmp_path_factory.mktemp("model")
    lines: list[str] = []
    sidecar = train(TrainingOptions(features_csv=csv_path, feature_spec=spec_path, out_dir=out_dir,
                                    sources=("synthetic:test",)), lines.append)
    return out_dir, sidecar, lines
