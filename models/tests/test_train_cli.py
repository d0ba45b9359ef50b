import subprocess
import sys

from conftest import MODELS_DIR

TRAIN = str(MODELS_DIR / "train.py")


def test_help_lists_the_inputs():
    result = subprocess.run([sys.executable, TRAIN, "--help"], capture_output=True, text=True, check=True)
    for option in ("--features", "--feature-spec", "--source", "--out-dir", "--seed"):
        assert option in result.stdout


def test_input_that_breaks_the_contract_exits_1_with_one_error_line(benign_files, tmp_path):
    csv_path, _ = benign_files
    (tmp_path / "spec.json").write_text('[{"name": "other", "kind": "count", "windowed": true}]')
    result = subprocess.run([sys.executable, TRAIN, "--features", str(csv_path), "--feature-spec", str(tmp_path / "spec.json"),
                             "--out-dir", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "train: error:" in result.stderr and "header does not match the feature spec" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
