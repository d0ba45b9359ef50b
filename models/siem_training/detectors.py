"""The two detectors of each family's ensemble and how each is trained, scored and exported."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture

# Bounds the ONNX file (one tree node per split) while keeping the forest stable.
IFOREST_TREES = 100
IFOREST_MAX_SAMPLES = 512
# Components and covariance shapes searched by BIC; enough for a few event families.
GMM_COMPONENTS = range(1, 9)
GMM_COVARIANCE_TYPES = ("full", "diag")
# Variance added to the diagonal of every component (in standardised units, where a flag's 0 -> 1
# step and a count's first event are about one unit, see the scale floors in preprocess.py).
# Security features are discrete: repeated identical vectors (a firewall family of 55,000 rows has
# ~125 distinct ones) let EM shrink a component onto one vector, and with a tiny floor the benign
# vector next to it (one more port, one more failure) then lies 10 standard deviations away and
# sets the calibration threshold. A floor of 0.03 (sd 0.17 units) keeps neighbouring benign values
# plausible while a value never seen in training (a UID-0 account, a sudo failure) still costs
# ~17 nats per unit, and keeps the float32 ONNX likelihood within tolerance of sklearn's.
GMM_REG_COVAR = 3e-2
# BIC search subsample: the likelihood surface is well estimated long before this many rows.
GMM_FIT_MAX_ROWS = 20_000


def gaussian_mixture_parameters(components: int, covariance_type: str, features: int) -> int:
    covariance = features * (features + 1) // 2 if covariance_type == "full" else features
    return components * (features + covariance) + components - 1


def distinct_row_bic(mixture: GaussianMixture, rows: np.ndarray, distinct_rows: int) -> float:
    """BIC with the distinct rows as the sample size: -2 * mean log-likelihood * m + p * ln(m).
    With the plain BIC (m = all rows) every repeated vector is fresh evidence, so on discrete data
    each extra component that sits on a repeated vector pays for itself and the search ends at the
    largest mixture (it did for three of the four families); counting distinct vectors makes a
    family with few of them (firewall, privilege) get the few components its data supports."""
    parameters = gaussian_mixture_parameters(mixture.n_components, mixture.covariance_type, rows.shape[1])
    return float(-2.0 * mixture.score(rows) * distinct_rows + parameters * np.log(distinct_rows))


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
    distinct = int(np.unique(fit_rows, axis=0).shape[0])
    best: tuple[float, GaussianMixture] | None = None
    for covariance_type in GMM_COVARIANCE_TYPES:
        for components in GMM_COMPONENTS:
            if components > distinct:
                break
            mixture = GaussianMixture(
                n_components=components,
                covariance_type=covariance_type,
                reg_covar=GMM_REG_COVAR,
                max_iter=300,
                n_init=1,
                random_state=seed,
            ).fit(fit_rows)
            bic = distinct_row_bic(mixture, fit_rows, distinct)
            log(f"gmm: {covariance_type:4s} k={components} BIC {bic:.1f}{'' if mixture.converged_ else ' (not converged)'}")
            if best is None or bic < best[0]:
                best = (bic, mixture)
    assert best is not None
    bic, mixture = best
    log(f"gmm: chose {mixture.covariance_type} covariance, {mixture.n_components} components "
        f"(BIC {bic:.1f}; {fit_rows.shape[0]} rows, {distinct} distinct)")
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
            "distinct_rows": distinct,
            "selection": f"lowest BIC (sample size = distinct rows) over components {GMM_COMPONENTS.start}..{GMM_COMPONENTS.stop - 1} "
                         f"x {list(GMM_COVARIANCE_TYPES)}",
        },
    )


DETECTOR_TRAINERS = {"iforest": train_isolation_forest, "gmm": train_gaussian_mixture}
