"""The training run: benign CSV -> per family: split, scaled matrix -> detectors -> verified ONNX ->
calibration -> files."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from threadpoolctl import threadpool_limits

from . import ensemble
from .calibration import fit_joint_calibrations, risk_from_scores
from .dataset import (FAMILIES, DatasetError, FeatureMatrix, FeatureSpec, check_families, family_columns,
                      load_feature_matrix, load_feature_spec, row_families, split_family)
from .detectors import DETECTOR_TRAINERS
from .model_card import render_model_card
from .onnx_export import OnnxScorer, export_onnx, sha256_hex, verify_agreement
from .preprocess import fit_scalings, raw_percentiles, scale_matrix
from .sidecar import SIDECAR_FILE, ExportedModel, FamilyResult, build_sidecar, sidecar_json, training_time

MODEL_CARD_FILE = "MODEL_CARD.md"
# Fewer benign rows than this inside a family's flag budget make its 0.4 knot (the flag rate) a guess.
MIN_ROWS_IN_BUDGET = 10
# A family needs rows to train on and to calibrate with; below this its models would be noise.
MIN_FAMILY_ROWS = 50


@dataclass(frozen=True)
class TrainingOptions:
    features_csv: Path
    feature_spec: Path
    out_dir: Path
    sources: tuple[str, ...] = ()
    seed: int = 1
    calibration_fraction: float = 0.2
    holdout_fraction: float = 0.1
    target_flags_per_10k: float = 10.0
    # A thousandth of a nat: float32 sums of a Gaussian mixture over discrete features reach a few
    # 1e-4 (terms of 1e3 for components far from a row), far below the spacing of the risk knots.
    tolerance_abs: float = 1e-3
    tolerance_rel: float = 1e-5
    detectors: tuple[str, ...] = ("iforest", "gmm")


def train(options: TrainingOptions, log: Callable[[str], None]) -> dict:
    # One BLAS/OpenMP thread: results then do not depend on the core count (reproducible
    # digests), and EM is no slower (on a busy machine far faster: no spinning idle workers).
    with threadpool_limits(limits=1):
        return _train(options, log)


def _train(options: TrainingOptions, log: Callable[[str], None]) -> dict:
    if not 0.0 < options.target_flags_per_10k < 100.0:
        raise DatasetError(f"--target-flags-per-10k must be in (0, 100), got {options.target_flags_per_10k}")
    if not (0.0 < options.calibration_fraction and 0.0 <= options.holdout_fraction
            and options.calibration_fraction + options.holdout_fraction < 1.0):
        raise DatasetError("--calibration-fraction must be > 0, --holdout-fraction >= 0, and together below 1")
    features = load_feature_spec(options.feature_spec)
    check_families(features, str(options.feature_spec))
    data = load_feature_matrix(options.features_csv, features)
    log(f"read {data.rows} rows x {len(features)} features from {options.features_csv} (sha256 {data.sha256[:12]})")
    families = row_families(data.values, features, str(options.features_csv))
    counts = {family: int(np.count_nonzero(families == number)) for number, family in enumerate(FAMILIES)}
    log("families: " + ", ".join(f"{family} {rows}" for family, rows in counts.items()) +
        f", none {data.rows - sum(counts.values())} (not scored)")
    for family, rows in counts.items():
        if rows < MIN_FAMILY_ROWS:
            raise DatasetError(f"{options.features_csv}: the {family} family has {rows} rows; "
                               f"at least {MIN_FAMILY_ROWS} are needed to train and calibrate its models")

    options.out_dir.mkdir(parents=True, exist_ok=True)
    results = [
        _train_family(family, number, np.flatnonzero(families == number), data, features, options, log)
        for number, family in enumerate(FAMILIES)
    ]
    # Rows in no family are never flagged: each family's rate weighted by its share of all rows.
    overall = sum(result.flag_rate_per_10k * result.rows for result in results) / data.rows
    overall_holdout = None
    if all(result.holdout_flag_rate_per_10k is not None for result in results):
        overall_holdout = sum(result.holdout_flag_rate_per_10k * result.rows for result in results) / data.rows
    log(f"overall benign flag rate at 0.4 (rows in no family unflagged): {overall:.2f} per 10k on the calibration splits"
        + (f", {overall_holdout:.2f} per 10k on the holdout splits" if overall_holdout is not None else "")
        + f" (target {options.target_flags_per_10k:g} per family)")
    sidecar = build_sidecar(
        created=training_time(), rows=data.rows, data_sha256=data.sha256, sources=list(options.sources),
        features=features, families=results, target_flags_per_10k=options.target_flags_per_10k,
        benign_flag_rate_per_10k=overall, holdout_flag_rate_per_10k=overall_holdout,
    )
    sidecar_path = options.out_dir / SIDECAR_FILE
    _write_atomically(sidecar_path, sidecar_json(sidecar).encode("utf-8"))
    card_path = options.out_dir / MODEL_CARD_FILE
    previous_card = card_path.read_text(encoding="utf-8") if card_path.exists() else None
    parameters = {result.family: result.parameters for result in results}
    _write_atomically(card_path, render_model_card(sidecar, parameters, previous_card).encode("utf-8"))
    written = [options.out_dir / model.file for result in results for model in result.models]
    for path in written + [sidecar_path, card_path]:
        log(f"wrote {path} ({path.stat().st_size} bytes)")
    return sidecar


def _train_family(family: str, number: int, rows: np.ndarray, data: FeatureMatrix, features: tuple[FeatureSpec, ...],
                  options: TrainingOptions, log: Callable[[str], None]) -> FamilyResult:
    def family_log(message: str) -> None:
        log(f"{family}: {message}")

    columns = family_columns(features, family)
    family_features = tuple(features[column] for column in columns)
    values = data.values[:, columns]
    split = split_family(rows, options.calibration_fraction, options.holdout_fraction, options.seed, number)
    distinct = np.unique(values[rows], axis=0).shape[0]
    family_log(f"{rows.size} rows ({distinct} distinct) x {len(columns)} features; split {split.train.size} training, "
               f"{split.calibration.size} calibration, {split.holdout.size} holdout rows (seed {options.seed})")
    budget_rows = options.target_flags_per_10k / 10_000.0 * split.calibration.size
    if budget_rows < MIN_ROWS_IN_BUDGET:
        family_log(f"warning: the flag budget is {budget_rows:.1f} of {split.calibration.size} calibration rows; its "
                   f"benign flag rate is poorly estimated (give at least {MIN_ROWS_IN_BUDGET * 10_000 / options.target_flags_per_10k:.0f} "
                   "calibration rows)")

    scalings = fit_scalings(values[split.train], family_features)
    percentiles = [raw_percentiles(values[rows, column]) for column in range(len(columns))]
    train_matrix = scale_matrix(values[split.train], scalings)
    held_out = np.concatenate([split.calibration, split.holdout])  # ascending within each part
    held_out_matrix = scale_matrix(values[held_out], scalings)
    calibration_part = slice(0, split.calibration.size)
    holdout_part = slice(split.calibration.size, held_out.size)

    trained = []
    for name in options.detectors:
        detector = DETECTOR_TRAINERS[name](train_matrix, options.seed, family_log)
        model_bytes = export_onnx(detector, len(columns))
        onnx_scores = OnnxScorer(model_bytes, detector.onnx_output).score(held_out_matrix)
        verification = verify_agreement(f"{family} {name}", detector.score(held_out_matrix), onnx_scores,
                                        options.tolerance_abs, options.tolerance_rel)
        family_log(f"{name}: ONNX {len(model_bytes)} bytes; onnxruntime vs sklearn on {verification['rows']} held-out rows: "
                   f"max abs diff {verification['max_abs_diff']:.3g}, max rel diff {verification['max_rel_diff']:.3g}")
        # Calibrate on what the scorer will see at run time: the ONNX output.
        trained.append((detector, model_bytes, detector.orientation * onnx_scores, verification))

    calibrations = fit_joint_calibrations({detector.name: oriented[calibration_part] for detector, _, oriented, _ in trained},
                                          options.target_flags_per_10k)
    weights = ensemble.ensemble_weights([detector.name for detector, _, _, _ in trained])
    exported: list[ExportedModel] = []
    risks: dict[str, np.ndarray] = {}
    for detector, model_bytes, oriented, verification in trained:
        calibration = calibrations[detector.name]
        risks[detector.name] = risk_from_scores(calibration, oriented)
        family_log(f"{detector.name}: calibration knots {[f'{raw:.4g}' for raw in calibration.raw]} -> {list(calibration.risk)} "
                   f"(top at benign quantile {calibration.quantiles[-1]:.6g}), tail_scale {calibration.tail_scale:.4g}; "
                   f"flags {ensemble.flags_per_10k(risks[detector.name][calibration_part]):.2f}/10k")
        file_name = f"{family}.{detector.name}.onnx"
        _write_atomically(options.out_dir / file_name, model_bytes)
        exported.append(ExportedModel(name=detector.name, file=file_name, sha256=sha256_hex(model_bytes),
                                      output_name=detector.onnx_output, orientation=detector.orientation,
                                      weight=weights[detector.name], calibration=calibration, verification=verification))

    combined = ensemble.combine_risks(risks, weights)
    flag_rate = ensemble.flags_per_10k(combined[calibration_part])
    holdout_rate = ensemble.flags_per_10k(combined[holdout_part]) if split.holdout.size else None
    family_log(f"ensemble ({ensemble.METHOD}): benign flag rate at 0.4 {flag_rate:.2f} per 10k on the calibration split"
               + (f", {holdout_rate:.2f} per 10k on the holdout split" if holdout_rate is not None else ""))
    return FamilyResult(
        family=family, rows=int(rows.size), distinct_rows=int(distinct), columns=columns, scalings=scalings,
        percentiles=percentiles, models=exported, weights=weights,
        parameters={detector.name: detector.parameters for detector, _, _, _ in trained},
        train_rows=int(split.train.size), calibration_rows=int(split.calibration.size), holdout_rows=int(split.holdout.size),
        flag_rate_per_10k=flag_rate, holdout_flag_rate_per_10k=holdout_rate,
    )


def _write_atomically(path: Path, data: bytes) -> None:
    """A reader (the scorer, git) never sees a half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
