"""The files one training run writes: sidecar schema 2, per-family ONNX models, model card, and what they detect."""
import hashlib
import json
import re

import numpy as np
import onnx
import pytest

import synthetic
from siem_training.dataset import FAMILIES, split_family
from siem_training.model_card import EVAL_END, EVAL_START
from siem_training.pipeline import TrainingOptions, train
from siem_training.sidecar_scorer import SidecarScorer

TOP_LEVEL_KEYS = {"schema", "model_version", "created", "training_data", "features", "input_name", "families",
                  "calibration_formula", "levels", "target_flags_per_10k", "benign_flag_rate_per_10k",
                  "holdout_flag_rate_per_10k"}
FAMILY_KEYS = {"rows", "features", "models", "ensemble", "benign_flag_rate_per_10k", "split", "holdout_flag_rate_per_10k"}
FEATURE_KEYS = {"name", "transform", "center", "scale", "p50", "p90", "p99", "max"}
MODEL_KEYS = {"name", "file", "sha256", "output_name", "orientation", "weight", "calibration", "verification"}
TARGET = 10.0  # the default --target-flags-per-10k


def family_rows(values, family):
    return np.flatnonzero(values[:, synthetic.COLUMN[f"is_{family}"]] == 1)


@pytest.fixture(scope="module")
def benign_values(benign_files):
    return np.loadtxt(benign_files[0], delimiter=",", skiprows=1)


def test_sidecar_follows_schema_2(trained, benign_files):
    out_dir, _, _ = trained
    sidecar = json.loads((out_dir / "model.json").read_text())
    assert set(sidecar) == TOP_LEVEL_KEYS
    assert sidecar["schema"] == 2 and sidecar["input_name"] == "input"
    digest = hashlib.sha256(benign_files[0].read_bytes()).hexdigest()
    assert sidecar["training_data"] == {"rows": 100_000, "sha256": digest, "sources": ["synthetic:test"]}
    assert re.fullmatch(rf"\d{{4}}\.\d{{2}}\.\d{{2}}-{digest[:8]}", sidecar["model_version"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", sidecar["created"])
    assert sidecar["levels"] == {"low": 0.4, "medium": 0.6, "high": 0.8, "critical": 0.9}
    assert list(sidecar["families"]) == list(FAMILIES)
    for spec in sidecar["families"].values():
        assert set(spec) == FAMILY_KEYS
        assert spec["ensemble"]["method"] == "max" and spec["ensemble"]["weights"] == {"iforest": 1.0, "gmm": 1.0}


def test_sidecar_features_are_the_full_spec_in_csv_order(trained):
    features = trained[1]["features"]
    assert features == [{"name": name, "kind": kind, "windowed": windowed, "families": list(families)}
                        for name, kind, windowed, families in synthetic.FEATURES]


def test_each_family_reads_only_its_features_scaled_and_described_on_its_own_rows(trained, benign_values):
    for family, spec in trained[1]["families"].items():
        columns = synthetic.FAMILY_COLUMNS[family]
        assert [feature["name"] for feature in spec["features"]] == [synthetic.FEATURES[c][0] for c in columns]
        rows = family_rows(benign_values, family)
        assert spec["rows"] == rows.size
        assert sum(spec["split"].values()) == rows.size
        for feature, column in zip(spec["features"], columns):
            assert set(feature) == FEATURE_KEYS
            kind = synthetic.FEATURES[column][1]
            assert feature["transform"] == ("log1p" if kind in ("count", "length") else "none")
            assert feature["scale"] > 0
            values = benign_values[rows, column]
            assert feature["max"] == values.max() and feature["p99"] == pytest.approx(np.percentile(values, 99))
    web = {feature["name"]: feature for feature in trained[1]["families"]["web"]["features"]}
    assert web["web_paths_ip_10m"]["p50"] >= 1  # raw counts of web rows, not log1p units nor diluted by other families
    assert "is_web" not in web and "ports_ip_1m" not in web


def test_each_model_file_matches_its_digest_and_takes_the_familys_width(trained):
    out_dir, sidecar, _ = trained
    for family, spec in sidecar["families"].items():
        assert [model["name"] for model in spec["models"]] == ["iforest", "gmm"]
        for model in spec["models"]:
            assert set(model) == MODEL_KEYS
            assert model["file"] == f"{family}.{model['name']}.onnx"
            data = (out_dir / model["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == model["sha256"]
            assert len(data) < 4 * 1024 * 1024
            graph = onnx.load_from_string(data).graph
            assert [i.name for i in graph.input] == ["input"]
            width = graph.input[0].type.tensor_type.shape.dim[1].dim_value
            assert width == len(spec["features"]) == len(synthetic.FAMILY_COLUMNS[family])
            assert model["output_name"] in [o.name for o in graph.output]
            assert model["orientation"] == -1
            calibration = model["calibration"]
            assert all(b > a for a, b in zip(calibration["raw"], calibration["raw"][1:]))
            assert calibration["risk"] == [0.0, 0.05, 0.15, 0.3, 0.4]
            assert calibration["tail_scale"] > 0
            assert 0 < model["verification"]["max_abs_diff"] < 1e-3
            assert model["verification"]["rows"] == spec["split"]["calibration"] + spec["split"]["holdout"]


def test_flag_rates_are_what_the_files_give_on_each_familys_splits_and_within_budget(trained, benign_values):
    out_dir, sidecar, _ = trained
    scorer = SidecarScorer(out_dir)
    weighted = weighted_holdout = 0.0
    for number, family in enumerate(FAMILIES):
        spec = sidecar["families"][family]
        split = split_family(family_rows(benign_values, family), 0.2, 0.1, seed=1, family_number=number)
        calibration_risk = scorer.families[family].ensemble_risk(benign_values[split.calibration])
        holdout_risk = scorer.families[family].ensemble_risk(benign_values[split.holdout])
        assert spec["benign_flag_rate_per_10k"] == pytest.approx(np.mean(calibration_risk >= 0.4) * 10_000)
        assert spec["holdout_flag_rate_per_10k"] == pytest.approx(np.mean(holdout_risk >= 0.4) * 10_000)
        assert spec["benign_flag_rate_per_10k"] <= TARGET  # ties never push a family over its budget
        weighted += spec["benign_flag_rate_per_10k"] * spec["rows"]
        weighted_holdout += spec["holdout_flag_rate_per_10k"] * spec["rows"]
    assert sidecar["benign_flag_rate_per_10k"] == pytest.approx(weighted / benign_values.shape[0])
    assert sidecar["holdout_flag_rate_per_10k"] == pytest.approx(weighted_holdout / benign_values.shape[0])
    assert sidecar["benign_flag_rate_per_10k"] < TARGET  # rows in no family are never flagged


def test_rows_in_no_family_get_risk_zero_whatever_their_features(trained):
    rows = synthetic.attack_matrix("ssh_brute_force", 50, seed=12)
    rows[:, synthetic.COLUMN["is_auth"]] = 0
    np.testing.assert_array_equal(SidecarScorer(trained[0]).ensemble_risk(rows), np.zeros(50))


def test_a_family_model_ignores_features_of_other_families(trained):
    """A web row is scored on web features only: values in auth columns (which a web event never
    has) cannot move its risk."""
    scorer = SidecarScorer(trained[0])
    web = synthetic.benign_matrix(3000, seed=13)
    web = web[web[:, synthetic.COLUMN["is_web"]] == 1][:200]
    polluted = web.copy()
    polluted[:, sorted(set(synthetic.FAMILY_COLUMNS["auth"]) - set(synthetic.FAMILY_COLUMNS["web"]))] = 50.0
    polluted[:, synthetic.COLUMN["auth_failure"]] = 1.0
    np.testing.assert_array_equal(scorer.ensemble_risk(web), scorer.ensemble_risk(polluted))


def test_models_flag_few_fresh_benign_events_and_most_synthetic_attacks(trained):
    scorer = SidecarScorer(trained[0])
    fresh_benign = scorer.ensemble_risk(synthetic.benign_matrix(40_000, seed=99))
    assert np.mean(fresh_benign >= 0.4) * 10_000 < 15  # 6 per family targeted, estimated from a few rows per family
    assert np.median(fresh_benign) < 0.1
    for attack in synthetic.ATTACKS:
        risk = scorer.ensemble_risk(synthetic.attack_matrix(attack, 500, seed=11))
        assert np.mean(risk >= 0.4) >= 0.8, attack


def test_progress_reports_families_rows_models_verification_calibration_and_files(trained):
    log = "\n".join(trained[2])
    for expected in (f"read 100000 rows x {len(synthetic.FEATURES)} features", "families: auth", "none", "auth: iforest: 100 trees",
                     "privilege: gmm: chose", "max abs diff", "calibration knots", "holdout split",
                     "overall benign flag rate", "wrote"):
        assert expected in log, expected


def test_model_card_has_a_section_per_family_and_placeholder_markers(trained):
    out_dir, sidecar, _ = trained
    card = (out_dir / "MODEL_CARD.md").read_text()
    for heading in ("## Intended use", "## Training data", "## Summary", "## Preprocessing", "## Evaluation",
                    *(f"## Family `{family}`" for family in FAMILIES)):
        assert heading in card, heading
    assert sidecar["training_data"]["sha256"] in card
    assert card.count(EVAL_START) == 1 and card.count(EVAL_END) == 1
    assert "Not evaluated yet" in card.split(EVAL_START)[1].split(EVAL_END)[0]
    assert card.count("<!-- eval-real:start -->") == 1 and "npm run eval:real" in card.split("<!-- eval-real:start -->")[1]
    for family, spec in sidecar["families"].items():
        section = card.split(f"## Family `{family}`")[1].split("\n## ")[0]
        assert all(f"`{feature['name']}`" in section for feature in spec["features"])
        assert f"{spec['benign_flag_rate_per_10k']:.2f} per 10k" in section
        assert f"{family}.gmm.onnx" in section and "n_components=" in section
    assert f"**{sidecar['benign_flag_rate_per_10k']:.2f}**" in card


def test_a_rerun_keeps_what_the_evaluation_runner_wrote_between_the_markers(trained, benign_files, tmp_path):
    card = (trained[0] / "MODEL_CARD.md").read_text()
    evaluation = "\nStream: seed 1.\n\n| attack kind | siemad |\n|---|---|\n| web_scan | 4/4 |\n"
    real = "\n| file | targets |\n|---|---|\n| auth.log | met |\n"
    edited = card.split(EVAL_START)[0] + EVAL_START + evaluation + EVAL_END + card.split(EVAL_END)[1]
    start, end = "<!-- eval-real:start -->", "<!-- eval-real:end -->"
    edited = edited.split(start)[0] + start + real + end + edited.split(end)[1]
    (tmp_path / "MODEL_CARD.md").write_text(edited)
    csv_path, spec_path = benign_files
    train(TrainingOptions(features_csv=csv_path, feature_spec=spec_path, out_dir=tmp_path, holdout_fraction=0.0), lambda _: None)
    regenerated = (tmp_path / "MODEL_CARD.md").read_text()
    assert EVAL_START + evaluation + EVAL_END in regenerated
    assert start + real + end in regenerated
    assert regenerated.count(EVAL_START) == 1
    sidecar = json.loads((tmp_path / "model.json").read_text())
    assert sidecar["holdout_flag_rate_per_10k"] is None  # no holdout asked for
    assert all(spec["split"]["holdout"] == 0 for spec in sidecar["families"].values())
