"""Metrics as data: the LEAD logic model, computed, with race and gender at every stage.

A catalog of :class:`~divert.v1.metrics_pb2.MetricDefinition` messages (the
LEAD catalog ships with the package: :func:`lead_catalog`) is compiled once
and computed over a site's records (a ``MetricRecords`` message: the referral
log, people, encounters, meetings, arrests, trainings, benchmark populations)
for a period, broken down by up to three of ``race``, ``gender``, ``age``,
``pathway``, ``source``, ``area``, ``precinct``, ``case_manager``, ``need``::

    >>> import divert.metrics as dm
    >>> site = dm.synthetic_site(seed=1, referrals=2000)   # SYNTHETIC data
    >>> frame = dm.compute(dm.lead_catalog(), site, "2024Q1", by=["race"])
    >>> frame.loc[frame.metric == "referrals_made", ["race", "value"]]  # doctest: +SKIP

The referral log may instead come as two tables, the way a data scientist
holds it (pyarrow Tables, pandas DataFrames, or anything with
``__arrow_c_stream__``): ``referrals`` (``referral_id``, ``person_key``,
``precinct``, ``area``) and ``events`` (``referral_id``, ``occurred_at``,
``kind`` and the columns of each kind; see :data:`EVENT_COLUMNS`). They are
folded straight into the engine's fact tables, with no message per event,
and give exactly the report of the records they stand for::

    >>> frame = dm.compute(dm.lead_catalog(), settings, "2024Q1", by=["race"],
    ...                    referrals=referrals_frame, events=events_frame)  # doctest: +SKIP

People, encounters and arrests may come as tables too (``people=``,
``encounters=``, ``arrests=``; columns named as their messages' fields, see
:data:`TABLE_COLUMNS`), with or without the referral log.

Published results (the default) suppress cells describing fewer than 11
people, and a complementary cell so that no total reveals them; the
``suppression`` column says which and why. ``disclosure="internal"`` turns
suppression off for the program's own staff.
"""

from __future__ import annotations

import datetime
import functools
import importlib.resources
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence, Union

from google.protobuf import json_format, text_format

from divert import _core
from divert.errors import Error, _json_problem
from divert.v1 import metrics_pb2

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = [
    "MetricsError",
    "Catalog",
    "lead_catalog",
    "synthetic_site",
    "load_records",
    "compute",
    "compute_report",
    "report_frame",
    "report_json",
    "over_time",
    "plot_over_time",
    "plot_by_race",
    "parse_period",
    "quarters",
    "evaluate_rearrest",
    "BREAKDOWNS",
    "LABELS",
    "EVENT_COLUMNS",
    "TABLE_COLUMNS",
]

#: The names ``by=`` accepts, and the breakdown each stands for.
BREAKDOWNS: dict[str, int] = {
    "race": metrics_pb2.RACE_ETHNICITY,
    "gender": metrics_pb2.GENDER,
    "age": metrics_pb2.AGE_GROUP,
    "pathway": metrics_pb2.PATHWAY,
    "source": metrics_pb2.REFERRAL_SOURCE,
    "area": metrics_pb2.AREA,
    "precinct": metrics_pb2.PRECINCT,
    "case_manager": metrics_pb2.CASE_MANAGER,
    "need": metrics_pb2.NEED,
}
_COLUMN_OF = {number: name for name, number in BREAKDOWNS.items()}

#: Words for the codes of race, gender, age group and pathway cells.
LABELS: dict[str, str] = {
    "RACE_GROUP_AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS": "American Indian, Alaska Native, or Indigenous",
    "RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN": "Asian or Asian American",
    "RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN": "Black, African American, or African",
    "RACE_GROUP_HISPANIC_LATINA_E_O": "Hispanic/Latina/e/o",
    "RACE_GROUP_MIDDLE_EASTERN_OR_NORTH_AFRICAN": "Middle Eastern or North African",
    "RACE_GROUP_NATIVE_HAWAIIAN_OR_PACIFIC_ISLANDER": "Native Hawaiian or Pacific Islander",
    "RACE_GROUP_WHITE": "White",
    "RACE_GROUP_MULTIRACIAL": "Multiracial",
    "RACE_GROUP_UNKNOWN": "Race unknown",
    "GENDER_GROUP_WOMAN": "Woman",
    "GENDER_GROUP_MAN": "Man",
    "GENDER_GROUP_CULTURALLY_SPECIFIC_IDENTITY": "Culturally specific identity",
    "GENDER_GROUP_TRANSGENDER": "Transgender",
    "GENDER_GROUP_NON_BINARY": "Non-binary",
    "GENDER_GROUP_QUESTIONING": "Questioning",
    "GENDER_GROUP_DIFFERENT_IDENTITY": "Different identity",
    "GENDER_GROUP_MORE_THAN_ONE": "More than one gender",
    "GENDER_GROUP_UNKNOWN": "Gender unknown",
    "AGE_UNDER_18": "Under 18",
    "AGE_18_TO_24": "18-24",
    "AGE_25_TO_34": "25-34",
    "AGE_35_TO_44": "35-44",
    "AGE_45_TO_54": "45-54",
    "AGE_55_TO_64": "55-64",
    "AGE_65_AND_OVER": "65 and over",
    "AGE_UNKNOWN": "Age unknown",
    "ARREST_DIVERSION": "Arrest diversion",
    "SOCIAL_CONTACT": "Social contact",
}

#: The columns of the events table and what each holds (see
#: ``include/divert/metrics/record_columns.h``). Only the first three are
#: required; the others may be absent, and are null where a kind has no such field.
EVENT_COLUMNS: dict[str, str] = {
    "referral_id": "the referral (integers, or text: the referrals table's kind)",
    "occurred_at": "timestamp (with a time zone: dated in the site's; without: the site's wall time) or date",
    "kind": "the event: its ReferralEvent field name ('enrolled') or number (36)",
    "officer_id": "text: eligibility_recorded, social_contact_referred",
    "agency": "text: eligibility_recorded, social_contact_referred",
    "source": "text: social_contact_referred",
    "decision_id": "text: eligibility_recorded, social_contact_referred",
    "case_manager_id": "text: warm_hand_off",
    "provider": "text: service_referred",
    "service_referral_id": "text: service_referred, service_connected",
    "need": "Need number: service_referred",
    "status": "ParticipationStatus number: status_changed",
    "prosecutor_decision": "ProsecutorDecision number: prosecutor_decided",
    "arrest_outcome": "ArrestOutcome number: arrest_after_enrollment",
    "exit_reason": "ExitReason number: exited",
    "new_due": "date: extension_granted",
    "needs": "list of {need, state} numbers: initial_screening, needs_recorded",
}

#: The columns of the people, encounters and arrests tables (named as the
#: fields of ``PersonRecord``, ``EncounterRecord`` and ``ArrestRecord``); all
#: but people's ``person_key`` are optional.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "people": {
        "person_key": "text, required, each person once",
        "race_ethnicity": "RaceEthnicity numbers: a list a row, or one number",
        "gender": "Gender numbers: a list a row, or one number",
        "date_of_birth": "date",
        "comparison_group": "bool: in the evaluation's comparison group",
    },
    "encounters": {
        "decision_id": "text", "person_key": "text", "occurred_on": "date",
        "pathway": "Pathway number", "outcome": "Outcome number",
        "precinct": "text", "area": "text", "agency": "text", "officer_id": "text",
    },
    "arrests": {
        "person_key": "text", "occurred_on": "date", "citation": "bool", "booked": "bool",
        "charged": "bool", "jail_days": "integer", "lead_eligible": "bool",
        "precinct": "text", "area": "text",
    },
}
# Integer columns that pandas makes floats of when some values are missing.
_INTEGER_COLUMNS: dict[str, tuple[str, ...]] = {
    "referrals": (),
    "events": ("need", "status", "prosecutor_decision", "arrest_outcome", "exit_reason"),
    "people": ("race_ethnicity", "gender"),
    "encounters": ("pathway", "outcome"),
    "arrests": ("jail_days",),
}

Records = Union[metrics_pb2.MetricRecords, bytes, str, Path]
Period = Union[str, tuple[Union[str, datetime.date], Union[str, datetime.date]]]


class MetricsError(Error, ValueError):
    """A catalog that does not compile, or records or a request the engine refuses.

    The message names the metric (``metric x: ...``), the field, or the
    event's index and referral id; never a person's identifying values.
    """


class Catalog:
    """A compiled metric catalog: immutable, and cheap to compute with many times.

    It keeps the largest arrays of its last computation for its next (hundreds
    of megabytes at a million referrals) until it is garbage-collected.

    >>> catalog = Catalog.from_text('metrics { id: "n" records: REFERRALS kind: COUNT }')
    >>> catalog.ids
    ['n']
    """

    def __init__(self, message: metrics_pb2.MetricCatalog) -> None:
        try:
            self._compiled = _core.MetricCatalog.compile(message.SerializeToString())
        except ValueError as e:
            raise MetricsError(str(e)) from None
        self._message = message

    @classmethod
    def from_text(cls, text: str) -> Catalog:
        """A catalog in protobuf text format (as examples/metrics/lead_catalog.textproto)."""
        try:
            data = _core.metric_catalog_from_text(text)
        except ValueError as e:
            raise MetricsError(str(e)) from None
        return cls(metrics_pb2.MetricCatalog.FromString(data))

    @classmethod
    def from_file(cls, path: str | Path) -> Catalog:
        """A catalog file: text format (``.textproto``, ``.txtpb``), JSON or binary."""
        path = Path(path)
        if path.suffix == ".json":
            message = json_format.Parse(path.read_text(), metrics_pb2.MetricCatalog())
            return cls(message)
        if path.suffix in (".textproto", ".txtpb", ".pbtxt"):
            return cls.from_text(path.read_text())
        return cls(metrics_pb2.MetricCatalog.FromString(path.read_bytes()))

    @property
    def message(self) -> metrics_pb2.MetricCatalog:
        """The catalog's definitions (a copy: changing it changes nothing here)."""
        copy = metrics_pb2.MetricCatalog()
        copy.CopyFrom(self._message)
        return copy

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self._message.metrics]

    def definition(self, metric_id: str) -> metrics_pb2.MetricDefinition:
        """Metric ``metric_id``'s definition (a copy, as :attr:`message` is)."""
        for d in self._message.metrics:
            if d.id == metric_id:
                copy = metrics_pb2.MetricDefinition()
                copy.CopyFrom(d)
                return copy
        raise KeyError(metric_id)

    def __len__(self) -> int:
        return len(self._message.metrics)

    def __repr__(self) -> str:
        return f"<divert.metrics.Catalog {self._message.name!r}: {len(self)} metrics>"

    def compute_report(
        self,
        records: Records | None,
        period: Period,
        by: Sequence[str] = (),
        *,
        disclosure: str = "published",
        metrics: Iterable[str] | None = None,
        referrals: Any = None,
        events: Any = None,
        people: Any = None,
        encounters: Any = None,
        arrests: Any = None,
    ) -> metrics_pb2.MetricReport:
        """The report message for ``period`` over ``records`` (see :func:`compute`)."""
        request = _request(period, by, disclosure, metrics)
        site = _as_records(records)
        if (referrals is None) != (events is None):
            raise MetricsError("referrals and events: give both tables, or neither")
        given = {"referrals": referrals, "events": events, "people": people,
                 "encounters": encounters, "arrests": arrests}
        tables = {name: table for name, table in given.items() if table is not None}
        try:
            if not tables:
                data = self._compiled.compute(site.SerializeToString(), request.SerializeToString())
            else:
                streams = {name: _arrow_stream(table, name) for name, table in tables.items()}
                data = self._compiled.compute_tables(
                    site.SerializeToString(), streams, request.SerializeToString())
        except ValueError as e:
            raise MetricsError(str(e)) from None
        return metrics_pb2.MetricReport.FromString(data)


def _arrow_stream(table: Any, name: str) -> Any:
    """An 'arrow_array_stream' PyCapsule of a table: a pandas DataFrame, a
    pyarrow Table, or anything with ``__arrow_c_stream__``. A frame's or a
    Table's float columns of integer fields (pandas makes them of integers
    with missing values, and writes them so to Parquet) become integers."""
    try:
        import pandas as pd

        is_frame = isinstance(table, pd.DataFrame)
    except ImportError:  # pragma: no cover - pandas is optional
        is_frame = False
    if is_frame:
        import pyarrow as pa

        table = pa.Table.from_pandas(table, preserve_index=False)
    pyarrow = sys.modules.get("pyarrow")  # a pyarrow Table means pyarrow is loaded
    if pyarrow is not None and isinstance(table, pyarrow.Table):
        table = _with_integer_columns(table, name)
    if not hasattr(table, "__arrow_c_stream__"):
        raise MetricsError(
            f"{name}: a {type(table).__name__} is not a table; pass a pandas DataFrame, "
            "a pyarrow Table or RecordBatchReader, or anything with __arrow_c_stream__"
        )
    return table.__arrow_c_stream__()


def _with_integer_columns(arrow: Any, name: str) -> Any:
    """``arrow`` (a pyarrow Table) with its float columns of integer fields as integers."""
    import pyarrow as pa

    for column in _INTEGER_COLUMNS[name]:
        if column in arrow.column_names and pa.types.is_floating(arrow.schema.field(column).type):
            try:
                integers = arrow.column(column).cast(pa.int32())
            except pa.ArrowInvalid:
                raise MetricsError(f"{name} column {column!r}: expected integers, got fractions") from None
            arrow = arrow.set_column(arrow.column_names.index(column), column, integers)
    return arrow


@functools.lru_cache(maxsize=None)
def lead_catalog() -> Catalog:
    """The LEAD logic-model catalog that ships with divert (59 metrics).

    Compiled once: every call returns the same :class:`Catalog`, so that a
    notebook computing it again and again (other periods, other breakdowns)
    reuses the arrays of its last computation instead of fresh memory, which
    at a million referrals is most of a first computation's time. Those
    arrays are then kept for the life of the process; compile a catalog of
    your own (:meth:`Catalog.from_file`) to have them freed with it.
    """
    text = importlib.resources.files("divert").joinpath("data").joinpath("lead_catalog.textproto").read_text()
    return Catalog.from_text(text)


def synthetic_site(seed: int = 1, referrals: int = 1000) -> metrics_pb2.MetricRecords:
    """The bundled SYNTHETIC site: invented people and two years of referrals from 2023.

    The same ``seed`` and ``referrals`` give the same records everywhere; the
    records say ``synthetic: true`` and the site's name says SYNTHETIC.

    >>> site = synthetic_site(seed=1, referrals=100)
    >>> site.synthetic, "SYNTHETIC" in site.site
    (True, True)
    """
    try:
        data = _core.metrics_synthetic_site(seed, referrals)
    except ValueError as e:
        raise MetricsError(str(e)) from None
    return metrics_pb2.MetricRecords.FromString(data)


def _as_records(records: Records | None) -> metrics_pb2.MetricRecords:
    """``records`` as a message: itself, loaded (:func:`load_records`), or none (None)."""
    if records is None:
        return metrics_pb2.MetricRecords()
    if isinstance(records, metrics_pb2.MetricRecords):
        return records
    return load_records(records)


def load_records(source: bytes | str | Path) -> metrics_pb2.MetricRecords:
    """Records from serialized bytes, or a file: ``.json`` (proto3 JSON) or binary."""
    if isinstance(source, bytes):
        return metrics_pb2.MetricRecords.FromString(source)
    path = Path(source)
    if path.suffix == ".json":
        try:
            return json_format.Parse(path.read_text(), metrics_pb2.MetricRecords())
        except json_format.ParseError as e:
            # Never json_format's own words: they may quote a person's key.
            raise MetricsError(f"{path.name}: {_json_problem('records', e)}") from None
    if path.suffix in (".textproto", ".txtpb", ".pbtxt"):
        return text_format.Parse(path.read_text(), metrics_pb2.MetricRecords())
    return metrics_pb2.MetricRecords.FromString(path.read_bytes())


def parse_period(period: Period) -> tuple[datetime.date, datetime.date]:
    """A period as two dates, both included: ``"2024Q1"``, ``"2024"``, ``"2024-03"``,
    or a pair of dates or ISO strings.

    >>> parse_period("2024Q2")
    (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
    """
    if isinstance(period, str):
        text = period.strip()
        if m := re.fullmatch(r"(\d{4})\s*-?\s*Q([1-4])", text, re.IGNORECASE):
            year, quarter = int(m.group(1)), int(m.group(2))
            start = datetime.date(year, 3 * quarter - 2, 1)
            return start, _month_end(year, 3 * quarter)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m.group(1)), int(m.group(2))
            return datetime.date(year, month, 1), _month_end(year, month)
        if re.fullmatch(r"\d{4}", text):
            return datetime.date(int(text), 1, 1), datetime.date(int(text), 12, 31)
        raise MetricsError(f"period: {period!r} is not a year, a month (2024-03) or a quarter (2024Q1)")
    start, end = (datetime.date.fromisoformat(d) if isinstance(d, str) else d for d in period)
    return start, end


def quarters(start: str | datetime.date, end: str | datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar quarters from the one holding ``start`` to the one holding ``end``.

    >>> [f"{a:%Y-%m}" for a, _ in quarters("2023-02-01", "2023-12-31")]
    ['2023-01', '2023-04', '2023-07', '2023-10']
    """
    first = datetime.date.fromisoformat(start) if isinstance(start, str) else start
    last = datetime.date.fromisoformat(end) if isinstance(end, str) else end
    out = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while datetime.date(year, 3 * quarter - 2, 1) <= last:
        out.append(parse_period(f"{year}Q{quarter}"))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + 1, 1, 1) if month == 12 else datetime.date(year, month + 1, 1)
    return following - datetime.timedelta(days=1)


def _request(
    period: Period, by: Sequence[str], disclosure: str, metrics: Iterable[str] | None
) -> metrics_pb2.MetricRequest:
    if isinstance(by, str):
        by = [by]
    request = metrics_pb2.MetricRequest()
    start, end = parse_period(period)
    for date, message in ((start, request.period.start), (end, request.period.end)):
        message.year, message.month, message.day = date.year, date.month, date.day
    for name in by:
        if name not in BREAKDOWNS:
            raise MetricsError(f"by: {name!r} is not one of {', '.join(BREAKDOWNS)}")
        request.breakdowns.append(BREAKDOWNS[name])  # type: ignore[arg-type]
    modes = {"published": metrics_pb2.PUBLISHED, "internal": metrics_pb2.INTERNAL}
    if disclosure not in modes:
        raise MetricsError(f"disclosure: {disclosure!r} is not 'published' or 'internal'")
    request.disclosure = modes[disclosure]
    request.metric_ids.extend(metrics or ())
    return request


def compute_report(
    catalog: Catalog,
    records: Records | None,
    period: Period,
    by: Sequence[str] = (),
    *,
    disclosure: str = "published",
    metrics: Iterable[str] | None = None,
    referrals: Any = None,
    events: Any = None,
    people: Any = None,
    encounters: Any = None,
    arrests: Any = None,
) -> metrics_pb2.MetricReport:
    """The ``MetricReport`` message: what :func:`compute` turns into a data frame."""
    return catalog.compute_report(
        records, period, by, disclosure=disclosure, metrics=metrics, referrals=referrals, events=events,
        people=people, encounters=encounters, arrests=arrests,
    )


def compute(
    catalog: Catalog,
    records: Records | None,
    period: Period,
    by: Sequence[str] = (),
    *,
    disclosure: str = "published",
    metrics: Iterable[str] | None = None,
    referrals: Any = None,
    events: Any = None,
    people: Any = None,
    encounters: Any = None,
    arrests: Any = None,
) -> pd.DataFrame:
    """Computes ``catalog`` over ``records`` for ``period``; one row per metric and cell.

    ``by`` names up to three breakdowns (:data:`BREAKDOWNS`); cells cross them.
    Each metric has a total row (its breakdown columns empty) and a row per
    non-empty cell of the breakdowns it supports. Columns: ``metric``,
    ``title``, ``level``, ``unit``, the breakdowns, ``value`` (NaN when
    suppressed or undefined), ``records``, ``numerator``, ``suppression``,
    ``target`` and ``total``.

    ``metrics`` names the metrics to report (by id; the default is the whole
    catalog). Over a large site, naming a few is faster: only the fields
    they, and the metrics they are built from, read are taken from the
    records.

    ``referrals`` and ``events`` give the referral log as two tables (pandas
    DataFrames, pyarrow Tables, or anything with ``__arrow_c_stream__``;
    columns: see :data:`EVENT_COLUMNS`); ``records`` then holds the rest
    (people, encounters, meetings, arrests, settings; no events or
    subjects), or is None. ``people``, ``encounters`` and ``arrests`` may
    come as tables too, with or without the referral log (columns: see
    :data:`TABLE_COLUMNS`); ``records`` then holds none of them. A column
    that is missing, of the wrong type, or null where a value is required
    raises :class:`MetricsError` naming the table, the column and the row.
    """
    report = compute_report(
        catalog, records, period, by, disclosure=disclosure, metrics=metrics, referrals=referrals, events=events,
        people=people, encounters=encounters, arrests=arrests,
    )
    return report_frame(report)


def report_frame(report: metrics_pb2.MetricReport) -> pd.DataFrame:
    """A report as a tidy data frame (see :func:`compute`)."""
    import pandas as pd

    columns = [_COLUMN_OF[b] for b in report.breakdowns]
    start, end = _dates(report.period)
    rows: list[dict[str, Any]] = []
    for result in report.results:
        d = result.definition
        base = {
            "metric": d.id,
            "title": d.title,
            "level": metrics_pb2.LogicModelLevel.Name(d.level),
            "unit": d.unit,
            "period_start": start,
            "period_end": end,
        }
        rows.append(base | {c: None for c in columns} | _value(result.total) | {"total": True})
        for cell in result.cells:
            keys: dict[str, str | None] = {c: None for c in columns}
            for key in cell.keys:
                keys[_COLUMN_OF[key.breakdown]] = LABELS.get(key.label, key.label)
            rows.append(base | keys | _value(cell.value) | {"total": False})
    frame: pd.DataFrame = pd.DataFrame(
        rows,
        columns=["metric", "title", "level", "unit", "period_start", "period_end", *columns,
                 "value", "records", "numerator", "suppression", "target", "total"],
    )
    frame.attrs["site"] = report.site
    frame.attrs["synthetic"] = report.synthetic
    return frame


def _dates(period: metrics_pb2.Period) -> tuple[datetime.date, datetime.date]:
    return (datetime.date(period.start.year, period.start.month, period.start.day),
            datetime.date(period.end.year, period.end.month, period.end.day))


def _value(value: metrics_pb2.MetricValue) -> dict[str, Any]:
    suppression = metrics_pb2.Suppression.Name(value.suppression)
    return {
        "value": value.value if value.defined else float("nan"),
        "records": value.records,
        "numerator": value.numerator,
        "suppression": "" if suppression in ("NOT_SUPPRESSED", "SUPPRESSION_UNSPECIFIED") else suppression,
        "target": "" if value.target == 0 else metrics_pb2.TargetStatus.Name(value.target),
    }


def report_json(report: metrics_pb2.MetricReport) -> str:
    """A report in proto3 JSON (field names as in the .proto)."""
    return json_format.MessageToJson(report, preserving_proto_field_name=True)


def over_time(
    catalog: Catalog,
    records: Records | None,
    periods: Sequence[Period],
    by: Sequence[str] = (),
    *,
    metrics: Iterable[str] | None = None,
    disclosure: str = "published",
    **tables: Any,
) -> pd.DataFrame:
    """:func:`compute` for each period, in one frame (``period_start`` tells them apart).

    ``tables`` are those :func:`compute` takes (``referrals=``, ``events=``,
    ``people=``, ``encounters=``, ``arrests=``), each read once a period: data
    frames or pyarrow Tables, not a RecordBatchReader.
    """
    import pandas as pd

    site = _as_records(records)
    wanted = list(metrics) if metrics is not None else None
    frames = [compute(catalog, site, p, by, disclosure=disclosure, metrics=wanted, **tables)
              for p in periods]
    combined: pd.DataFrame = pd.concat(frames, ignore_index=True)
    return combined


def plot_over_time(frame: pd.DataFrame, metric: str, ax: Axes | None = None) -> Axes:
    """One line: ``metric``'s total by period, from :func:`over_time`'s frame."""
    import matplotlib.pyplot as plt

    rows = frame[(frame.metric == metric) & frame.total].sort_values("period_start")
    if rows.empty:
        raise MetricsError(f"the frame has no total of metric {metric!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(rows.period_start, rows.value, marker="o")
    ax.set_title(_title(frame, metric))
    ax.set_ylabel(str(rows.unit.iloc[0]))
    ax.grid(alpha=0.3)
    return ax


def plot_by_race(frame: pd.DataFrame, metric: str, ax: Axes | None = None) -> Axes:
    """One bar per race and ethnicity group for ``metric`` (a frame computed with ``by=["race"]``).

    Suppressed cells are drawn as empty bars labelled "suppressed".
    """
    import matplotlib.pyplot as plt

    if "race" not in frame.columns:
        raise MetricsError('the frame has no race breakdown: compute it with by=["race"]')
    rows = frame[(frame.metric == metric) & ~frame.total]
    if rows.empty:
        raise MetricsError(f"the frame has no race cells of metric {metric!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    values = rows.value.fillna(0)
    bars = ax.barh(rows.race.astype(str), values)
    for bar, suppressed in zip(bars, rows.suppression != ""):
        if suppressed:
            bar.set_fill(False)
            ax.annotate("suppressed", (0, bar.get_y() + bar.get_height() / 2), va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_title(_title(frame, metric))
    ax.set_xlabel(str(rows.unit.iloc[0]))
    return ax


def _title(frame: pd.DataFrame, metric: str) -> str:
    title = str(frame[frame.metric == metric].title.iloc[0])
    return f"{title} (SYNTHETIC data)" if frame.attrs.get("synthetic") else title


def evaluate_rearrest(
    records: Records,
    window: Period,
    *,
    follow_up_days: int = 365,
    min_group_size: int = 11,
) -> metrics_pb2.RearrestEvaluation:
    """Re-arrest within ``follow_up_days`` for participants against the comparison group.

    Participants are the people enrolled on a referral made in ``window``
    (index date: the referral's date); the comparison group are the people the
    records mark ``comparison_group`` (index date: their first arrest in the
    window). The result has each group's size, re-arrests and rate, the odds
    ratio with its 95% confidence interval, ``odds_reduction`` (1 - the odds
    ratio: the Seattle evaluation's "58% lower odds") and ``rate_reduction``,
    or ``reportable=False`` and a note when a group has fewer than
    ``min_group_size`` people.
    """
    request = metrics_pb2.EvaluationRequest(follow_up_days=follow_up_days, min_group_size=min_group_size)
    start, end = parse_period(window)
    for date, message in ((start, request.window.start), (end, request.window.end)):
        message.year, message.month, message.day = date.year, date.month, date.day
    site = _as_records(records)
    try:
        data = _core.metrics_evaluate_rearrest(site.SerializeToString(), request.SerializeToString())
    except ValueError as e:
        raise MetricsError(str(e)) from None
    return metrics_pb2.RearrestEvaluation.FromString(data)
