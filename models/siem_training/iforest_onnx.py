"""Isolation Forest -> ONNX as one TreeEnsembleRegressor plus three arithmetic nodes.

skl2onnx 1.20 emits about 27 nodes per tree (5,400 for 200 trees): converting took over a minute
and onnxruntime ran it at ~60 single-row calls per second, too slow to score events inline. The
forest's score is a sum over trees, so one tree-ensemble node computes it:

  h(x)     = sum over trees of (depth(leaf) + c(n_leaf)) / (trees * c(max_samples))
  scores   = -2^(-h(x)) - offset_          (= IsolationForest.decision_function)

with c(n) the average path length of an unsuccessful BST search (0 for n <= 1, 1 for n = 2,
2 (ln(n - 1) + euler_gamma) - 2 (n - 1) / n above).
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.ensemble import IsolationForest

IR_VERSION = 8  # the IR of opset 17, as skl2onnx writes it; older runtimes refuse newer IRs
OUTPUT_NAME = "scores"


def average_path_length(samples: np.ndarray) -> np.ndarray:
    samples = np.asarray(samples, dtype=np.float64)
    result = np.zeros_like(samples)
    result[samples == 2] = 1.0
    large = samples > 2
    result[large] = 2.0 * (np.log(samples[large] - 1.0) + np.euler_gamma) - 2.0 * (samples[large] - 1.0) / samples[large]
    return result


def float32_at_or_below(thresholds: np.ndarray) -> np.ndarray:
    """For float32 x and float64 t, x <= t exactly when x <= the largest float32 not above t,
    so rounding thresholds this way keeps every split decision sklearn makes."""
    rounded = thresholds.astype(np.float32)
    too_high = rounded.astype(np.float64) > thresholds
    rounded[too_high] = np.nextafter(rounded[too_high], np.float32(-np.inf))
    return rounded


def _node_depths(children_left: np.ndarray, children_right: np.ndarray) -> np.ndarray:
    depths = np.zeros(children_left.shape[0], dtype=np.int64)
    for node in range(children_left.shape[0]):  # sklearn numbers a child after its parent
        for child in (children_left[node], children_right[node]):
            if child >= 0:
                depths[child] = depths[node] + 1
    return depths


def isolation_forest_to_onnx(forest: IsolationForest, features: int, input_name: str) -> onnx.ModelProto:
    if forest._max_features != features:
        raise ValueError("the exporter expects trees over all features (max_features=1.0)")
    denominator = len(forest.estimators_) * float(average_path_length(np.array([forest._max_samples]))[0])
    attributes: dict[str, list] = {key: [] for key in (
        "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
        "nodes_truenodeids", "nodes_falsenodeids", "target_treeids", "target_nodeids", "target_ids", "target_weights",
    )}
    for tree_id, estimator in enumerate(forest.estimators_):
        tree = estimator.tree_
        left, right = tree.children_left, tree.children_right
        leaf = left < 0
        depths = _node_depths(left, right)
        path_lengths = (depths + average_path_length(tree.n_node_samples)) / denominator
        thresholds = float32_at_or_below(tree.threshold)
        nodes = np.arange(tree.node_count)
        attributes["nodes_treeids"] += [tree_id] * tree.node_count
        attributes["nodes_nodeids"] += nodes.tolist()
        attributes["nodes_featureids"] += np.where(leaf, 0, tree.feature).tolist()
        attributes["nodes_values"] += np.where(leaf, np.float32(0), thresholds).tolist()
        attributes["nodes_modes"] += ["LEAF" if is_leaf else "BRANCH_LEQ" for is_leaf in leaf]
        attributes["nodes_truenodeids"] += np.where(leaf, 0, left).tolist()
        attributes["nodes_falsenodeids"] += np.where(leaf, 0, right).tolist()
        leaves = nodes[leaf]
        attributes["target_treeids"] += [tree_id] * leaves.size
        attributes["target_nodeids"] += leaves.tolist()
        attributes["target_ids"] += [0] * leaves.size
        attributes["target_weights"] += path_lengths[leaves].astype(np.float32).tolist()

    nodes = [
        helper.make_node("TreeEnsembleRegressor", [input_name], ["path_length"], domain="ai.onnx.ml",
                         n_targets=1, aggregate_function="SUM", post_transform="NONE", base_values=[0.0],
                         **attributes),
        helper.make_node("Neg", ["path_length"], ["negative_path_length"]),
        helper.make_node("Pow", ["two", "negative_path_length"], ["anomaly_score"]),
        helper.make_node("Sub", ["minus_offset", "anomaly_score"], [OUTPUT_NAME]),
    ]
    graph = helper.make_graph(
        nodes, "isolation_forest",
        inputs=[helper.make_tensor_value_info(input_name, TensorProto.FLOAT, [None, features])],
        outputs=[helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [None, 1])],
        initializer=[
            helper.make_tensor("two", TensorProto.FLOAT, [], [2.0]),
            helper.make_tensor("minus_offset", TensorProto.FLOAT, [], [-float(forest.offset_)]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)],
                              producer_name="siem-anomaly-detector models/siem_training")
    model.ir_version = IR_VERSION
    return model
