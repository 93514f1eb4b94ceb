"""SYNTHETIC person-level arrest histories: seeded, shaped like the NYPD
month, and with familiar faces the planning report finds."""

from __future__ import annotations

from pathlib import Path

import pytest

import divert
from divert.screen_synthetic import LOW_LEVEL_CODES, synthetic_arrests

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
MAPPING = REPO_ROOT / "examples" / "mappings" / "synthetic_arrests.textproto"


def test_seeded_and_shaped_like_the_nypd_month() -> None:
    table = synthetic_arrests(people=2000, seed=3, source=SOURCE)
    assert table.equals(synthetic_arrests(people=2000, seed=3, source=SOURCE))
    assert not table.equals(synthetic_arrests(people=2000, seed=4, source=SOURCE))
    assert table.column_names == ["PERSON_KEY", "ARREST_KEY", "ARREST_DATE", "LAW_CODE", "ARREST_BORO",
                                  "ARREST_PRECINCT", "AGE_GROUP", "PERP_SEX", "PERP_RACE"]
    keys = table.column("PERSON_KEY").to_pylist()
    assert len(set(keys)) == 2000 and all(k.startswith("synthetic-") for k in keys)
    assert len(set(table.column("ARREST_KEY").to_pylist())) == table.num_rows


def test_familiar_faces_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = divert.Policy.from_file(REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto")
    table = synthetic_arrests(people=5000, seed=11, familiar_share=0.05, source=SOURCE)
    screener = divert.Screener(policy, MAPPING)
    report = divert.planning_report(screener.screen(table), screener)
    assert report.arrests == table.num_rows and report.not_decided == 0
    assert report.policy_versions == ["2017-1", "2018-1"]
    # About 250 people have 6-20 arrests, 80% of them low-level; those with
    # at least 4 divertible ones in the last 12 months are familiar faces.
    assert report.familiar_faces is not None and 100 < report.familiar_faces < 300
    assert "SYNTHETIC" in report.source and "not real people" in report.source
    statutes = dict((v, a) for v, a, _ in next(b for b in report.breakdowns if b.label == "statute").rows)
    assert sum(statutes.get(code, 0) for code in LOW_LEVEL_CODES) > 0.1 * report.arrests


def test_missing_source_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="the NYPD month the synthetic data is shaped like"):
        synthetic_arrests(people=10, source=tmp_path / "missing.csv")
