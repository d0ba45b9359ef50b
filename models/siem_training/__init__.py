"""Offline training of the unsupervised detectors that the TypeScript scorer runs through ONNX."""
