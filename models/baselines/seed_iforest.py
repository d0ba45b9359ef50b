#!/usr/bin/env python3
"""Seed-style baseline for the evaluation: one Isolation Forest over all rows (every event type
together, not per family) on the per-event features only (`"windowed": false`, the `is_*` flags
included), as the first Python prototype did, calibrated like the main models so that about the
same share of benign events is flagged. Trains on the benign CSV, then writes one 0/1 flag per row
of the CSV to score. Not exported to ONNX."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import IsolationForest
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from siem_training.calibration import fit_calibration, risk_from_scores, top_quantile_for_target  # noqa: E402
from siem_training.dataset import DatasetError, load_feature_matrix, load_feature_spec, split_train_calibration  # noqa: E402
from siem_training.ensemble import flags_per_10k  # noqa: E402
from siem_training.preprocess import fit_scalings, scale_matrix  # noqa: E402

# The prototype's forest: sklearn's defaults.
TREES = 100
MAX_SAMPLES = 256


class SeedBaseline:
    def __init__(self, benign: np.ndarray, features, seed: int, calibration_fraction: float,
                 target_flags_per_10k: float) -> None:
        self.columns = [index for index, feature in enumerate(features) if not feature.windowed]
        if not self.columns:
            raise DatasetError("the feature spec has no per-event (windowed: false) features")
        per_event = benign[:, self.columns]
        train_rows, calibration_rows = split_train_calibration(per_event.shape[0], calibration_fraction, seed)
        self.scalings = fit_scalings(per_event[train_rows], tuple(features[index] for index in self.columns))
        self.forest = IsolationForest(n_estimators=TREES, max_samples=min(MAX_SAMPLES, train_rows.size), random_state=seed)
        self.forest.fit(scale_matrix(per_event[train_rows], self.scalings))
        calibration_scores = self._anomaly_scores(benign[calibration_rows])
        self.calibration = fit_calibration(calibration_scores, top_quantile_for_target(target_flags_per_10k, 1))
        self.benign_flags_per_10k = flags_per_10k(risk_from_scores(self.calibration, calibration_scores))
        self.calibration_rows = int(calibration_rows.size)

    def _anomaly_scores(self, values: np.ndarray) -> np.ndarray:
        return -self.forest.decision_function(scale_matrix(values[:, self.columns], self.scalings))

    def risk(self, values: np.ndarray) -> np.ndarray:
        return risk_from_scores(self.calibration, self._anomaly_scores(values))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", required=True, type=Path, help="benign feature matrix CSV to train on")
    parser.add_argument("--feature-spec", required=True, type=Path, help="feature spec JSON (CSV column order)")
    parser.add_argument("--score", required=True, type=Path, help="feature CSV to score (same columns)")
    parser.add_argument("--out", required=True, type=Path, help="flags file: one 0/1 per scored row")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--calibration-fraction", type=float, default=0.2)
    parser.add_argument("--target-flags-per-10k", type=float, default=10.0)
    arguments = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"seed-baseline: {message}", file=sys.stderr, flush=True)

    try:
        features = load_feature_spec(arguments.feature_spec)
        benign = load_feature_matrix(arguments.features, features)
        log(f"read {benign.rows} benign rows; training on {sum(not f.windowed for f in features)} per-event features")
        with threadpool_limits(limits=1):  # as in siem_training.pipeline
            baseline = SeedBaseline(benign.values, features, arguments.seed, arguments.calibration_fraction,
                                    arguments.target_flags_per_10k)
        log(f"benign flag rate at 0.4 on {baseline.calibration_rows} calibration rows: {baseline.benign_flags_per_10k:.2f} per 10k")
        scored = load_feature_matrix(arguments.score, features)
        flags = baseline.risk(scored.values) >= 0.4
    except (DatasetError, OSError) as error:
        log(f"error: {error}")
        return 1
    arguments.out.write_text("".join("1\n" if flag else "0\n" for flag in flags), encoding="ascii")
    log(f"scored {scored.rows} rows from {arguments.score}: {int(flags.sum())} flagged; wrote {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
