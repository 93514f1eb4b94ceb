"""divert.metrics over people, encounters and arrests as tables: pandas
DataFrames and pyarrow Tables, with the referral log as tables or as messages,
give exactly the report of the records they stand for, through the Python
door and the C ABI (ctypes, in a fresh interpreter); bad tables are refused
with the table, column and row named, never a person's key."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.feather
import pytest

import divert
import divert.metrics as dm
from divert.v1 import metrics_pb2
from test_metrics_columns import as_frames

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOG = REPO_ROOT / "examples" / "metrics" / "lead_catalog.textproto"


def _date(d: Any) -> datetime.date | None:
    return datetime.date(d.year, d.month, d.day) if d.year else None


def person_frames(records: metrics_pb2.MetricRecords) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The records' people, encounters and arrests as a data scientist would hold them."""
    people = pd.DataFrame({
        "person_key": [p.person_key for p in records.people],
        "race_ethnicity": [list(p.race_ethnicity) for p in records.people],
        "gender": [list(p.gender) for p in records.people],
        "date_of_birth": [_date(p.date_of_birth) if p.HasField("date_of_birth") else None for p in records.people],
        "comparison_group": [p.comparison_group for p in records.people],
    })
    encounter_fields = ("decision_id", "person_key", "precinct", "area", "agency", "officer_id", "pathway", "outcome")
    encounters = pd.DataFrame({f: [getattr(e, f) for e in records.encounters] for f in encounter_fields})
    encounters["occurred_on"] = [_date(e.occurred_on) for e in records.encounters]
    arrest_fields = ("person_key", "precinct", "area", "citation", "booked", "charged", "jail_days", "lead_eligible")
    arrests = pd.DataFrame({f: [getattr(a, f) for a in records.arrests] for f in arrest_fields})
    arrests["occurred_on"] = [_date(a.occurred_on) for a in records.arrests]
    return people, encounters, arrests


def without(records: metrics_pb2.MetricRecords, *fields: str) -> metrics_pb2.MetricRecords:
    rest = metrics_pb2.MetricRecords()
    rest.CopyFrom(records)
    for field in fields:
        rest.ClearField(field)
    return rest


@pytest.fixture(scope="module")
def catalog() -> dm.Catalog:
    return dm.lead_catalog()


@pytest.fixture(scope="module")
def site() -> metrics_pb2.MetricRecords:
    return dm.synthetic_site(seed=7, referrals=500)


BY = ["race", "gender", "age"]


def test_all_five_tables_give_the_records_report(catalog: dm.Catalog, site: metrics_pb2.MetricRecords) -> None:
    rest, referrals, events = as_frames(site)
    people, encounters, arrests = person_frames(site)
    expected = dm.compute_report(catalog, site, "2024", by=BY)
    actual = dm.compute_report(catalog, without(rest, "people", "encounters", "arrests"), "2024", by=BY,
                               referrals=referrals, events=events,
                               people=people, encounters=encounters, arrests=arrests)
    assert actual == expected
    assert any(r.definition.records == metrics_pb2.ARRESTS and r.total.records > 0 for r in actual.results)


@pytest.mark.parametrize("table", ["people", "encounters", "arrests"])
def test_each_table_alone_gives_the_records_report(
    catalog: dm.Catalog, site: metrics_pb2.MetricRecords, table: str
) -> None:
    """One table as pyarrow (text as dictionaries), the rest, the referral log
    too, as messages."""
    frames = dict(zip(("people", "encounters", "arrests"), person_frames(site)))
    frame = frames[table]
    for column in ("person_key", "precinct", "area", "agency", "officer_id"):
        if column in frame:
            frame[column] = frame[column].astype("category")
    expected = dm.compute_report(catalog, site, "2024", by=["precinct", "race", "pathway"])
    given: dict[str, Any] = {table: pa.Table.from_pandas(frame, preserve_index=False)}
    actual = dm.compute_report(catalog, without(site, table), "2024", by=["precinct", "race", "pathway"], **given)
    assert actual == expected


def test_one_race_a_row_and_missing_values(catalog: dm.Catalog) -> None:
    """race_ethnicity as one number a row (pandas makes floats of integers
    with missing values; they are read as integers)."""
    people = pd.DataFrame({"person_key": ["Jane-Roe-1990-04-01", "John-Doe-1985-02-03"],
                           "race_ethnicity": [3, None]})
    arrests = pd.DataFrame({"person_key": ["Jane-Roe-1990-04-01", "John-Doe-1985-02-03"],
                            "occurred_on": [datetime.date(2024, 3, 18), datetime.date(2024, 3, 19)],
                            "lead_eligible": [True, True]})
    frame = dm.compute(catalog, None, "2024Q1", by=["race"], people=people, arrests=arrests,
                       metrics=["lead_eligible_arrests"], disclosure="internal")
    cells = frame[~frame.total].set_index("race").value
    assert cells.to_dict() == {"Black, African American, or African": 1, "Race unknown": 1}


def test_bad_tables_name_the_column_and_row(catalog: dm.Catalog) -> None:
    people = pd.DataFrame({"person_key": ["Jane-Roe-1990-04-01", "John-Doe-1985-02-03"],
                           "race_ethnicity": [[3], [2, 7]]})

    def refused(says: str, **tables: Any) -> None:
        with pytest.raises(divert.MetricsError) as raised:
            dm.compute(catalog, tables.pop("records", None), "2024Q1", **tables)
        assert says in str(raised.value)
        assert "Jane" not in str(raised.value)

    refused("people: the required column 'person_key' is missing", people=people.drop(columns=["person_key"]))
    refused("people row 1: 'person_key' is null", people=people.assign(person_key=["Jane-Roe-1990-04-01", None]))
    refused("people row 1: a person_key listed twice",
            people=people.assign(person_key=["Jane-Roe-1990-04-01"] * 2))
    refused("people column 'race_ethnicity': expected integers, or lists of integers",
            people=people.assign(race_ethnicity=["Black", "White"]))
    refused("arrests column 'occurred_on': expected a timestamp or a date",
            arrests=pd.DataFrame({"person_key": ["Jane-Roe-1990-04-01"], "occurred_on": ["2024-03-18"]}))
    with_people = metrics_pb2.MetricRecords()
    with_people.people.add(person_key="Jane-Roe-1990-04-01")
    refused("records: people must be empty when the people table is given", records=with_people, people=people)
    with pytest.raises(divert.MetricsError, match="encounters: a list is not a table"):
        dm.compute(catalog, None, "2024Q1", encounters=[1, 2])


_CAPI_SCRIPT = r"""
import ctypes, sys
import pyarrow.feather
lib = ctypes.CDLL(sys.argv[1])
vp = ctypes.c_void_p
lib.divert_metric_catalog_compile.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(vp)]
lib.divert_metric_catalog_compute_tables.argtypes = [vp, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
    vp, vp, vp, vp, vp, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
    ctypes.POINTER(vp), ctypes.POINTER(ctypes.c_size_t)]
lib.divert_buffer_free.argtypes = [vp]
lib.divert_last_error.restype = ctypes.c_char_p
get = ctypes.pythonapi.PyCapsule_GetPointer
get.restype = vp
get.argtypes = [ctypes.py_object, ctypes.c_char_p]
catalog_text = open(sys.argv[2], "rb").read()
records = open(sys.argv[3], "rb").read()
request = open(sys.argv[4], "rb").read()
catalog = vp()
assert lib.divert_metric_catalog_compile(catalog_text, len(catalog_text), 0, ctypes.byref(catalog)) == 0
# referrals, events, people, encounters, arrests: a file each, or "-" for NULL.
capsules = [pyarrow.feather.read_table(p).__arrow_c_stream__() if p != "-" else None for p in sys.argv[5:10]]
streams = [get(c, b"arrow_array_stream") if c is not None else None for c in capsules]
out, n = vp(), ctypes.c_size_t()
rc = lib.divert_metric_catalog_compute_tables(
    catalog, records, len(records), 2, *streams, request, len(request), 2, 2, ctypes.byref(out), ctypes.byref(n))
# Taken, whatever the result: the library released every stream it was given.
released = [ctypes.cast(s + 24, ctypes.POINTER(vp)).contents.value for s in streams if s is not None]
assert released == [None] * len(released), released
if rc != 0:
    sys.stderr.write(lib.divert_last_error().decode())
    sys.exit(3)
sys.stdout.buffer.write(ctypes.string_at(out, n.value))
lib.divert_buffer_free(out)
"""


def _capi(tmp_path: Path, records: metrics_pb2.MetricRecords, request: metrics_pb2.MetricRequest,
          **tables: pd.DataFrame) -> subprocess.CompletedProcess[bytes]:
    library = Path(os.environ.get("DIVERT_LIBRARY", REPO_ROOT / "build" / "libdivert.so"))
    assert library.exists(), f"the shared library is missing: {library}"
    (tmp_path / "records.bin").write_bytes(records.SerializeToString())
    (tmp_path / "request.bin").write_bytes(request.SerializeToString())
    paths = []
    for name in ("referrals", "events", "people", "encounters", "arrests"):
        if name not in tables:
            paths.append("-")
            continue
        path = tmp_path / f"{name}.arrow"
        pyarrow.feather.write_feather(pa.Table.from_pandas(tables[name], preserve_index=False), path)
        paths.append(str(path))
    return subprocess.run(
        [sys.executable, "-c", _CAPI_SCRIPT, str(library), str(CATALOG), str(tmp_path / "records.bin"),
         str(tmp_path / "request.bin"), *paths],
        capture_output=True)


def test_the_c_abi_gives_the_records_report(
    catalog: dm.Catalog, site: metrics_pb2.MetricRecords, tmp_path: Path
) -> None:
    people, encounters, arrests = person_frames(site)
    request = dm._request("2024", BY, "published", None)
    expected = dm.compute_report(catalog, site, "2024", by=BY)
    done = _capi(tmp_path, without(site, "people", "encounters", "arrests"), request,
                 people=people, encounters=encounters, arrests=arrests)
    assert done.returncode == 0, done.stderr
    assert metrics_pb2.MetricReport.FromString(done.stdout) == expected

    done = _capi(tmp_path, without(site, "arrests"), request, arrests=arrests.drop(columns=["occurred_on"])
                 .assign(occurred_on=["2024-01-01"] * len(arrests)))
    assert done.returncode == 3
    assert b"arrests column 'occurred_on': expected a timestamp or a date" in done.stderr

    rest, referrals, events = as_frames(site)
    done = _capi(tmp_path, rest, request, referrals=referrals)
    assert done.returncode == 3
    assert b"events: the table has no schema" in done.stderr


def test_the_command_line_reads_the_tables_from_files(
    catalog: dm.Catalog, site: metrics_pb2.MetricRecords, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The five tables from CSV, Parquet and Arrow files, the rest from a
    records file, give the report of the records file alone."""
    from google.protobuf import json_format

    import pyarrow.parquet

    from divert.cli import main

    rest, referrals, events = as_frames(site)
    people, encounters, arrests = person_frames(site)
    pyarrow.feather.write_feather(pa.Table.from_pandas(referrals, preserve_index=False),
                                  tmp_path / "referrals.arrow")
    pyarrow.parquet.write_table(pa.Table.from_pandas(events, preserve_index=False),
                                tmp_path / "events.parquet")
    pyarrow.parquet.write_table(pa.Table.from_pandas(people, preserve_index=False),
                                tmp_path / "people.parquet")
    encounters.to_csv(tmp_path / "encounters.csv", index=False)
    arrests.to_csv(tmp_path / "arrests.csv", index=False)
    (tmp_path / "all.json").write_text(json_format.MessageToJson(site))
    (tmp_path / "rest.json").write_text(
        json_format.MessageToJson(without(rest, "people", "encounters", "arrests")))

    options = ["--period", "2024", "--by", "race", "--by", "age", "--format", "json"]
    assert main(["metrics", str(tmp_path / "all.json"), *options]) == 0
    expected = capsys.readouterr().out
    tables = ["--referrals", str(tmp_path / "referrals.arrow"), "--events", str(tmp_path / "events.parquet"),
              "--people", str(tmp_path / "people.parquet"), "--encounters", str(tmp_path / "encounters.csv"),
              "--arrests", str(tmp_path / "arrests.csv")]
    assert main(["metrics", str(tmp_path / "rest.json"), *tables, *options]) == 0
    assert capsys.readouterr().out == expected
    assert '"results"' in expected
    # The PCG's quarterly report, its trends over four quarters included.
    assert main(["metrics", str(tmp_path / "all.json"), "--period", "2024Q2", "--format", "markdown"]) == 0
    expected = capsys.readouterr().out
    assert main(["metrics", str(tmp_path / "rest.json"), *tables, "--period", "2024Q2",
                 "--format", "markdown"]) == 0
    assert capsys.readouterr().out == expected

    # Without RECORDS the tables are the whole site (no settings, meetings,
    # trainings or benchmarks): the people's report is still theirs.
    people_only = ["--metric", "participants_enrolled"]
    assert main(["metrics", *tables, "--period", "2024", *people_only]) == 0
    assert capsys.readouterr().out.startswith("metric,")

    assert main(["metrics", "--period", "2024"]) == 2
    assert "give RECORDS, or the records as tables" in capsys.readouterr().err
    (tmp_path / "people.xlsx").write_text("")
    assert main(["metrics", "--people", str(tmp_path / "people.xlsx"), "--period", "2024"]) == 2
    assert "people.xlsx: a table must be .csv, .parquet or .arrow/.feather" in capsys.readouterr().err
    assert main(["metrics", str(tmp_path / "rest.json"), "--referrals", str(tmp_path / "referrals.arrow"),
                 "--period", "2024"]) == 2
    assert "give both tables, or neither" in capsys.readouterr().err
