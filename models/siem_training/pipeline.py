"""The training run: benign CSV -> scaled matrix -> detectors -> verified ONNX -> calibration -> files."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from . import ensemble
from .calibration import fit_calibration, risk_from_scores, top_quantile_for_target
from .dataset import load_feature_matrix, load_feature_spec, split_train_calibration
from .detectors import DETECTOR_TRAINERS
from .model_card import render_model_card
from .onnx_export import OnnxScorer, export_onnx, sha256_hex, verify_agreement
from .preprocess import fit_scalings, raw_percentiles, scale_matrix
from .sidecar import SIDECAR_FILE, ExportedModel, build_sidecar, sidecar_json, training_time

MODEL_CARD_FILE = "MODEL_CARD.md"
# Fewer benign rows than this above a model's 0.4 knot make its position (the flag rate) a guess.
MIN_ROWS_ABOVE_TOP_KNOT = 10


@dataclass(frozen=True)
class TrainingOptions:
    features_csv: Path
    feature_spec: Path
    out_dir: Path
    sources: tuple[str, ...] = ()
    seed: int = 1
    calibration_fraction: float = 0.2
    target_flags_per_10k: float = 10.0
    tolerance_abs: float = 1e-4
    tolerance_rel: float = 1e-5
    detectors: tuple[str, ...] = ("iforest", "gmm")


def train(options: TrainingOptions, log: Callable[[str], None]) -> dict:
    # One BLAS/OpenMP thread: results then do not depend on the core count (reproducible
    # digests), and EM is no slower (on a busy machine far faster: no spinning idle workers).
    with threadpool_limits(limits=1):
        return _train(options, log)


def _train(options: TrainingOptions, log: Callable[[str], None]) -> dict:
    features = load_feature_spec(options.feature_spec)
    data = load_feature_matrix(options.features_csv, features)
    log(f"read {data.rows} rows x {len(features)} features from {options.features_csv} (sha256 {data.sha256[:12]})")
    train_rows, calibration_rows = split_train_calibration(data.rows, options.calibration_fraction, options.seed)
    log(f"split: {train_rows.size} training rows, {calibration_rows.size} calibration rows (seed {options.seed})")

    scalings = fit_scalings(data.values[train_rows], features)
    percentiles = [raw_percentiles(data.values[:, column]) for column in range(len(features))]
    train_matrix = scale_matrix(data.values[train_rows], scalings)
    calibration_matrix = scale_matrix(data.values[calibration_rows], scalings)

    top_quantile = top_quantile_for_target(options.target_flags_per_10k, len(options.detectors))
    rows_above_top = (1.0 - top_quantile) * calibration_rows.size
    if rows_above_top < MIN_ROWS_ABOVE_TOP_KNOT - 1e-6:
        log(f"warning: only {rows_above_top:.1f} calibration rows per model lie above the 0.4 knot; the benign flag "
            f"rate is poorly estimated (give at least {MIN_ROWS_ABOVE_TOP_KNOT / (1.0 - top_quantile):.0f} calibration rows)")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    exported: list[ExportedModel] = []
    parameters: dict[str, dict] = {}
    risks: dict[str, np.ndarray] = {}
    weights = ensemble.ensemble_weights(list(options.detectors))
    for name in options.detectors:
        detector = DETECTOR_TRAINERS[name](train_matrix, options.seed, log)
        model_bytes = export_onnx(detector, len(features))
        onnx_scores = OnnxScorer(model_bytes, detector.onnx_output).score(calibration_matrix)
        verification = verify_agreement(name, detector.score(calibration_matrix), onnx_scores,
                                        options.tolerance_abs, options.tolerance_rel)
        log(f"{name}: ONNX {len(model_bytes)} bytes; onnxruntime vs sklearn on {verification['rows']} held-out rows: "
            f"max abs diff {verification['max_abs_diff']:.3g}, max rel diff {verification['max_rel_diff']:.3g}")
        # Calibrate on what the scorer will see at run time: the ONNX output.
        calibration = fit_calibration(detector.orientation * onnx_scores, top_quantile)
        risks[name] = risk_from_scores(calibration, detector.orientation * onnx_scores)
        log(f"{name}: calibration knots {[f'{raw:.4g}' for raw in calibration.raw]} -> {list(calibration.risk)}, "
            f"tail_scale {calibration.tail_scale:.4g}; flags {ensemble.flags_per_10k(risks[name]):.2f}/10k")
        file_name = f"{name}.onnx"
        _write_atomically(options.out_dir / file_name, model_bytes)
        exported.append(ExportedModel(name=name, file=file_name, sha256=sha256_hex(model_bytes),
                                      output_name=detector.onnx_output, orientation=detector.orientation,
                                      weight=weights[name], calibration=calibration, verification=verification))
        parameters[name] = detector.parameters

    flag_rate = ensemble.flags_per_10k(ensemble.combine_risks(risks, weights))
    log(f"ensemble ({ensemble.METHOD}): benign flag rate at 0.4 on the calibration split {flag_rate:.2f} per 10k")
    sidecar = build_sidecar(
        created=training_time(), rows=data.rows, data_sha256=data.sha256, sources=list(options.sources),
        features=features, scalings=scalings, percentiles=percentiles, models=exported,
        ensemble_method=ensemble.METHOD, ensemble_description=ensemble.DESCRIPTION, weights=weights,
        benign_flag_rate_per_10k=flag_rate, calibration_rows=int(calibration_rows.size),
    )
    sidecar_path = options.out_dir / SIDECAR_FILE
    _write_atomically(sidecar_path, sidecar_json(sidecar).encode("utf-8"))
    card_path = options.out_dir / MODEL_CARD_FILE
    previous_card = card_path.read_text(encoding="utf-8") if card_path.exists() else None
    _write_atomically(card_path, render_model_card(sidecar, parameters, previous_card).encode("utf-8"))
    for path in [options.out_dir / model.file for model in exported] + [sidecar_path, card_path]:
        log(f"wrote {path} ({path.stat().st_size} bytes)")
    return sidecar


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader (the scorer, git) never sees a half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
