"""Reads and validates the benign feature matrix (CSV) and its feature spec (JSON)."""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURE_KINDS = ("count", "ratio", "flag", "score", "length")


class DatasetError(ValueError):
    """The feature CSV or spec does not follow the contract."""


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    kind: str
    windowed: bool
    description: str


@dataclass(frozen=True)
class FeatureMatrix:
    features: tuple[FeatureSpec, ...]
    values: np.ndarray  # float64 [rows, features], raw (untransformed)
    sha256: str  # of the CSV bytes exactly as read

    @property
    def rows(self) -> int:
        return int(self.values.shape[0])


def load_feature_spec(path: Path) -> tuple[FeatureSpec, ...]:
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise DatasetError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(entries, list) or not entries:
        raise DatasetError(f"{path}: expected a non-empty JSON array of features")
    specs = []
    for index, entry in enumerate(entries):
        specs.append(_parse_spec_entry(entry, f"{path}[{index}]"))
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise DatasetError(f"{path}: duplicate feature names {duplicates}")
    return tuple(specs)


def _parse_spec_entry(entry: object, where: str) -> FeatureSpec:
    if not isinstance(entry, dict):
        raise DatasetError(f"{where}: expected an object")
    name, kind, windowed = entry.get("name"), entry.get("kind"), entry.get("windowed")
    description = entry.get("description", "")
    if not isinstance(name, str) or not name:
        raise DatasetError(f"{where}: 'name' must be a non-empty string")
    if kind not in FEATURE_KINDS:
        raise DatasetError(f"{where} ({name}): 'kind' must be one of {FEATURE_KINDS}, got {kind!r}")
    if not isinstance(windowed, bool):
        raise DatasetError(f"{where} ({name}): 'windowed' must be true or false")
    if not isinstance(description, str):
        raise DatasetError(f"{where} ({name}): 'description' must be a string")
    return FeatureSpec(name=name, kind=kind, windowed=windowed, description=description)


def load_feature_matrix(path: Path, features: tuple[FeatureSpec, ...]) -> FeatureMatrix:
    """Parses the CSV, checking that its header is the spec's names in the spec's order."""
    data = Path(path).read_bytes()
    text = data.decode("utf-8")
    header_line, _, body = text.partition("\n")
    header = [name.strip() for name in header_line.strip().split(",")]
    expected = [feature.name for feature in features]
    if header != expected:
        raise DatasetError(f"{path}: header does not match the feature spec: {_first_difference(header, expected)}")
    try:
        values = np.loadtxt(io.StringIO(body), delimiter=",", dtype=np.float64, ndmin=2)
    except ValueError as error:
        raise DatasetError(f"{path}: {error}") from error
    if values.shape[0] == 0:
        raise DatasetError(f"{path}: no data rows")
    if values.shape[1] != len(features):
        raise DatasetError(f"{path}: {values.shape[1]} columns per row, spec has {len(features)}")
    check_values(values, features, str(path))
    return FeatureMatrix(features=features, values=values, sha256=hashlib.sha256(data).hexdigest())


def check_values(values: np.ndarray, features: tuple[FeatureSpec, ...], where: str) -> None:
    """Rejects values the transforms cannot take (non-finite, negative counts, non-0/1 flags)."""
    bad_rows = ~np.isfinite(values).all(axis=1)
    if bad_rows.any():
        raise DatasetError(f"{where}: non-finite value in data row {int(np.argmax(bad_rows)) + 1}")
    for column, feature in enumerate(features):
        column_values = values[:, column]
        if feature.kind in ("count", "length") and (column_values < 0).any():
            raise DatasetError(f"{where}: {feature.name} ({feature.kind}) has negative values")
        if feature.kind == "flag" and not np.isin(column_values, (0.0, 1.0)).all():
            raise DatasetError(f"{where}: {feature.name} (flag) has values other than 0 and 1")


def _first_difference(header: list[str], expected: list[str]) -> str:
    for index, (got, want) in enumerate(zip(header, expected)):
        if got != want:
            return f"column {index + 1} is {got!r}, spec says {want!r}"
    return f"{len(header)} columns, spec has {len(expected)}"


def split_train_calibration(rows: int, calibration_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded shuffle split; indices are sorted so row order inside each split is stable."""
    if not 0.0 < calibration_fraction < 1.0:
        raise ValueError("calibration_fraction must be in (0, 1)")
    order = np.random.default_rng(seed).permutation(rows)
    calibration_rows = int(round(rows * calibration_fraction))
    if calibration_rows < 1 or calibration_rows >= rows:
        raise DatasetError(f"{rows} rows are too few to split into training and calibration")
    return np.sort(order[calibration_rows:]), np.sort(order[:calibration_rows])
