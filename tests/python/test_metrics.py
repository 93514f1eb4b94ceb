"""divert.metrics: the LEAD catalog at the Python door, against the hand-computed
fixture site (examples/metrics/fixture_site.json, SYNTHETIC) and the bundled
synthetic site; and the same report through the C ABI (ctypes, in a fresh
interpreter), byte for byte."""

from __future__ import annotations

import ctypes
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import divert
import divert.metrics as dm
from divert.v1 import metrics_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "examples" / "metrics" / "fixture_site.json"
CATALOG = REPO_ROOT / "examples" / "metrics" / "lead_catalog.textproto"


@pytest.fixture(scope="module")
def catalog() -> dm.Catalog:
    return dm.lead_catalog()


@pytest.fixture(scope="module")
def fixture_frame(catalog: dm.Catalog) -> pd.DataFrame:
    return dm.compute(catalog, FIXTURE, "2024Q1", disclosure="internal")


def total(frame: pd.DataFrame, metric: str) -> float:
    rows = frame[(frame.metric == metric) & frame.total]
    assert len(rows) == 1, metric
    return float(rows.value.iloc[0])


def test_the_package_ships_the_lead_catalog(catalog: dm.Catalog) -> None:
    assert len(catalog) >= 35
    assert catalog.message == dm.Catalog.from_file(CATALOG).message
    assert "referral_to_enrolment_conversion" in catalog.ids
    assert catalog.definition("caseload_per_case_manager").target.value == 25


def test_the_lead_catalog_is_compiled_once_and_cannot_be_changed_through_its_definitions() -> None:
    """A notebook that computes again and again reuses one catalog (and its arrays)."""
    catalog = dm.lead_catalog()
    assert dm.lead_catalog() is catalog
    catalog.definition("caseload_per_case_manager").target.value = 99
    catalog.message.metrics[0].id = "changed"
    assert catalog.definition("caseload_per_case_manager").target.value == 25
    assert catalog.ids[0] != "changed"


def test_hand_computed_values_of_the_fixture(fixture_frame: pd.DataFrame) -> None:
    assert fixture_frame.attrs["synthetic"] is True
    assert total(fixture_frame, "referrals_made") == 8
    assert total(fixture_frame, "referral_to_enrolment_conversion") == pytest.approx(3 / 8)
    assert total(fixture_frame, "median_days_to_intake") == 10
    assert total(fixture_frame, "p90_days_to_intake") == 50
    assert total(fixture_frame, "caseload_per_case_manager") == 1
    assert total(fixture_frame, "owg_attendance_rate") == pytest.approx(39 / 48)
    assert total(fixture_frame, "participants_vs_jail_disparity") == pytest.approx(1 / 0.6)
    row = fixture_frame[(fixture_frame.metric == "intake_within_30_days_share") & fixture_frame.total]
    assert row.target.iloc[0] == "MISSES"
    assert (row.records.iloc[0], row.numerator.iloc[0]) == (3, 2)


def test_breakdowns_are_labelled_in_words(catalog: dm.Catalog) -> None:
    frame = dm.compute(catalog, FIXTURE, "2024Q1", by=["race", "pathway"], disclosure="internal",
                       metrics=["referrals_made"])
    cells = frame[~frame.total]
    assert set(cells.columns) >= {"race", "pathway"}
    assert cells.value.sum() == 8
    black_diversions = cells[(cells.race == "Black, African American, or African")
                             & (cells.pathway == "Arrest diversion")]
    assert black_diversions.value.tolist() == [1.0]


def test_published_frames_suppress_small_cells(catalog: dm.Catalog) -> None:
    frame = dm.compute(catalog, FIXTURE, "2024Q1", metrics=["referrals_made", "owg_meetings_held"])
    referrals = frame[frame.metric == "referrals_made"].iloc[0]
    assert referrals.suppression == "SMALL_CELL"
    assert math.isnan(referrals.value) and referrals.records == 0
    assert total(frame, "owg_meetings_held") == 6  # meetings are not people


def test_bad_catalogs_requests_and_records_raise_metrics_error(catalog: dm.Catalog) -> None:
    with pytest.raises(divert.MetricsError, match=r"^metric x: filter: "):
        dm.Catalog.from_text('metrics { id: "x" records: REFERRALS kind: COUNT filter: "referral.nope" }')
    with pytest.raises(divert.MetricsError, match="'colour' is not one of race"):
        dm.compute(catalog, FIXTURE, "2024Q1", by=["colour"])
    with pytest.raises(divert.MetricsError, match="at most three breakdowns"):
        dm.compute(catalog, FIXTURE, "2024Q1", by=["race", "gender", "age", "pathway"])
    with pytest.raises(divert.MetricsError, match="the catalog has no metric 'nope'"):
        dm.compute(catalog, FIXTURE, "2024Q1", metrics=["nope"])
    records = dm.load_records(FIXTURE)
    records.events[2].ClearField("occurred_at")
    with pytest.raises(divert.MetricsError, match=r"^events\[2\] \(referral r08\): occurred_at is missing$"):
        dm.compute(catalog, records, "2024Q1")
    with pytest.raises(divert.MetricsError, match="is not a year"):
        dm.parse_period("last spring")


def test_periods() -> None:
    assert dm.parse_period("2024Q1") == (pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-03-31").date())
    assert dm.parse_period("2024-02")[1].day == 29
    assert dm.parse_period(("2024-01-15", "2024-02-15"))[0].day == 15
    assert len(dm.quarters("2023-01-01", "2024-12-31")) == 8


def test_the_synthetic_site_is_labelled_and_seeded() -> None:
    a = dm.synthetic_site(seed=3, referrals=200)
    assert a.synthetic and "SYNTHETIC" in a.site
    assert a == dm.synthetic_site(seed=3, referrals=200)
    assert a != dm.synthetic_site(seed=4, referrals=200)
    with pytest.raises(divert.MetricsError, match="referrals is negative"):
        dm.synthetic_site(referrals=-1)


def test_a_catalog_used_again_answers_as_a_new_one() -> None:
    """A catalog computes into the memory its last computation left it."""
    catalog = dm.lead_catalog()
    big = dm.synthetic_site(seed=5, referrals=1500)
    small = dm.synthetic_site(seed=6, referrals=300)
    by = ["race", "gender", "pathway"]
    first = dm.compute_report(catalog, big, "2024", by=by)
    assert dm.compute_report(catalog, small, "2024", by=by) == dm.compute_report(
        dm.lead_catalog(), small, "2024", by=by)
    assert dm.compute_report(catalog, big, "2024", by=by) == first


def test_over_time_and_one_line_plots(catalog: dm.Catalog) -> None:
    import matplotlib

    matplotlib.use("Agg")
    site = dm.synthetic_site(seed=1, referrals=3000)
    frame = dm.over_time(catalog, site, dm.quarters("2023-01-01", "2023-12-31"),
                         metrics=["referrals_made", "enrolments"])
    assert frame[frame.total & (frame.metric == "referrals_made")].shape[0] == 4
    ax = dm.plot_over_time(frame, "referrals_made")
    assert ax.get_title() == "Referrals made (SYNTHETIC data)"
    assert np.asarray(ax.lines[0].get_xdata()).size == 4
    by_race = dm.compute(catalog, site, "2023", by=["race"], metrics=["enrolments"])
    ax = dm.plot_by_race(by_race, "enrolments")
    assert len(ax.patches) == (~by_race.total).sum()
    with pytest.raises(divert.MetricsError, match="no race breakdown"):
        dm.plot_by_race(frame, "enrolments")


def test_json_keeps_the_proto_field_names(catalog: dm.Catalog) -> None:
    report = dm.compute_report(catalog, FIXTURE, "2024Q1", metrics=["enrolments"], disclosure="internal")
    text = dm.report_json(report)
    assert '"unsupported_breakdowns"' not in text
    assert '"records": "3"' in text and '"synthetic": true' in text


_CAPI_SCRIPT = r"""
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
vp = ctypes.c_void_p
lib.divert_metric_catalog_compile.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(vp)]
lib.divert_metric_catalog_compute.argtypes = [vp, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
    ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.POINTER(vp), ctypes.POINTER(ctypes.c_size_t)]
lib.divert_buffer_free.argtypes = [vp]
lib.divert_last_error.restype = ctypes.c_char_p
catalog_text = open(sys.argv[2], "rb").read()
records = open(sys.argv[3], "rb").read()
request = open(sys.argv[4], "rb").read()
catalog = vp()
assert lib.divert_metric_catalog_compile(catalog_text, len(catalog_text), 0, ctypes.byref(catalog)) == 0, lib.divert_last_error()
out, n = vp(), ctypes.c_size_t()
rc = lib.divert_metric_catalog_compute(catalog, records, len(records), 1, request, len(request), 2, 2,
                                       ctypes.byref(out), ctypes.byref(n))
assert rc == 0, lib.divert_last_error()
sys.stdout.buffer.write(ctypes.string_at(out, n.value))
lib.divert_buffer_free(out)
"""


def test_the_c_abi_gives_the_same_report(catalog: dm.Catalog, tmp_path: Path) -> None:
    library = Path(os.environ.get("DIVERT_LIBRARY", REPO_ROOT / "build" / "libdivert.so"))
    assert library.exists(), f"the shared library is missing: {library}"
    report = dm.compute_report(catalog, FIXTURE, "2024Q1", by=["race", "gender"])
    request = dm._request("2024Q1", ["race", "gender"], "published", None)
    (tmp_path / "request.bin").write_bytes(request.SerializeToString())
    done = subprocess.run(
        [sys.executable, "-c", _CAPI_SCRIPT, str(library), str(CATALOG), str(FIXTURE),
         str(tmp_path / "request.bin")],
        capture_output=True, check=True)
    assert metrics_pb2.MetricReport.FromString(done.stdout) == report


def test_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    from divert.cli import main

    assert main(["metrics", str(FIXTURE), "--period", "2024Q1", "--internal", "--by", "pathway",
                 "--metric", "referrals_made"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("metric,title,level,unit,period_start,period_end,pathway,value")
    assert any(",Social contact,4.0," in line for line in lines)
    assert main(["metrics", str(FIXTURE), "--period", "spring"]) == 2
    assert "is not a year" in capsys.readouterr().err


def test_rearrest_against_the_comparison_group() -> None:
    small = dm.evaluate_rearrest(FIXTURE, "2024Q1")
    assert not small.reportable and small.participants.too_small
    assert small.notes[0] == "the participants (3 people) is too small to report: at least 11 are needed"
    by_hand = dm.evaluate_rearrest(FIXTURE, "2024Q1", min_group_size=1)
    assert (by_hand.participants.rearrested, by_hand.comparison.rearrested) == (1, 2)
    assert by_hand.odds_ratio == pytest.approx(0.12)
    assert by_hand.odds_reduction == pytest.approx(0.88)
    site = dm.evaluate_rearrest(dm.synthetic_site(seed=1, referrals=4000), "2024Q1")
    assert site.reportable
    assert site.odds_ratio_ci_low < site.odds_ratio < site.odds_ratio_ci_high
    with pytest.raises(divert.MetricsError, match="window: end is before start"):
        dm.evaluate_rearrest(FIXTURE, ("2024-03-01", "2024-01-01"))
