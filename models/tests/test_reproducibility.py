"""Same input, same seed -> the same bytes, whatever the hash seed; only the timestamp may differ."""
import json
import os
import subprocess
import sys

import pytest

import synthetic
from conftest import MODELS_DIR

FAMILIES = ("auth", "firewall", "web", "privilege")
ONNX_FILES = tuple(f"{family}.{model}.onnx" for family in FAMILIES for model in ("iforest", "gmm"))
FILES = ("model.json", "MODEL_CARD.md", *ONNX_FILES)


def run_training(csv_path, spec_path, out_dir, epoch, hash_seed):
    environment = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), PYTHONHASHSEED=str(hash_seed))
    subprocess.run([sys.executable, str(MODELS_DIR / "train.py"), "--features", str(csv_path), "--feature-spec",
                    str(spec_path), "--out-dir", str(out_dir), "--source", "synthetic"],
                   env=environment, check=True, capture_output=True)
    return {name: (out_dir / name).read_bytes() for name in FILES}


@pytest.fixture(scope="module")
def small_benign(tmp_path_factory):
    folder = tmp_path_factory.mktemp("repro")
    synthetic.write_csv(folder / "features.csv", synthetic.benign_matrix(20_000, seed=21))
    synthetic.write_spec(folder / "spec.json")
    return folder / "features.csv", folder / "spec.json"


def test_two_runs_write_byte_identical_files(small_benign, tmp_path):
    first = run_training(*small_benign, tmp_path / "a", epoch=1_795_000_000, hash_seed=1)
    second = run_training(*small_benign, tmp_path / "b", epoch=1_795_000_000, hash_seed=2)
    for name in FILES:
        assert first[name] == second[name], name


def test_another_day_changes_only_the_timestamp_and_version_date(small_benign, tmp_path):
    first = run_training(*small_benign, tmp_path / "a", epoch=1_795_000_000, hash_seed=3)
    later = run_training(*small_benign, tmp_path / "b", epoch=1_795_300_000, hash_seed=3)
    assert all(first[name] == later[name] for name in ONNX_FILES)
    old, new = json.loads(first["model.json"]), json.loads(later["model.json"])
    assert (old["created"], old["model_version"][:10]) != (new["created"], new["model_version"][:10])
    assert old["model_version"][10:] == new["model_version"][10:]
    for sidecar in (old, new):
        del sidecar["created"], sidecar["model_version"]
    assert old == new
