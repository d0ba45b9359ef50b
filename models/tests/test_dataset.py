import json

import numpy as np
import pytest

from siem_training.dataset import DatasetError, load_feature_matrix, load_feature_spec, split_train_calibration

SPEC = [
    {"name": "fails", "kind": "count", "windowed": True, "description": "d"},
    {"name": "share", "kind": "ratio", "windowed": True, "description": "d"},
    {"name": "root", "kind": "flag", "windowed": False, "description": "d"},
]


def write(tmp_path, csv_text, spec=SPEC):
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    (tmp_path / "x.csv").write_text(csv_text)
    return tmp_path / "x.csv", tmp_path / "spec.json"


def load(tmp_path, csv_text, spec=SPEC):
    csv_path, spec_path = write(tmp_path, csv_text, spec)
    return load_feature_matrix(csv_path, load_feature_spec(spec_path))


def test_reads_rows_in_spec_order_and_hashes_the_exact_bytes(tmp_path):
    data = load(tmp_path, "fails,share,root\n3,0.5,1\n0,0,0\n")
    assert data.rows == 2
    np.testing.assert_array_equal(data.values, [[3, 0.5, 1], [0, 0, 0]])
    import hashlib
    assert data.sha256 == hashlib.sha256(b"fails,share,root\n3,0.5,1\n0,0,0\n").hexdigest()


def test_header_that_differs_from_the_spec_is_rejected_naming_the_column(tmp_path):
    with pytest.raises(DatasetError, match="column 2 is 'root'"):
        load(tmp_path, "fails,root,share\n1,0,0\n")


@pytest.mark.parametrize("row,message", [
    ("-1,0.5,1", "negative"),
    ("1,0.5,0.5", "other than 0 and 1"),
    ("1,nan,1", "non-finite"),
    ("1,abc,1", "could not convert|abc"),
    ("1,0.5", "columns|number of columns"),
])
def test_values_the_transforms_cannot_take_are_rejected(tmp_path, row, message):
    with pytest.raises(DatasetError, match=message):
        load(tmp_path, f"fails,share,root\n{row}\n")


def test_spec_with_unknown_kind_or_duplicate_name_is_rejected(tmp_path):
    bad_kind = SPEC[:2] + [{"name": "root", "kind": "boolean", "windowed": False}]
    with pytest.raises(DatasetError, match="kind"):
        load(tmp_path, "fails,share,root\n1,0,0\n", bad_kind)
    duplicate = SPEC + [dict(SPEC[0])]
    with pytest.raises(DatasetError, match="duplicate"):
        load(tmp_path, "fails,share,root,fails\n1,0,0,1\n", duplicate)


def test_split_is_seeded_disjoint_and_complete():
    train_a, calibration_a = split_train_calibration(1000, 0.2, seed=5)
    train_b, calibration_b = split_train_calibration(1000, 0.2, seed=5)
    np.testing.assert_array_equal(calibration_a, calibration_b)
    assert calibration_a.size == 200 and train_a.size == 800
    assert np.intersect1d(train_a, calibration_a).size == 0
    assert np.union1d(train_a, calibration_a).size == 1000
    _, calibration_other = split_train_calibration(1000, 0.2, seed=6)
    assert not np.array_equal(calibration_a, calibration_other)
