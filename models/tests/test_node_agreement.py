"""The TypeScript side's runtime (onnxruntime-node) and the scorer's own loader give the same family
selection, inputs, outputs and risks as Python."""
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

import synthetic
from conftest import MODELS_DIR
from siem_training.dataset import FAMILIES
from siem_training.sidecar_scorer import SidecarScorer

REPO_DIR = MODELS_DIR.parent
TS_ENSEMBLE = REPO_DIR / "dist" / "scorer" / "model" / "ensemble.js"


def node_with_onnxruntime() -> str:
    node = shutil.which("node")
    if node and (REPO_DIR / "node_modules" / "onnxruntime-node").is_dir():
        return node
    if os.environ.get("CI") == "true":
        pytest.fail("node and node_modules/onnxruntime-node are required under CI=true (run npm ci)")
    pytest.skip("node or node_modules/onnxruntime-node missing (run npm ci)")


@pytest.fixture(scope="module")
def fixture_file(trained, tmp_path_factory):
    """Benign rows of every family (and of none), plus every synthetic attack, with Python's values
    at each step. Values are float32 numbers, as the TS scorer holds them."""
    rows = np.concatenate([synthetic.benign_matrix(60, seed=41)] +
                          [synthetic.attack_matrix(attack, 5, seed=42) for attack in synthetic.ATTACKS])
    rows = rows.astype(np.float32).astype(np.float64)
    scorer = SidecarScorer(trained[0])
    families = scorer.row_families(rows)
    assert set(families.tolist()) == {-1, 0, 1, 2, 3}
    per_family = {}
    for number, family in enumerate(FAMILIES):
        members = np.flatnonzero(families == number)
        model = scorer.families[family]
        per_family[family] = {
            "rows": members.tolist(),
            "scaled": model.scaled(rows[members]).astype(float).tolist(),
            "outputs": {name: values.tolist() for name, values in model.outputs(rows[members]).items()},
            "risks": {name: values.tolist() for name, values in model.risks(rows[members]).items()},
            "ensemble": model.ensemble_risk(rows[members]).tolist(),
        }
    fixture = {"rows": rows.tolist(), "families": families.tolist(), "per_family": per_family,
               "ensemble": scorer.ensemble_risk(rows).tolist()}
    path = tmp_path_factory.mktemp("node") / "fixture.json"
    path.write_text(json.dumps(fixture))
    return path


def run_check(node: str, script: str, model_dir, fixture_path) -> str:
    result = subprocess.run([node, str(MODELS_DIR / "tests" / script), str(model_dir), str(fixture_path)],
                            capture_output=True, text=True, cwd=REPO_DIR)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_onnxruntime_node_reproduces_python_families_inputs_scores_and_risks(trained, fixture_file):
    output = run_check(node_with_onnxruntime(), "check_onnx_node.mjs", trained[0], fixture_file)
    assert "all checks passed" in output
    for family in FAMILIES:
        assert f"{family} iforest output vs onnxruntime (Python)" in output


def test_the_scorers_own_loader_accepts_the_model_and_gives_pythons_risks(trained, fixture_file):
    node = node_with_onnxruntime()
    if not TS_ENSEMBLE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{TS_ENSEMBLE} is required under CI=true (run npm run build)")
        pytest.skip(f"{TS_ENSEMBLE} missing (run npm run build)")
    output = run_check(node, "check_ts_ensemble.mjs", trained[0], fixture_file)
    assert "all checks passed" in output
