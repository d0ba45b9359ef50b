"""The files one training run writes: sidecar schema, ONNX models, model card, and what they detect."""
import hashlib
import json
import re

import numpy as np
import onnx
import pytest

import synthetic
from siem_training.dataset import split_train_calibration
from siem_training.pipeline import TrainingOptions, train
from siem_training.sidecar_scorer import SidecarScorer

TOP_LEVEL_KEYS = {"schema", "model_version", "created", "training_data", "features", "input_name", "models",
                  "calibration_formula", "ensemble", "levels", "benign_flag_rate_per_10k", "benign_flag_rate_rows"}
FEATURE_KEYS = {"name", "kind", "windowed", "transform", "center", "scale", "p50", "p90", "p99", "max"}
MODEL_KEYS = {"name", "file", "sha256", "output_name", "orientation", "weight", "calibration", "verification"}


def test_sidecar_follows_the_schema(trained, benign_files):
    out_dir, _, _ = trained
    sidecar = json.loads((out_dir / "model.json").read_text())
    assert set(sidecar) == TOP_LEVEL_KEYS
    assert sidecar["schema"] == 1 and sidecar["input_name"] == "input"
    csv_bytes = benign_files[0].read_bytes()
    digest = hashlib.sha256(csv_bytes).hexdigest()
    assert sidecar["training_data"] == {"rows": 100_000, "sha256": digest, "sources": ["synthetic:test"]}
    assert re.fullmatch(rf"\d{{4}}\.\d{{2}}\.\d{{2}}-{digest[:8]}", sidecar["model_version"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", sidecar["created"])
    assert sidecar["levels"] == {"low": 0.4, "medium": 0.6, "high": 0.8, "critical": 0.9}
    assert sidecar["ensemble"]["method"] == "max" and sidecar["ensemble"]["weights"] == {"iforest": 1.0, "gmm": 1.0}


def test_sidecar_features_are_the_spec_in_order_with_scaling_and_raw_percentiles(trained):
    features = trained[1]["features"]
    assert [f["name"] for f in features] == [name for name, _, _ in synthetic.FEATURES]
    for feature, (_, kind, windowed) in zip(features, synthetic.FEATURES):
        assert set(feature) == FEATURE_KEYS
        assert feature["kind"] == kind and feature["windowed"] == windowed
        assert feature["transform"] == ("log1p" if kind in ("count", "length") else "none")
        assert feature["scale"] > 0
        assert feature["p50"] <= feature["p90"] <= feature["p99"] <= feature["max"]
    url_length = features[synthetic.COLUMN["url_length"]]
    assert url_length["max"] > 100  # raw characters, not log1p units


def test_each_model_file_matches_its_digest_and_declared_output(trained):
    out_dir, sidecar, _ = trained
    for model in sidecar["models"]:
        assert set(model) == MODEL_KEYS
        data = (out_dir / model["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == model["sha256"]
        assert len(data) < 4 * 1024 * 1024
        graph = onnx.load_from_string(data).graph
        assert [i.name for i in graph.input] == ["input"]
        assert model["output_name"] in [o.name for o in graph.output]
        assert model["orientation"] == -1
        calibration = model["calibration"]
        assert all(b > a for a, b in zip(calibration["raw"], calibration["raw"][1:]))
        assert calibration["risk"] == [0.0, 0.05, 0.15, 0.3, 0.4]
        assert calibration["tail_scale"] > 0
        assert model["verification"]["max_abs_diff"] < 1e-3


def test_flag_rate_in_the_sidecar_is_what_the_files_give_on_the_calibration_split(trained, benign_files):
    out_dir, sidecar, _ = trained
    values = np.loadtxt(benign_files[0], delimiter=",", skiprows=1)
    _, calibration_rows = split_train_calibration(values.shape[0], 0.2, seed=1)
    risk = SidecarScorer(out_dir).ensemble_risk(values[calibration_rows])
    assert sidecar["benign_flag_rate_per_10k"] == pytest.approx(np.mean(risk >= 0.4) * 10_000)
    assert sidecar["benign_flag_rate_per_10k"] <= 10 + 2 * 10_000 / calibration_rows.size  # 5 per 10k per model


def test_models_flag_few_fresh_benign_events_and_most_synthetic_attacks(trained):
    scorer = SidecarScorer(trained[0])
    fresh_benign = scorer.ensemble_risk(synthetic.benign_matrix(20_000, seed=99))
    assert np.mean(fresh_benign >= 0.4) * 10_000 < 25  # 10 targeted, estimated from 20 calibration rows
    assert np.median(fresh_benign) < 0.1
    for attack in synthetic.ATTACKS:
        risk = scorer.ensemble_risk(synthetic.attack_matrix(attack, 500, seed=11))
        assert np.mean(risk >= 0.4) >= 0.8, attack


def test_progress_reports_rows_models_verification_calibration_and_files(trained):
    log = "\n".join(trained[2])
    for expected in ("read 100000 rows x 38 features", "iforest: 200 trees", "gmm: chose", "max abs diff",
                     "calibration knots", "benign flag rate", "wrote"):
        assert expected in log


def test_model_card_describes_the_run_and_keeps_the_evaluation_section(trained, benign_files, tmp_path):
    out_dir, sidecar, _ = trained
    card = (out_dir / "MODEL_CARD.md").read_text()
    for heading in ("## Intended use", "## Training data", "## Features", "## Models", "## Calibration", "## Evaluation"):
        assert heading in card
    assert sidecar["training_data"]["sha256"] in card
    assert card.count("| `") >= len(synthetic.FEATURES)
    assert f"{sidecar['benign_flag_rate_per_10k']:.2f} per 10k" in card

    evaluation = "## Evaluation\n\n| scenario | recall |\n|---|---|\n| ssh brute force | 0.97 |\n"
    (tmp_path / "MODEL_CARD.md").write_text(card.split("## Evaluation")[0] + evaluation + "\n## Notes\n\nkept? no\n")
    csv_path, spec_path = benign_files
    train(TrainingOptions(features_csv=csv_path, feature_spec=spec_path, out_dir=tmp_path), lambda _: None)
    regenerated = (tmp_path / "MODEL_CARD.md").read_text()
    assert regenerated.endswith(evaluation)
    assert regenerated.count("## Evaluation") == 1
