"""The planning report and ``divert screen``: the bundled NYPD month against
Example 1, and small tables whose answers are worked out by hand."""

from __future__ import annotations

import datetime
import json
import math
import random
from pathlib import Path

import pyarrow
import pyarrow.csv
import pytest

import divert
from divert.cli import main
from divert.report import Assumptions, ReportBuilder, _PersonDays

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"


@pytest.fixture(scope="module")
def policy() -> divert.Policy:
    return divert.Policy.from_file(EXAMPLE1)


@pytest.fixture(scope="module")
def nypd(policy: divert.Policy) -> tuple[pyarrow.Table, divert.PlanningReport]:
    screener = divert.Screener(policy, NYPD_MAPPING)
    screened = screener.screen(pyarrow.csv.read_csv(NYPD_DATA))
    return screened, divert.planning_report(screened, screener)


def test_nypd_report_counts_what_was_screened(nypd: tuple[pyarrow.Table, divert.PlanningReport]) -> None:
    screened, report = nypd
    outcomes = [str(o) for o in screened.column("outcome").to_pylist()]
    assert report.arrests == report.rows == 19452
    assert report.divertible == sum(o in ("ELIGIBLE", "NEEDS_INFORMATION", "NEEDS_REVIEW") for o in outcomes)
    assert report.by_outcome == {o: outcomes.count(o) for o in set(outcomes)}
    assert report.policy_versions == ["2017-1"]
    assert str(report.first_day) == "2017-12-02" and str(report.last_day) == "2017-12-31"
    assert report.weeks == pytest.approx(30 / 7)
    assert report.by_month == [("2017-12", 19452, report.divertible)]
    assert report.familiar_faces is None  # NYPD's data has no person key
    assert "NYC Open Data" in report.source
    for breakdown in report.breakdowns:
        assert sum(arrests for _, arrests, _ in breakdown.rows) == 19452
        assert sum(d for _, _, d in breakdown.rows) == report.divertible
    boroughs = {value for value, _, _ in next(b for b in report.breakdowns if b.label == "borough").rows}
    assert boroughs == {"B", "K", "M", "Q", "S"}
    violent = sum(1 for o, d in zip(outcomes, screened.column("decisive_rules").to_pylist())
                  if o == "EXCLUDED" and "exclusion.violent" in str(d))
    assert ("exclusion.violent", "There is probable cause to believe the individual committed a violent offense.",
            violent) in report.exclusions


def test_projection_follows_the_toolkit(nypd: tuple[pyarrow.Table, divert.PlanningReport]) -> None:
    _, report = nypd
    assert report.referrals_per_week == pytest.approx(report.divertible / (30 / 7) * 0.10)
    clients = round(report.referrals_per_week * 52)
    assert report.clients_first_year == clients
    managers = math.ceil(clients / 15)
    assert report.case_managers(15) == managers
    assert report.case_managers(25) == math.ceil(clients / 25)
    # Project manager, case managers, outreach and intake, community
    # engagement; CLT stipends; travel per FTE; $500 per client.
    low = 75_000 + 40_000 * managers + 40_000 + 65_000 + 2_500 + 2_000 * (managers + 3) + 500 * clients
    high = 95_000 + 60_000 * managers + 60_000 + 85_000 + 2_500 + 2_000 * (managers + 3) + 500 * clients
    assert report.budget_total(15) == (low, high)


def test_renderings(nypd: tuple[pyarrow.Table, divert.PlanningReport]) -> None:
    _, report = nypd
    data = json.loads(report.to_json())
    assert data["arrests"] == 19452 and data["projection"]["caseManagers15"] == report.case_managers(15)
    markdown = report.to_markdown()
    assert markdown.startswith("# Planning report: nyc-example1")
    assert "## By borough (ARREST_BORO)" in markdown and "NYC Open Data" in markdown
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>") and "<svg" not in page and 'class="bar"' in page
    assert "&lt;18" in page  # AGE_GROUP "<18", escaped


def test_familiar_faces_need_a_person_key(policy: divert.Policy) -> None:
    # Person A: 5 petit larcenies in the 12 months before the data's last day
    # (2018-08-10): a familiar face at 4. B: 5, but 2 of them earlier. C: 5
    # assaults (excluded, so not divertible).
    a_days = ["2017-09-10", "2017-11-10", "2018-01-10", "2018-05-10", "2018-08-10"]
    rows: list[tuple[str, str, str]] = []
    rows += [("A", d, "PL 155.25") for d in a_days]
    rows += [("B", d, "PL 155.25") for d in ("2017-07-05", "2017-08-01", "2017-12-01", "2018-03-01", "2018-06-01")]
    rows += [("C", d, "PL 120.00(1)") for d in a_days]
    table = pyarrow.table({
        "person": [r[0] for r in rows],
        "date": [r[1] for r in rows],
        "code": [r[2] for r in rows],
    })
    mapping = divert.Mapping.from_text("""
        shape: ARREST_PER_ROW defaults { pathway: ARREST_DIVERSION }
        person_key_column: "person"
        columns { column: "date" field: "occurred_at" time_format: "%Y-%m-%d" }
        columns { column: "code" field: "charges.statute_code" }
    """)
    screener = divert.Screener(policy, mapping)
    builder = ReportBuilder(screener, Assumptions(familiar_faces_min_arrests=4))
    builder.add(screener.screen(table))
    report = builder.finish()
    assert report.not_decided == 0
    assert report.policy_versions == ["2017-1", "2018-1"]
    assert report.familiar_faces == 1
    assert [m for m, _, _ in report.by_month][:2] == ["2017-07", "2017-08"]
    # Person keys identify people: they are never part of the report.
    assert '"A"' not in report.to_json() and "| A |" not in report.to_markdown()


def test_one_row_per_charge_counts_arrests(policy: divert.Policy) -> None:
    table = pyarrow.table({"arrest": [1, 1, 2], "date": ["2017-12-05T12:00:00Z"] * 3,
                           "code": ["PL 155.25", "PL 120.00(1)", "PL 155.25"]})
    mapping = divert.Mapping.from_text("""
        shape: CHARGE_PER_ROW arrest_key_column: "arrest" defaults { pathway: ARREST_DIVERSION }
        columns { column: "date" field: "occurred_at" }
        columns { column: "code" field: "charges.statute_code" }
    """)
    screener = divert.Screener(policy, mapping)
    report = divert.planning_report(screener.screen(table), screener)
    assert report.rows == 3 and report.arrests == 2
    assert report.by_outcome == {"EXCLUDED": 1, "NEEDS_INFORMATION": 1}


def test_divert_screen_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    status = main(["screen", "--policy", str(EXAMPLE1), "--data", str(NYPD_DATA),
                   "--mapping", str(NYPD_MAPPING), "--report", str(out), "--no-progress"])
    assert status == 0
    printed = capsys.readouterr().out
    assert printed.startswith("19,452 arrests screened under policy 2017-1 of nyc-example1")
    assert "potentially divertible" in printed and "NYC Open Data" in printed
    assert json.loads(out.read_text())["arrests"] == 19452


def test_divert_screen_without_a_mapping_reads_field_named_columns(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "arrests.csv"
    data.write_text("occurred_at,charges.statute_code,person.age\n"
                    "2017-12-05T12:00:00Z,PL 155.25,34\n2017-12-06T12:00:00Z,PL 120.00(1),41\n")
    assert main(["screen", "--policy", str(EXAMPLE1), "--data", str(data), "--no-progress"]) == 0
    assert "2 arrests screened" in capsys.readouterr().out
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["screen", "--policy", str(EXAMPLE1), "--data", str(bad)]) == 2
    assert "no column is named after an encounter field" in capsys.readouterr().err


def test_familiar_faces_count_only_the_last_year_when_old_days_are_dropped() -> None:
    # Three years of seeded random arrests of 200 people, fed in small batches
    # so that days a year older than the latest are dropped many times over:
    # the count equals the one worked out from every arrest.
    rng = random.Random(5)
    start = datetime.date(2016, 1, 1)
    arrests = sorted(((f"p{rng.randrange(200)}", start + datetime.timedelta(days=rng.randrange(3 * 365)))
                      for _ in range(3000)), key=lambda arrest: arrest[1])
    last = arrests[-1][1]
    days = _PersonDays(prune_after=100)
    for i in range(0, len(arrests), 40):
        chunk = arrests[i:i + 40]
        people = pyarrow.chunked_array([pyarrow.array([p for p, _ in chunk])])
        dates = pyarrow.chunked_array([pyarrow.array([d for _, d in chunk], pyarrow.date32())])
        days.add(people, dates, chunk[-1][1])
    assert days._rows < 1500  # old days were dropped
    for minimum in (4, 6, 8):
        recent: dict[str, int] = {}
        for person, day in arrests:
            if day > last - datetime.timedelta(days=365):
                recent[person] = recent.get(person, 0) + 1
        expected = sum(1 for count in recent.values() if count >= minimum)
        assert 0 < expected < 200
        assert days.people_with(minimum, last) == expected
