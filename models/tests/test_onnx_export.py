import numpy as np
import onnx
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture

from siem_training.detectors import GMM_REG_COVAR, gaussian_mixture_parameters, train_gaussian_mixture, train_isolation_forest
from siem_training.iforest_onnx import float32_at_or_below
from siem_training.onnx_export import INPUT_NAME, OnnxScorer, VerificationError, export_onnx, verify_agreement


def matrix(rows, seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(rows, 6))
    values[:, 3] = rng.random(rows) < 0.05  # a rare flag
    values[:, 4] = np.where(rng.random(rows) < 0.9, 0.0, rng.exponential(3.0, rows))  # a long-tailed count
    return values.astype(np.float32)


def test_rounding_thresholds_down_to_float32_keeps_every_split_decision():
    rng = np.random.default_rng(0)
    thresholds = rng.normal(size=5000)
    rounded = float32_at_or_below(thresholds)
    neighbours = np.stack([np.float32(t) for t in thresholds])
    for x in (neighbours, np.nextafter(neighbours, np.float32(np.inf)), np.nextafter(neighbours, np.float32(-np.inf))):
        np.testing.assert_array_equal(x.astype(np.float64) <= thresholds, x <= rounded)


def test_isolation_forest_onnx_reproduces_decision_function_even_on_split_thresholds():
    train = matrix(3000, 1)
    detector = train_isolation_forest(train, seed=3, log=lambda _: None)
    forest: IsolationForest = detector.estimator
    # Rows whose values sit exactly on (float32-rounded) split thresholds exercise the <= boundary.
    thresholds = np.concatenate([tree.tree_.threshold[tree.tree_.children_left >= 0] for tree in forest.estimators_[:5]])
    on_thresholds = np.resize(thresholds.astype(np.float32), (600, 6))
    test_rows = np.concatenate([matrix(2000, 2), on_thresholds])
    model_bytes = export_onnx(detector, 6)
    onnx_scores = OnnxScorer(model_bytes, "scores").score(test_rows)
    np.testing.assert_allclose(onnx_scores, forest.decision_function(test_rows), atol=1e-6, rtol=0)


def test_isolation_forest_graph_is_one_tree_ensemble_with_input_and_scores():
    detector = train_isolation_forest(matrix(1000, 4), seed=3, log=lambda _: None)
    model = onnx.load_from_string(export_onnx(detector, 6))
    assert [node.op_type for node in model.graph.node] == ["TreeEnsembleRegressor", "Neg", "Pow", "Sub"]
    assert [i.name for i in model.graph.input] == [INPUT_NAME]
    assert [o.name for o in model.graph.output] == ["scores"]


def test_gaussian_mixture_onnx_reproduces_score_samples():
    train = matrix(3000, 5)
    detector = train_gaussian_mixture(train, seed=3, log=lambda _: None)
    test_rows = matrix(2000, 6)
    scorer = OnnxScorer(export_onnx(detector, 6), detector.onnx_output)
    assert detector.onnx_output == "score_samples" and scorer.output_shape == [None, 1]
    reference = detector.estimator.score_samples(test_rows)
    report = verify_agreement("gmm", reference, scorer.score(test_rows), absolute=1e-4, relative=1e-5)
    assert report["rows"] == 2000 and report["max_abs_diff"] < 1e-3


def test_disagreement_beyond_the_tolerance_fails_verification():
    reference = np.linspace(-1, 1, 100)
    assert verify_agreement("m", reference, reference + 5e-5, absolute=1e-4, relative=0)["max_abs_diff"] == pytest.approx(5e-5)
    with pytest.raises(VerificationError, match="differs from sklearn"):
        verify_agreement("m", reference, reference + np.where(np.arange(100) == 17, 1e-3, 0), absolute=1e-4, relative=0)


def test_gaussian_mixture_on_few_distinct_vectors_gets_fewer_components_than_the_plain_bic_gives():
    """Discrete data (40 distinct vectors repeated over 20,000 rows): the plain BIC, counting every
    repeat as evidence, takes the largest mixture; counting distinct vectors keeps it small."""
    rng = np.random.default_rng(3)
    atoms = rng.integers(0, 4, size=(40, 4)).astype(float)
    rows = atoms[rng.choice(40, 20_000, p=rng.dirichlet(np.ones(40)))].astype(np.float32)
    detector = train_gaussian_mixture(rows, seed=1, log=lambda _: None)
    assert detector.parameters["distinct_rows"] == np.unique(rows, axis=0).shape[0]
    plain = min((GaussianMixture(k, covariance_type=kind, reg_covar=GMM_REG_COVAR, random_state=1).fit(rows)
                 for kind in ("full", "diag") for k in range(1, 9)), key=lambda mixture: mixture.bic(rows))
    assert detector.parameters["n_components"] < plain.n_components


def test_mixture_never_has_more_components_than_distinct_rows():
    rows = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32), 500, axis=0)
    detector = train_gaussian_mixture(rows, seed=1, log=lambda _: None)
    assert detector.parameters["n_components"] <= 3


def test_parameter_count_is_sklearns():
    rows = np.random.default_rng(4).normal(size=(300, 5))
    for kind in ("full", "diag"):
        for components in (1, 3):
            mixture = GaussianMixture(components, covariance_type=kind, random_state=0).fit(rows)
            assert gaussian_mixture_parameters(components, kind, 5) == mixture._n_parameters()
