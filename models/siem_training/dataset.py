"""Reads and validates the benign feature matrix (CSV) and its feature spec (JSON)."""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURE_KINDS = ("count", "ratio", "flag", "score", "length")
# The event families scored by their own models (scorer/features/definitions.ts FAMILIES); the
# flag `is_<family>` = 1 puts a row in the family, and a row with none of them set is not scored.
FAMILIES = ("auth", "firewall", "web", "privilege")
NO_FAMILY = -1


class DatasetError(ValueError):
    """The feature CSV or spec does not follow the contract."""


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    kind: str
    windowed: bool
    description: str
    families: tuple[str, ...] = ()  # the family models that read this feature (none for is_* flags)


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
    description, families = entry.get("description", ""), entry.get("families")
    if not isinstance(name, str) or not name:
        raise DatasetError(f"{where}: 'name' must be a non-empty string")
    if kind not in FEATURE_KINDS:
        raise DatasetError(f"{where} ({name}): 'kind' must be one of {FEATURE_KINDS}, got {kind!r}")
    if not isinstance(windowed, bool):
        raise DatasetError(f"{where} ({name}): 'windowed' must be true or false")
    if not isinstance(description, str):
        raise DatasetError(f"{where} ({name}): 'description' must be a string")
    if not isinstance(families, list) or any(family not in FAMILIES for family in families) or len(set(families)) != len(families):
        raise DatasetError(f"{where} ({name}): 'families' must be a list of distinct names from {FAMILIES}, got {families!r}")
    return FeatureSpec(name=name, kind=kind, windowed=windowed, description=description, families=tuple(families))


def family_flag(family: str) -> str:
    return f"is_{family}"


def check_families(features: tuple[FeatureSpec, ...], where: str) -> None:
    """Every family needs its `is_<family>` flag (read by no model) and at least one feature."""
    by_name = {feature.name: feature for feature in features}
    for family in FAMILIES:
        flag = by_name.get(family_flag(family))
        if flag is None or flag.kind != "flag":
            raise DatasetError(f"{where}: no flag feature {family_flag(family)!r} to decide the {family} family")
        if flag.families:
            raise DatasetError(f"{where}: {flag.name} decides the family and must have no 'families'")
        if not family_columns(features, family):
            raise DatasetError(f"{where}: no feature lists the {family} family")


def family_columns(features: tuple[FeatureSpec, ...], family: str) -> list[int]:
    """Global column indexes of the features the family's models read, in column order."""
    return [index for index, feature in enumerate(features) if family in feature.families]


def row_families(values: np.ndarray, features: tuple[FeatureSpec, ...], where: str) -> np.ndarray:
    """Index in FAMILIES of each row's family (its `is_<family>` flag = 1), or NO_FAMILY."""
    names = [feature.name for feature in features]
    flags = values[:, [names.index(family_flag(family)) for family in FAMILIES]]
    set_per_row = np.count_nonzero(flags, axis=1)
    if (set_per_row > 1).any():
        row = int(np.argmax(set_per_row > 1))
        raise DatasetError(f"{where}: data row {row + 1} has more than one family flag set")
    return np.where(set_per_row == 1, np.argmax(flags, axis=1), NO_FAMILY)


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


@dataclass(frozen=True)
class FamilySplit:
    """Row indexes (into the whole matrix, ascending) of one family's three disjoint parts."""
    train: np.ndarray
    calibration: np.ndarray
    holdout: np.ndarray  # empty when no holdout was asked for


def split_family(rows: np.ndarray, calibration_fraction: float, holdout_fraction: float, seed: int,
                 family_number: int) -> FamilySplit:
    """Seeded shuffle of one family's rows into training, calibration and a second held-out part
    (for an independent estimate of the benign flag rate). Each family has its own stream
    (seed, family number), so adding rows to one family does not move the others' splits."""
    if not 0.0 < calibration_fraction < 1.0 or not 0.0 <= holdout_fraction < 1.0 or calibration_fraction + holdout_fraction >= 1.0:
        raise ValueError("calibration and holdout fractions must be >= 0, the calibration one > 0, and sum to less than 1")
    order = rows[np.random.default_rng([seed, family_number]).permutation(rows.size)]
    calibration_rows = int(round(rows.size * calibration_fraction))
    holdout_rows = int(round(rows.size * holdout_fraction))
    if calibration_rows < 1 or calibration_rows + holdout_rows >= rows.size:
        raise DatasetError(f"{rows.size} rows are too few to split into training and calibration")
    return FamilySplit(train=np.sort(order[calibration_rows + holdout_rows:]), calibration=np.sort(order[:calibration_rows]),
                       holdout=np.sort(order[calibration_rows:calibration_rows + holdout_rows]))
