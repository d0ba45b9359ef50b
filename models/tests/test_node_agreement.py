"""The TypeScript side's runtime (onnxruntime-node) gives the same inputs, outputs and risks as Python."""
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

import synthetic
from conftest import MODELS_DIR
from siem_training.sidecar_scorer import SidecarScorer

REPO_DIR = MODELS_DIR.parent


def node_with_onnxruntime() -> str | None:
    node = shutil.which("node")
    if node and (REPO_DIR / "node_modules" / "onnxruntime-node").is_dir():
        return node
    if os.environ.get("CI") == "true":
        pytest.fail("node and node_modules/onnxruntime-node are required under CI=true (run npm ci)")
    pytest.skip("node or node_modules/onnxruntime-node missing (run npm ci)")


def test_onnxruntime_node_reproduces_python_scores_and_risks(trained, tmp_path):
    node = node_with_onnxruntime()
    out_dir = trained[0]
    rows = np.concatenate([synthetic.benign_matrix(40, seed=41)] +
                          [synthetic.attack_matrix(attack, 5, seed=42) for attack in synthetic.ATTACKS])
    scorer = SidecarScorer(out_dir)
    fixture = {
        "rows": rows.tolist(),
        "scaled": scorer.scaled(rows).astype(float).tolist(),
        "outputs": {name: values.tolist() for name, values in scorer.outputs(rows).items()},
        "risks": {name: values.tolist() for name, values in scorer.risks(rows).items()},
        "ensemble": scorer.ensemble_risk(rows).tolist(),
    }
    (tmp_path / "fixture.json").write_text(json.dumps(fixture))
    result = subprocess.run([node, str(MODELS_DIR / "tests" / "check_onnx_node.mjs"), str(out_dir),
                             str(tmp_path / "fixture.json")], capture_output=True, text=True, cwd=REPO_DIR)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout
