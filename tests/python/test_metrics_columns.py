"""divert.metrics over the referral log as tables: pandas DataFrames and pyarrow
Tables of referrals and events give exactly the report of the records they
stand for (the fixture site and the synthetic site), through the Python door
and the C ABI (ctypes, in a fresh interpreter); bad tables are refused with
the table, column and row named, never a person's key."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pyarrow as pa
import pyarrow.feather
import pytest

import divert
import divert.metrics as dm
from divert.v1 import metrics_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = REPO_ROOT / "examples" / "metrics" / "fixture_site.json"
CATALOG = REPO_ROOT / "examples" / "metrics" / "lead_catalog.textproto"

# Which event fields go to which column, by kind.
_TEXT_FIELDS = {
    "eligibility_recorded": ("officer_id", "agency", "decision_id"),
    "social_contact_referred": ("source", "officer_id", "agency", "decision_id"),
    "warm_hand_off": ("case_manager_id",),
    "service_referred": ("service_referral_id", "provider"),
    "service_connected": ("service_referral_id",),
}
_NUMBER_FIELDS = {
    "service_referred": ("need", "need"),
    "status_changed": ("status", "status"),
    "prosecutor_decided": ("decision", "prosecutor_decision"),
    "arrest_after_enrollment": ("outcome", "arrest_outcome"),
    "exited": ("reason", "exit_reason"),
}


def as_frames(records: metrics_pb2.MetricRecords) -> tuple[metrics_pb2.MetricRecords, pd.DataFrame, pd.DataFrame]:
    """The records' referral log as a data scientist would hold it: two data frames."""
    subjects = {s.referral_id: s for s in records.subjects}
    ids = list(subjects) + [e.referral_id for e in records.events if e.referral_id not in subjects]
    ids = list(dict.fromkeys(ids))
    referrals = pd.DataFrame({
        "referral_id": ids,
        "person_key": [subjects[i].person_key if i in subjects else None for i in ids],
        "precinct": [subjects[i].precinct if i in subjects else None for i in ids],
        "area": [subjects[i].area if i in subjects else None for i in ids],
    })
    rows: list[dict[str, Any]] = []
    for e in records.events:
        kind = e.WhichOneof("event")
        payload = getattr(e, kind)
        row: dict[str, Any] = {
            "referral_id": e.referral_id,
            "occurred_at": pd.Timestamp(e.occurred_at.seconds, unit="s", tz="UTC"),
            "kind": kind,
        }
        for field in _TEXT_FIELDS.get(kind, ()):
            row[field] = getattr(payload, field)
        if kind in _NUMBER_FIELDS:
            field, column = _NUMBER_FIELDS[kind]
            row[column] = getattr(payload, field)
        if kind == "extension_granted" and payload.HasField("new_due"):
            d = payload.new_due
            row["new_due"] = datetime.date(d.year, d.month, d.day)
        if kind in ("initial_screening", "needs_recorded"):
            row["needs"] = [{"need": n.need, "state": n.state} for n in payload.needs]
        rows.append(row)
    events = pd.DataFrame(rows)
    rest = metrics_pb2.MetricRecords()
    rest.CopyFrom(records)
    del rest.events[:]
    del rest.subjects[:]
    return rest, referrals, events


@pytest.fixture(scope="module")
def catalog() -> dm.Catalog:
    return dm.lead_catalog()


@pytest.fixture(scope="module")
def fixture_site() -> metrics_pb2.MetricRecords:
    return dm.load_records(FIXTURE)


@pytest.mark.parametrize("by", [["race", "gender", "pathway"], ["case_manager", "precinct", "source"]])
def test_fixture_frames_give_the_records_report(
    catalog: dm.Catalog, fixture_site: metrics_pb2.MetricRecords, by: list[str]
) -> None:
    rest, referrals, events = as_frames(fixture_site)
    expected = dm.compute_report(catalog, fixture_site, "2024Q1", by=by)
    actual = dm.compute_report(catalog, rest, "2024Q1", by=by, referrals=referrals, events=events)
    assert actual == expected
    frame = dm.compute(catalog, rest, "2024Q1", by=by, referrals=referrals, events=events)
    pd.testing.assert_frame_equal(frame, dm.report_frame(expected))


def test_synthetic_site_as_arrow_tables_with_codes(catalog: dm.Catalog) -> None:
    """Dictionary-encoded ids and text, kinds as field numbers, a date column."""
    site = dm.synthetic_site(seed=3, referrals=400)
    rest, referrals, events = as_frames(site)
    event_type = metrics_pb2.MetricRecords.DESCRIPTOR.fields_by_name["events"].message_type
    assert event_type is not None
    numbers = {f.name: f.number for f in event_type.oneofs_by_name["event"].fields}
    events["kind"] = events["kind"].map(numbers).astype("int8")
    for column in ("referral_id", "officer_id", "agency", "source", "case_manager_id", "provider"):
        events[column] = events[column].astype("category")
    for column in ("need", "status", "prosecutor_decision", "arrest_outcome", "exit_reason"):
        events[column] = events[column].astype("Int32")
    table = pa.Table.from_pandas(events, preserve_index=False)
    expected = dm.compute_report(catalog, site, "2024", by=["race", "gender", "pathway"])
    actual = dm.compute_report(catalog, rest, "2024", by=["race", "gender", "pathway"],
                               referrals=pa.Table.from_pandas(referrals, preserve_index=False), events=table)
    assert actual == expected
    assert actual.results[0].total.records > 0


def test_events_in_many_batches_give_the_records_report(catalog: dm.Catalog) -> None:
    """An events stream of many record batches: sharing one dictionary of
    referral ids bigger than each batch, or each with a dictionary of its own."""
    site = dm.synthetic_site(seed=5, referrals=300)
    rest, referrals, events = as_frames(site)
    referral_table = pa.Table.from_pandas(referrals, preserve_index=False)
    events["referral_id"] = events["referral_id"].astype("category")
    for column in ("need", "status", "prosecutor_decision", "arrest_outcome", "exit_reason"):
        events[column] = events[column].astype("Int32")
    table = pa.Table.from_pandas(events, preserve_index=False).combine_chunks()
    expected = dm.compute_report(catalog, site, "2024", by=["race", "pathway"])

    def id_dictionary_size(batch: pa.RecordBatch) -> int:
        return len(cast("pa.DictionaryArray[Any, Any]", batch.column("referral_id")).dictionary)

    shared = table.to_batches(max_chunksize=97)
    assert len(shared) > 10
    assert id_dictionary_size(shared[0]) > 97
    reader = pa.RecordBatchReader.from_batches(table.schema, shared)
    assert dm.compute_report(catalog, rest, "2024", by=["race", "pathway"],
                             referrals=referral_table, events=reader) == expected

    own = [batch.set_column(0, "referral_id", batch.column("referral_id").cast(pa.string()).dictionary_encode())
           for batch in table.to_batches(max_chunksize=1000)]
    assert len(own) > 1 and id_dictionary_size(own[0]) < id_dictionary_size(shared[0])
    reader = pa.RecordBatchReader.from_batches(own[0].schema, own)
    assert dm.compute_report(catalog, rest, "2024", by=["race", "pathway"],
                             referrals=referral_table, events=reader) == expected


def test_bad_tables_name_the_column_and_row(catalog: dm.Catalog) -> None:
    referrals = pd.DataFrame({"referral_id": ["R1"], "person_key": ["Jane-Roe-1990-04-01"]})
    events = pd.DataFrame({
        "referral_id": ["R1", "R1"],
        "occurred_at": pd.to_datetime(["2024-01-02 10:00", "2024-01-03 10:00"], utc=True),
        "kind": ["eligibility_recorded", "offer_made"],
    })
    assert dm.compute(catalog, None, "2024Q1", referrals=referrals, events=events, metrics=["referrals_made"],
                      disclosure="internal").value.iloc[0] == 1

    def refused(bad_events: Any, says: str) -> None:
        with pytest.raises(divert.MetricsError) as raised:
            dm.compute(catalog, None, "2024Q1", referrals=referrals, events=bad_events)
        assert says in str(raised.value)
        assert "Jane" not in str(raised.value)

    refused(events.drop(columns=["kind"]), "events: the required column 'kind' is missing")
    refused(events.assign(occurred_at=["2024-01-02", "2024-01-03"]),
            "events column 'occurred_at': expected a timestamp or a date")
    refused(events.assign(referral_id=["R1", "R2"]),
            "events row 1: 'referral_id' is not a referral of the referrals table")
    refused(events.assign(occurred_at=[events.occurred_at[0], pd.NaT]), "events row 1: 'occurred_at' is null")
    refused(events.assign(kind=["eligibility_recorded", "offer"]), "events row 1: 'kind' 'offer' is not an event")
    refused(events.assign(need=[1.5, None]), "events column 'need': expected integers, got fractions")
    refused(_with_bad_officer_ids(events),
            "events column 'officer_id' is not a valid Arrow array: dictionary index 7 of row 1 "
            "is not in its dictionary of 1")
    with pytest.raises(divert.MetricsError, match="give both tables"):
        dm.compute(catalog, None, "2024Q1", events=events)
    with pytest.raises(divert.MetricsError, match="events: a list is not a table"):
        dm.compute(catalog, None, "2024Q1", referrals=referrals, events=[1, 2])


def _with_bad_officer_ids(events: pd.DataFrame) -> pa.Table:
    """`events` as a table with an officer_id column whose row 1 has an index outside its dictionary."""
    indices = [7 if row == 1 else 0 for row in range(len(events))]
    bad = pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(["o1"]), safe=False)
    return pa.Table.from_pandas(events, preserve_index=False).append_column("officer_id", bad)


_CAPI_SCRIPT = r"""
import ctypes, sys
import pyarrow.feather
lib = ctypes.CDLL(sys.argv[1])
vp = ctypes.c_void_p
lib.divert_metric_catalog_compile.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(vp)]
lib.divert_metric_catalog_compute_arrow.argtypes = [vp, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, vp, vp,
    ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.POINTER(vp), ctypes.POINTER(ctypes.c_size_t)]
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
referrals = pyarrow.feather.read_table(sys.argv[5]).__arrow_c_stream__()
events = pyarrow.feather.read_table(sys.argv[6]).__arrow_c_stream__()
out, n = vp(), ctypes.c_size_t()
rc = lib.divert_metric_catalog_compute_arrow(
    catalog, records, len(records), 2, get(referrals, b"arrow_array_stream"), get(events, b"arrow_array_stream"),
    request, len(request), 2, 2, ctypes.byref(out), ctypes.byref(n))
# Taken, whatever the result: the library released both streams.
released = [ctypes.cast(get(c, b"arrow_array_stream") + 24, ctypes.POINTER(vp)).contents.value
            for c in (referrals, events)]
assert released == [None, None], released
if rc != 0:
    sys.stderr.write(lib.divert_last_error().decode())
    sys.exit(3)
sys.stdout.buffer.write(ctypes.string_at(out, n.value))
lib.divert_buffer_free(out)
"""


def _capi(tmp_path: Path, rest: metrics_pb2.MetricRecords, referrals: pd.DataFrame,
          events: pd.DataFrame | pa.Table,
          request: metrics_pb2.MetricRequest) -> subprocess.CompletedProcess[bytes]:
    library = Path(os.environ.get("DIVERT_LIBRARY", REPO_ROOT / "build" / "libdivert.so"))
    assert library.exists(), f"the shared library is missing: {library}"
    (tmp_path / "records.bin").write_bytes(rest.SerializeToString())
    (tmp_path / "request.bin").write_bytes(request.SerializeToString())
    pyarrow.feather.write_feather(pa.Table.from_pandas(referrals, preserve_index=False), tmp_path / "referrals.arrow")
    if isinstance(events, pd.DataFrame):
        integers = {c: "Int32" for c in ("need", "status", "prosecutor_decision", "arrest_outcome", "exit_reason")
                    if c in events}
        events = pa.Table.from_pandas(events.astype(integers), preserve_index=False)
    pyarrow.feather.write_feather(events, tmp_path / "events.arrow")
    return subprocess.run(
        [sys.executable, "-c", _CAPI_SCRIPT, str(library), str(CATALOG), str(tmp_path / "records.bin"),
         str(tmp_path / "request.bin"), str(tmp_path / "referrals.arrow"), str(tmp_path / "events.arrow")],
        capture_output=True)


def test_the_c_abi_gives_the_records_report(
    catalog: dm.Catalog, fixture_site: metrics_pb2.MetricRecords, tmp_path: Path
) -> None:
    rest, referrals, events = as_frames(fixture_site)
    request = dm._request("2024Q1", ["race", "gender", "pathway"], "published", None)
    done = _capi(tmp_path, rest, referrals, events, request)
    assert done.returncode == 0, done.stderr
    expected = dm.compute_report(catalog, fixture_site, "2024Q1", by=["race", "gender", "pathway"])
    assert metrics_pb2.MetricReport.FromString(done.stdout) == expected

    done = _capi(tmp_path, rest, referrals, events.drop(columns=["occurred_at"]), request)
    assert done.returncode == 3
    assert b"events: the required column 'occurred_at' is missing" in done.stderr

    done = _capi(tmp_path, rest, referrals, _with_bad_officer_ids(events.drop(columns=["officer_id"])), request)
    assert done.returncode == 3
    assert b"events column 'officer_id' is not a valid Arrow array: dictionary index 7 of row 1" in done.stderr
