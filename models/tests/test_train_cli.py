import json
import subprocess
import sys

import synthetic
from conftest import MODELS_DIR

TRAIN = str(MODELS_DIR / "train.py")


def test_help_lists_the_inputs():
    result = subprocess.run([sys.executable, TRAIN, "--help"], capture_output=True, text=True, check=True)
    for option in ("--features", "--feature-spec", "--source", "--out-dir", "--seed", "--calibration-fraction",
                   "--holdout-fraction", "--target-flags-per-10k"):
        assert option in result.stdout


def test_input_that_breaks_the_contract_exits_1_with_one_error_line(benign_files, tmp_path):
    csv_path, _ = benign_files
    spec = synthetic.feature_spec()
    spec[5]["name"] = "other"
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    result = subprocess.run([sys.executable, TRAIN, "--features", str(csv_path), "--feature-spec", str(tmp_path / "spec.json"),
                             "--out-dir", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "train: error:" in result.stderr and "header does not match the feature spec" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_spec_without_families_exits_1_naming_the_field(benign_files, tmp_path):
    csv_path, _ = benign_files
    spec = synthetic.feature_spec()
    del spec[3]["families"]
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    result = subprocess.run([sys.executable, TRAIN, "--features", str(csv_path), "--feature-spec", str(tmp_path / "spec.json"),
                             "--out-dir", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "train: error:" in result.stderr and "is_privilege" in result.stderr and "'families'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_family_without_rows_exits_1(tmp_path):
    rows = synthetic.benign_matrix(3000, seed=3)
    rows = rows[rows[:, synthetic.COLUMN["is_privilege"]] == 0]
    synthetic.write_csv(tmp_path / "f.csv", rows)
    synthetic.write_spec(tmp_path / "spec.json")
    result = subprocess.run([sys.executable, TRAIN, "--features", str(tmp_path / "f.csv"), "--feature-spec",
                             str(tmp_path / "spec.json"), "--out-dir", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "the privilege family has 0 rows" in result.stderr and "Traceback" not in result.stderr
