"""The two detector families of the ensemble and how each is trained, scored and exported."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture

# Bounds the ONNX file (one tree node per split) while keeping the forest stable.
IFOREST_TREES = 200
IFOREST_MAX_SAMPLES = 512
# Components and covariance shapes searched by BIC; enough for a few event families.
GMM_COMPONENTS = range(1, 9)
GMM_COVARIANCE_TYPES = ("full", "diag")
# Variance added to the diagonal (in standardised units): keeps components from collapsing onto
# the exact zeros of rare counts, which would make any non-zero value infinitely unlikely
# (the per-kind scale floors in preprocess.py keep that variance meaningful).
GMM_REG_COVAR = 1e-2
# BIC search subsample: the likelihood surface is well estimated long before this many rows.
GMM_FIT_MAX_ROWS = 20_000


@dataclass(frozen=True)
class TrainedDetector:
    name: str
    estimator: Any
    score_method: str  # the sklearn method whose value the ONNX output reproduces
    onnx_output: str  # output of the skl2onnx graph holding that score
    onnx_options: dict[str, Any] | None
    orientation: int  # multiply the score by this so that higher = more anomalous
    parameters: dict[str, Any]  # for the model card

    def score(self, matrix: np.ndarray) -> np.ndarray:
        return np.asarray(getattr(self.estimator, self.score_method)(matrix), dtype=np.float64)


def train_isolation_forest(matrix: np.ndarray, seed: int, log: Callable[[str], None]) -> TrainedDetector:
    max_samples = min(IFOREST_MAX_SAMPLES, matrix.shape[0])
    forest = IsolationForest(n_estimators=IFOREST_TREES, max_samples=max_samples, random_state=seed)
    forest.fit(matrix)
    log(f"iforest: {IFOREST_TREES} trees, max_samples {max_samples}, trained on {matrix.shape[0]} rows")
    return TrainedDetector(
        name="iforest",
        estimator=forest,
        score_method="decision_function",  # higher = more normal
        onnx_output="scores",
        onnx_options=None,
        orientation=-1,
        parameters={"n_estimators": IFOREST_TREES, "max_samples": max_samples, "contamination": "auto"},
    )


def train_gaussian_mixture(matrix: np.ndarray, seed: int, log: Callable[[str], None]) -> TrainedDetector:
    """Chooses the number of components and covariance shape by BIC, then keeps the best fit."""
    fit_rows = matrix.astype(np.float64)  # EM in float32 can collapse covariances of rare values
    if matrix.shape[0] > GMM_FIT_MAX_ROWS:
        pick = np.random.default_rng(seed).choice(matrix.shape[0], GMM_FIT_MAX_ROWS, replace=False)
        fit_rows = fit_rows[np.sort(pick)]
    best: tuple[float, GaussianMixture] | None = None
    for covariance_type in GMM_COVARIANCE_TYPES:
        for components in GMM_COMPONENTS:
            if components > fit_rows.shape[0]:
                break
            mixture = GaussianMixture(
                n_components=components,
                covariance_type=covariance_type,
                reg_covar=GMM_REG_COVAR,
                max_iter=300,
                n_init=1,
                random_state=seed,
            ).fit(fit_rows)
            bic = float(mixture.bic(fit_rows))
            log(f"gmm: {covariance_type:4s} k={components} BIC {bic:.1f}{'' if mixture.converged_ else ' (not converged)'}")
            if best is None or bic < best[0]:
                best = (bic, mixture)
    assert best is not None
    bic, mixture = best
    log(f"gmm: chose {mixture.covariance_type} covariance, {mixture.n_components} components (BIC {bic:.1f}, {fit_rows.shape[0]} rows)")
    return TrainedDetector(
        name="gmm",
        estimator=mixture,
        score_method="score_samples",  # per-row log-likelihood: higher = more normal
        onnx_output="score_samples",
        onnx_options={"score_samples": True},
        orientation=-1,
        parameters={
            "n_components": int(mixture.n_components),
            "covariance_type": mixture.covariance_type,
            "reg_covar": GMM_REG_COVAR,
            "bic": round(bic, 3),
            "fit_rows": int(fit_rows.shape[0]),
            "selection": f"lowest BIC over components {GMM_COMPONENTS.start}..{GMM_COMPONENTS.stop - 1} x {list(GMM_COVARIANCE_TYPES)}",
        },
    )


DETECTOR_TRAINERS = {"iforest": train_isolation_forest, "gmm": train_gaussian_mixture}
