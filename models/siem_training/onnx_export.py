"""Converts trained detectors to ONNX and checks that onnxruntime reproduces sklearn's scores."""
from __future__ import annotations

import hashlib

import numpy as np
import onnx
import onnxruntime
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import IsolationForest

from .detectors import TrainedDetector
from .iforest_onnx import isolation_forest_to_onnx

INPUT_NAME = "input"
# Opsets onnxruntime-node 1.2x-1.3x runs; ai.onnx.ml 3 keeps TreeEnsembleRegressor (not the v5 TreeEnsemble).
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


class VerificationError(RuntimeError):
    """onnxruntime's scores differ from sklearn's beyond the tolerance."""


def export_onnx(detector: TrainedDetector, features: int) -> bytes:
    if isinstance(detector.estimator, IsolationForest):
        return canonical_bytes(isolation_forest_to_onnx(detector.estimator, features, INPUT_NAME))
    options = {id(detector.estimator): detector.onnx_options} if detector.onnx_options else None
    model = to_onnx(
        detector.estimator,
        initial_types=[(INPUT_NAME, FloatTensorType([None, features]))],
        target_opset=TARGET_OPSET,
        options=options,
    )
    return canonical_bytes(model)


def canonical_bytes(model: onnx.ModelProto) -> bytes:
    """skl2onnx emits opset imports in set order (varies with PYTHONHASHSEED): sort them so that
    the same model always serialises to the same bytes."""
    imports = sorted(((entry.domain, entry.version) for entry in model.opset_import))
    del model.opset_import[:]
    for domain, version in imports:
        model.opset_import.add(domain=domain, version=version)
    onnx.checker.check_model(model)
    return model.SerializeToString(deterministic=True)


class OnnxScorer:
    """Runs one exported model with onnxruntime, as the TypeScript scorer does with onnxruntime-node."""

    def __init__(self, model_bytes: bytes, output_name: str) -> None:
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
        self.output_name = output_name
        self.output_shape = next(out.shape for out in self._session.get_outputs() if out.name == output_name)

    def score(self, scaled: np.ndarray) -> np.ndarray:
        (output,) = self._session.run([self.output_name], {INPUT_NAME: scaled.astype(np.float32, copy=False)})
        return np.asarray(output, dtype=np.float64).reshape(-1)


def verify_agreement(name: str, sklearn_scores: np.ndarray, onnx_scores: np.ndarray,
                     absolute: float, relative: float) -> dict[str, float]:
    """Passes when every |onnx - sklearn| <= absolute + relative * |sklearn|; float32 inference
    cannot do better than a relative bound on large log-likelihoods."""
    difference = np.abs(onnx_scores - sklearn_scores)
    allowed = absolute + relative * np.abs(sklearn_scores)
    worst = int(np.argmax(difference - allowed))
    report = {
        "rows": int(sklearn_scores.shape[0]),
        "max_abs_diff": float(difference.max()),
        "max_rel_diff": float((difference / np.maximum(np.abs(sklearn_scores), 1e-12)).max()),
    }
    if difference[worst] > allowed[worst]:
        raise VerificationError(
            f"{name}: onnxruntime differs from sklearn by {difference[worst]:.3g} at row {worst} "
            f"(sklearn {sklearn_scores[worst]:.6g}, onnx {onnx_scores[worst]:.6g}; allowed {allowed[worst]:.3g})"
        )
    return report


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
