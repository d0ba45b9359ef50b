import json

import numpy as np
import pytest

import synthetic
from siem_training.dataset import (NO_FAMILY, DatasetError, check_families, family_columns, load_feature_matrix,
                                   load_feature_spec, row_families, split_family, split_train_calibration)

SPEC = [
    {"name": "fails", "kind": "count", "windowed": True, "description": "d", "families": ["auth"]},
    {"name": "share", "kind": "ratio", "windowed": True, "description": "d", "families": ["auth", "web"]},
    {"name": "root", "kind": "flag", "windowed": False, "description": "d", "families": []},
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
    bad_kind = SPEC[:2] + [{"name": "root", "kind": "boolean", "windowed": False, "families": []}]
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


@pytest.mark.parametrize("families,message", [
    (None, "families"), (["auth", "dns"], "families"), (["web", "web"], "families"), ("web", "families"),
])
def test_spec_families_must_be_a_list_of_known_distinct_families(tmp_path, families, message):
    spec = [dict(SPEC[0]), *SPEC[1:]]
    if families is None:
        del spec[0]["families"]
    else:
        spec[0]["families"] = families
    with pytest.raises(DatasetError, match=message):
        load(tmp_path, "fails,share,root\n1,0,0\n", spec)


def test_family_columns_follow_the_csv_order(tmp_path):
    csv_path, spec_path = write(tmp_path, "fails,share,root\n1,0,0\n")
    features = load_feature_spec(spec_path)
    assert family_columns(features, "auth") == [0, 1] and family_columns(features, "web") == [1]
    assert family_columns(features, "firewall") == []


def test_every_family_needs_its_flag_and_a_feature(tmp_path):
    (tmp_path / "spec.json").write_text(json.dumps(synthetic.feature_spec()))
    features = load_feature_spec(tmp_path / "spec.json")
    check_families(features, "spec")
    without_flag = [entry for entry in synthetic.feature_spec() if entry["name"] != "is_web"]
    (tmp_path / "spec.json").write_text(json.dumps(without_flag))
    with pytest.raises(DatasetError, match="is_web"):
        check_families(load_feature_spec(tmp_path / "spec.json"), "spec")
    no_privilege_feature = [dict(entry, families=[f for f in entry["families"] if f != "privilege"]) for entry in synthetic.feature_spec()]
    (tmp_path / "spec.json").write_text(json.dumps(no_privilege_feature))
    with pytest.raises(DatasetError, match="no feature lists the privilege family"):
        check_families(load_feature_spec(tmp_path / "spec.json"), "spec")


def test_the_is_flags_decide_the_family_of_each_row_and_two_flags_are_rejected(tmp_path):
    (tmp_path / "spec.json").write_text(json.dumps(synthetic.feature_spec()))
    features = load_feature_spec(tmp_path / "spec.json")
    rows = np.zeros((5, len(features)))
    for row, flag in enumerate(["is_auth", "is_firewall", "is_web", "is_privilege"]):
        rows[row, synthetic.COLUMN[flag]] = 1
    np.testing.assert_array_equal(row_families(rows, features, "x"), [0, 1, 2, 3, NO_FAMILY])
    rows[4, synthetic.COLUMN["is_auth"]] = rows[4, synthetic.COLUMN["is_web"]] = 1
    with pytest.raises(DatasetError, match="row 5 has more than one family flag"):
        row_families(rows, features, "x")


def test_family_split_is_seeded_disjoint_complete_and_independent_per_family():
    rows = np.arange(100, 1100, 2)  # 500 rows of one family inside a larger matrix
    split = split_family(rows, 0.2, 0.1, seed=5, family_number=0)
    assert (split.train.size, split.calibration.size, split.holdout.size) == (350, 100, 50)
    parts = np.concatenate([split.train, split.calibration, split.holdout])
    np.testing.assert_array_equal(np.sort(parts), rows)
    assert all(np.all(np.diff(part) > 0) for part in (split.train, split.calibration, split.holdout))
    again = split_family(rows, 0.2, 0.1, seed=5, family_number=0)
    np.testing.assert_array_equal(split.calibration, again.calibration)
    assert not np.array_equal(split.calibration, split_family(rows, 0.2, 0.1, seed=5, family_number=1).calibration)
    assert not np.array_equal(split.calibration, split_family(rows, 0.2, 0.1, seed=6, family_number=0).calibration)
    assert split_family(rows, 0.2, 0.0, seed=5, family_number=0).holdout.size == 0
    with pytest.raises(DatasetError, match="too few"):
        split_family(np.arange(3), 0.1, 0.0, seed=5, family_number=0)
