"""The synthetic generator has the scorer's feature list and sets the family flags consistently."""
import re

import numpy as np
import pytest

import synthetic
from conftest import MODELS_DIR

DEFINITIONS = MODELS_DIR.parent / "scorer" / "features" / "definitions.ts"
# One entry per feature, on one line or spread over several as the formatter lays it out.
ENTRY = re.compile(
    r"\{\s*name:\s*'(\w+)',\s*kind:\s*'(\w+)',\s*windowed:\s*(true|false),.*?families:\s*\[([^\]]*)\](?:,\s*subject:\s*'\w+')?,?\s*\}",
    re.S,
)


def test_features_are_those_of_the_typescript_definitions():
    entries = ENTRY.findall(DEFINITIONS.read_text(encoding="utf-8"))
    assert len(entries) >= 40
    expected = [(name, kind, windowed == "true", tuple(re.findall(r"'(\w+)'", families)))
                for name, kind, windowed, families in entries]
    assert list(synthetic.FEATURES) == expected


@pytest.mark.parametrize("rows", [
    synthetic.benign_matrix(20_000, seed=5),
    np.concatenate([synthetic.attack_matrix(attack, 200, seed=6) for attack in synthetic.ATTACKS]),
], ids=["benign", "attacks"])
def test_each_row_sets_at_most_one_family_flag_and_only_that_familys_features(rows):
    flags = rows[:, [synthetic.COLUMN[f"is_{family}"] for family in synthetic.FAMILY_COLUMNS]]
    assert set(np.unique(flags.sum(axis=1))) <= {0.0, 1.0}
    for number, (family, columns) in enumerate(synthetic.FAMILY_COLUMNS.items()):
        members = rows[flags[:, number] == 1]
        outside = [c for c in range(len(synthetic.FEATURES)) if c not in columns and c != synthetic.COLUMN[f"is_{family}"]]
        assert not members[:, outside].any(), family
    assert not rows[flags.sum(axis=1) == 0].any()  # rows of no family (cron, daemons) are all zero


def test_benign_matrix_holds_every_family_and_rows_of_none():
    rows = synthetic.benign_matrix(20_000, seed=5)
    for family in synthetic.FAMILY_COLUMNS:
        assert (rows[:, synthetic.COLUMN[f"is_{family}"]] == 1).sum() > 500
    assert (rows[:, :4].sum(axis=1) == 0).sum() > 1000
