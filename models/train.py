#!/usr/bin/env python3
"""Trains the anomaly detectors on benign feature vectors and exports ONNX models plus model.json."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from siem_training.dataset import DatasetError
from siem_training.onnx_export import VerificationError
from siem_training.pipeline import TrainingOptions, train

MODELS_DIR = Path(__file__).resolve().parent


def parse_arguments(argv: list[str]) -> TrainingOptions:
    parser = argparse.ArgumentParser(
        description="Train the unsupervised detectors (Isolation Forest + Gaussian mixture) of each event family "
                    "(auth, firewall, web, privilege) on benign feature vectors; write ONNX models, model.json "
                    "(schema 2) and MODEL_CARD.md. Progress goes to stderr.",
    )
    parser.add_argument("--features", required=True, type=Path, help="benign feature matrix CSV (header = feature names)")
    parser.add_argument("--feature-spec", required=True, type=Path, help="JSON array of {name, kind, windowed, families, description}, in CSV column order")
    parser.add_argument("--source", action="append", default=[], help="description of where the data came from (repeatable; recorded in model.json)")
    parser.add_argument("--out-dir", type=Path, default=MODELS_DIR / "current", help="output folder (default: models/current)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the split and the models (default 1)")
    parser.add_argument("--calibration-fraction", type=float, default=0.2, help="share of each family's rows held out for calibration (default 0.2)")
    parser.add_argument("--holdout-fraction", type=float, default=0.1,
                        help="share of each family's rows held out from training and calibration, to measure the benign flag rate "
                             "a second time (default 0.1; 0 for none)")
    parser.add_argument("--target-flags-per-10k", type=float, default=10.0,
                        help="benign events of each family flagged at risk >= 0.4 per 10k, on its calibration split (default 10: "
                             "about half of all events belong to no family, so the overall rate stays near half of this)")
    parser.add_argument("--tolerance-abs", type=float, default=1e-3, help="ONNX vs sklearn: allowed absolute difference (default 1e-3)")
    parser.add_argument("--tolerance-rel", type=float, default=1e-5, help="ONNX vs sklearn: allowed relative difference on top (default 1e-5)")
    arguments = parser.parse_args(argv)
    return TrainingOptions(
        features_csv=arguments.features, feature_spec=arguments.feature_spec, out_dir=arguments.out_dir,
        sources=tuple(arguments.source), seed=arguments.seed, calibration_fraction=arguments.calibration_fraction,
        holdout_fraction=arguments.holdout_fraction, target_flags_per_10k=arguments.target_flags_per_10k, tolerance_abs=arguments.tolerance_abs,
        tolerance_rel=arguments.tolerance_rel,
    )


def main(argv: list[str]) -> int:
    options = parse_arguments(argv)

    def log(message: str) -> None:
        print(f"train: {message}", file=sys.stderr, flush=True)

    try:
        train(options, log)
    except (DatasetError, VerificationError, OSError) as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
