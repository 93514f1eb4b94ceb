"""The planning report: what a screened table of arrests means for a LEAD site.

Before launch, the toolkit (VII.B) asks a site to find the high-prevalence
low-level conduct in its arrest data, count the arrests that could have been
diverted, and find the "familiar faces". :class:`ReportBuilder` reads screened
record batches one at a time (so a table larger than memory is reported on in
bounded memory) and :meth:`ReportBuilder.finish` gives a :class:`PlanningReport`:

- arrests by outcome, and the *potentially divertible* ones (ELIGIBLE,
  NEEDS_INFORMATION or NEEDS_REVIEW: the charges fit the policy and nothing
  known excludes; what records cannot say, such as the person's needs or
  consent, the officer would ask) with their share of all arrests;
- the same by month and by each breakdown column of the mapping (offense,
  level, precinct, race and ethnicity, sex, age group, ...);
- exclusions and unmet criteria by rule;
- the familiar faces: people with at least N potentially divertible arrests in
  the 12 months before the data's last date, when the data has a person key
  (counted, never named);
- projected referrals per week at an assumed diversion rate, case managers
  needed at 15:1 and 25:1, and a first-year budget from the toolkit's salary
  ranges (XII.B) and its $500 per client per year in flexible funds.

A report renders as Markdown, as a standalone HTML page with bar charts, and
as JSON (:meth:`PlanningReport.to_dict`).

    >>> import pyarrow.csv
    >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
    >>> screener = divert.Screener(policy, "examples/mappings/nypd_arrests.textproto")
    >>> screened = screener.screen(pyarrow.csv.read_csv("examples/data/nypd_arrests_2017-12.csv"))
    >>> report = divert.planning_report(screened, screener)
    >>> report.arrests, report.divertible
    (19452, ...)
"""

from __future__ import annotations

import array
import datetime
import html
import importlib
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from divert.screen import Screener

__all__ = ["PlanningReport", "ReportBuilder", "Assumptions", "planning_report", "DIVERTIBLE_OUTCOMES"]

#: Outcomes that leave an arrest potentially divertible.
DIVERTIBLE_OUTCOMES = ("ELIGIBLE", "NEEDS_INFORMATION", "NEEDS_REVIEW")

# The toolkit's illustrative budget (XII.B), per FTE per year, without benefits.
_SALARIES = {
    "Project manager": (75_000, 95_000),
    "Case manager": (40_000, 60_000),
    "Outreach and intake coordinator": (40_000, 60_000),
    "Community engagement coordinator": (65_000, 85_000),
}
_CLT_STIPENDS = 2_500
_TRAVEL_PER_FTE = 2_000
_FLEXIBLE_FUNDS_PER_CLIENT = 500


@dataclass(frozen=True)
class Assumptions:
    """What the projections assume; every one is printed with the report."""

    #: The share of potentially divertible arrests that become referrals.
    diversion_rate: float = 0.10
    #: A familiar face has at least this many potentially divertible arrests
    #: in the 12 months before the data's last date.
    familiar_faces_min_arrests: int = 4


@dataclass
class Breakdown:
    """Arrests and potentially divertible arrests by the values of one column."""

    label: str
    column: str
    #: (value, arrests, divertible), most divertible first.
    rows: list[tuple[str, int, int]]


@dataclass
class PlanningReport:
    """A planning report (see the module's documentation)."""

    site_id: str
    policy_versions: list[str]
    source: str
    rows: int
    arrests: int
    not_decided: int
    by_outcome: dict[str, int]
    divertible: int
    first_day: datetime.date | None
    last_day: datetime.date | None
    by_month: list[tuple[str, int, int]]
    breakdowns: list[Breakdown]
    exclusions: list[tuple[str, str, int]]
    unmet_criteria: list[tuple[str, str, int]]
    familiar_faces: int | None
    data_issues: list[tuple[str, str, str, int]]
    assumptions: Assumptions = field(default_factory=Assumptions)

    # --- projections ----------------------------------------------------------------

    @property
    def divertible_share(self) -> float:
        return self.divertible / self.arrests if self.arrests else 0.0

    @property
    def weeks(self) -> float:
        """The weeks the data covers (its first to its last day)."""
        if self.first_day is None or self.last_day is None:
            return 0.0
        return ((self.last_day - self.first_day).days + 1) / 7

    @property
    def referrals_per_week(self) -> float:
        if not self.weeks:
            return 0.0
        return self.divertible / self.weeks * self.assumptions.diversion_rate

    @property
    def clients_first_year(self) -> int:
        """Referrals in a year, each assumed to become a participant (LEAD
        has no time limit, so a first year's clients accumulate)."""
        return round(self.referrals_per_week * 52)

    def case_managers(self, caseload: int) -> int:
        return math.ceil(self.clients_first_year / caseload) if self.clients_first_year else 0

    def budget(self, caseload: int = 15) -> list[tuple[str, float, int, int]]:
        """First-year budget lines: (line, FTEs or count, low, high), in US dollars
        without benefits, for `caseload` clients per case manager."""
        managers = self.case_managers(caseload)
        lines: list[tuple[str, float, int, int]] = []
        ftes = 0.0
        for role, (low, high) in _SALARIES.items():
            count = float(managers if role == "Case manager" else 1)
            ftes += count
            lines.append((role, count, int(low * count), int(high * count)))
        lines.append(("Community leadership team stipends", 1.0, _CLT_STIPENDS, _CLT_STIPENDS))
        lines.append(("Travel ($2,000 per staff FTE)", ftes, int(_TRAVEL_PER_FTE * ftes), int(_TRAVEL_PER_FTE * ftes)))
        clients = self.clients_first_year
        lines.append(("Flexible client funds ($500 per client)", float(clients),
                      _FLEXIBLE_FUNDS_PER_CLIENT * clients, _FLEXIBLE_FUNDS_PER_CLIENT * clients))
        return lines

    def budget_total(self, caseload: int = 15) -> tuple[int, int]:
        lines = self.budget(caseload)
        return sum(line[2] for line in lines), sum(line[3] for line in lines)

    # --- output -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for JSON)."""
        return {
            "siteId": self.site_id,
            "policyVersions": self.policy_versions,
            "source": self.source,
            "rows": self.rows,
            "arrests": self.arrests,
            "notDecided": self.not_decided,
            "byOutcome": self.by_outcome,
            "divertible": self.divertible,
            "divertibleShare": round(self.divertible_share, 4),
            "firstDay": self.first_day.isoformat() if self.first_day else None,
            "lastDay": self.last_day.isoformat() if self.last_day else None,
            "byMonth": [{"month": m, "arrests": a, "divertible": d} for m, a, d in self.by_month],
            "breakdowns": [
                {"label": b.label, "column": b.column,
                 "rows": [{"value": v, "arrests": a, "divertible": d} for v, a, d in b.rows]}
                for b in self.breakdowns
            ],
            "exclusions": [{"ruleId": r, "text": t, "arrests": n} for r, t, n in self.exclusions],
            "unmetCriteria": [{"ruleId": r, "text": t, "arrests": n} for r, t, n in self.unmet_criteria],
            "familiarFaces": self.familiar_faces,
            "dataIssues": [{"column": c, "kind": k, "value": v, "rows": n} for c, k, v, n in self.data_issues],
            "assumptions": {
                "diversionRate": self.assumptions.diversion_rate,
                "familiarFacesMinArrests": self.assumptions.familiar_faces_min_arrests,
            },
            "projection": {
                "weeks": round(self.weeks, 2),
                "referralsPerWeek": round(self.referrals_per_week, 2),
                "clientsFirstYear": self.clients_first_year,
                "caseManagers15": self.case_managers(15),
                "caseManagers25": self.case_managers(25),
                "budget15": {"low": self.budget_total(15)[0], "high": self.budget_total(15)[1]},
                "budget25": {"low": self.budget_total(25)[0], "high": self.budget_total(25)[1]},
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def summary(self) -> str:
        """A few lines for a terminal."""
        low, high = self.budget_total(15)
        lines = [
            f"{self.arrests:,} arrests screened under policy {', '.join(self.policy_versions)} "
            f"of {self.site_id}" + (f" ({self._period()})" if self.first_day else ""),
            f"  potentially divertible: {self.divertible:,} ({self.divertible_share:.1%})",
        ]
        for outcome, count in sorted(self.by_outcome.items(), key=lambda item: -item[1]):
            lines.append(f"    {outcome}: {count:,}")
        if self.not_decided:
            lines.append(f"    not decided: {self.not_decided:,}")
        lines.append(
            f"  at a {self.assumptions.diversion_rate:.0%} diversion rate: {self.referrals_per_week:.1f} "
            f"referrals a week, {self.clients_first_year:,} clients in the first year"
        )
        lines.append(
            f"  case managers: {self.case_managers(15)} at 15:1, {self.case_managers(25)} at 25:1; "
            f"first-year budget at 15:1 ${low:,} to ${high:,} (without benefits)"
        )
        if self.familiar_faces is not None:
            lines.append(
                f"  familiar faces (at least {self.assumptions.familiar_faces_min_arrests} potentially "
                f"divertible arrests in 12 months): {self.familiar_faces:,} people"
            )
        if self.source:
            lines.append(f"  data: {self.source}")
        return "\n".join(lines)

    def _period(self) -> str:
        assert self.first_day is not None and self.last_day is not None
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"

    def _sections(self) -> list[tuple[str, list[str], list[list[str]], int | None]]:
        """(title, header, rows, index of the column to chart) for each table."""
        sections: list[tuple[str, list[str], list[list[str]], int | None]] = []
        sections.append(("Arrests by outcome", ["outcome", "arrests"],
                         [[o, f"{n:,}"] for o, n in sorted(self.by_outcome.items(), key=lambda i: -i[1])], 1))
        if self.by_month:
            sections.append(("By month", ["month", "arrests", "potentially divertible", "share"],
                             [[m, f"{a:,}", f"{d:,}", share(a, d)] for m, a, d in self.by_month], 2))
        for b in self.breakdowns:
            rows = [[v, f"{a:,}", f"{d:,}", share(a, d)] for v, a, d in b.rows[:20]]
            title = f"By {b.label} ({b.column})" + (f", the 20 of {len(b.rows)} with most" if len(b.rows) > 20 else "")
            sections.append((title, [b.label, "arrests", "potentially divertible", "share"], rows, 2))
        sections.append(("Exclusions (the rule that excluded)", ["rule", "text", "arrests"],
                         [[r, t, f"{n:,}"] for r, t, n in self.exclusions], 2))
        sections.append(("Criteria not met", ["rule", "text", "arrests"],
                         [[r, t, f"{n:,}"] for r, t, n in self.unmet_criteria], 2))
        for caseload in (15, 25):
            low, high = self.budget_total(caseload)
            rows = [[line, f"{count:g}", f"${lo:,}", f"${hi:,}"] for line, count, lo, hi in self.budget(caseload)]
            rows.append(["Total", "", f"${low:,}", f"${high:,}"])
            sections.append((f"First-year budget at {caseload}:1 (salaries without benefits)",
                             ["line", "FTEs or count", "low", "high"], rows, None))
        if self.data_issues:
            sections.append(("Values the mapping could not use", ["column", "kind", "value", "rows"],
                             [[c, k, v, f"{n:,}"] for c, k, v, n in self.data_issues], None))
        return sections

    def _headline(self) -> list[str]:
        faces = (
            "The data has no person key: familiar faces cannot be counted."
            if self.familiar_faces is None
            else f"Familiar faces (at least {self.assumptions.familiar_faces_min_arrests} potentially divertible "
            f"arrests in the 12 months before the data's last day): {self.familiar_faces:,} people."
        )
        return [
            f"{self.arrests:,} arrests" + (f" from {self._period()}" if self.first_day else "")
            + f", screened against policy {', '.join(self.policy_versions)} of {self.site_id}.",
            f"Potentially divertible (ELIGIBLE, NEEDS_INFORMATION or NEEDS_REVIEW): {self.divertible:,} "
            f"({self.divertible_share:.1%} of all arrests).",
            f"At an assumed diversion rate of {self.assumptions.diversion_rate:.0%}: "
            f"{self.referrals_per_week:.1f} referrals a week, {self.clients_first_year:,} clients in the first "
            f"year, {self.case_managers(15)} case managers at 15:1 or {self.case_managers(25)} at 25:1.",
            faces,
        ]

    def to_markdown(self) -> str:
        out = [f"# Planning report: {self.site_id}", ""]
        out += [f"- {line}" for line in self._headline()]
        if self.source:
            out += [f"- Data: {self.source}."]
        out.append("")
        for title, header, rows, _ in self._sections():
            out += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
            out.append("")
        return "\n".join(out)

    def to_html(self) -> str:
        e = html.escape
        parts = [
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
            f"<title>Planning report: {e(self.site_id)}</title><style>",
            "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}",
            "table{border-collapse:collapse;margin:0 0 2rem}td,th{border-bottom:1px solid #ddd;padding:.25rem .6rem;"
            "text-align:left}td.bar{width:14rem}.bar span{display:inline-block;height:.8rem;background:#4a7ab7}",
            "</style></head><body>",
            f"<h1>Planning report: {e(self.site_id)}</h1><ul>",
        ]
        parts += [f"<li>{e(line)}</li>" for line in self._headline()]
        if self.source:
            parts.append(f"<li>Data: {e(self.source)}.</li>")
        parts.append("</ul>")
        for title, header, rows, chart in self._sections():
            parts.append(f"<h2>{e(title)}</h2><table><tr>")
            parts += [f"<th>{e(h)}</th>" for h in header]
            if chart is not None:
                parts.append("<th></th>")
            parts.append("</tr>")
            top = max((_number(row[chart]) for row in rows), default=0) if chart is not None else 0
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row))
                if chart is not None:
                    width = 100 * _number(row[chart]) / top if top else 0
                    parts.append(f"<td class=\"bar\"><span style=\"width:{width:.1f}%\"></span></td>")
                parts.append("</tr>")
            parts.append("</table>")
        parts.append("</body></html>")
        return "\n".join(parts)


def share(arrests: int, divertible: int) -> str:
    """The divertible share as a percentage, "-" without arrests."""
    return f"{divertible / arrests:.1%}" if arrests else "-"


def _number(text: str) -> float:
    try:
        return float(text.replace(",", "").replace("$", ""))
    except ValueError:
        return 0.0


class ReportBuilder:
    """Accumulates screened record batches into a :class:`PlanningReport`."""

    def __init__(self, screener: Screener, assumptions: Assumptions | None = None) -> None:
        self._screener = screener
        self.assumptions = assumptions or Assumptions()
        mapping = screener.mapping.message
        self._breakdowns = [(b.label, b.column) for b in mapping.breakdowns]
        self._person_column = mapping.person_key_column
        self._date_column = ""
        self._date_format = ""
        for feed in mapping.columns:
            if feed.field == "occurred_at":
                self._date_column, self._date_format = feed.column, feed.time_format
        self._arrests = 0
        self._versions: set[str] = set()
        self._outcomes: Counter[str] = Counter()
        self._decisive: Counter[tuple[str, str]] = Counter()
        self._by_value: dict[str, Counter[tuple[str, bool]]] = defaultdict(Counter)
        self._by_month: Counter[tuple[str, bool]] = Counter()
        self._first: datetime.date | None = None
        self._last: datetime.date | None = None
        # (person key, day) of potentially divertible arrests (keys stay here).
        self._person_days = _PersonDays()

    def add(self, batch: Any) -> None:
        """Adds one screened pyarrow RecordBatch (or Table). Counting is done
        by pyarrow's compute functions, a column at a time.

        Nothing here converts Python values to Arrow (``pyarrow.array``,
        ``pyarrow.scalar``, a Python value as a compute argument) or groups
        with ``Table.group_by``: those import pandas, which would more than
        double the memory of ``divert screen``."""
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        if "charge_index" in batch.column_names:
            first = pc.less_equal(batch.column("charge_index"), _int32_scalar(0))
            batch = batch.filter(pc.or_kleene(pc.is_null(batch.column("charge_index")), first))
        self._arrests += batch.num_rows
        outcome = pc.cast(batch.column("outcome"), pa.string())
        divertible = pc.is_in(outcome, value_set=_string_array(DIVERTIBLE_OUTCOMES))
        versions = pc.unique(pc.cast(batch.column("policy_version"), pa.string())).to_pylist()
        self._versions.update(str(v) for v in versions if v is not None)
        rules = pc.cast(batch.column("decisive_rules"), pa.string())
        pairs = pc.binary_join_element_wise(outcome, rules, _string_array([_SEPARATOR])[0],
                                            null_handling="replace", null_replacement="")
        for pair, count in _value_counts(pairs).items():
            outcome_name, _, rule_ids = (pair or "").partition(_SEPARATOR)
            if not outcome_name:
                continue
            self._outcomes[outcome_name] += count
            if outcome_name in ("EXCLUDED", "NOT_ELIGIBLE") and rule_ids:
                for rule in rule_ids.split(", "):
                    self._decisive[(outcome_name, rule)] += count
        for label, column in self._breakdowns:
            values = pc.cast(batch.column(column), pa.string())
            _count_into(self._by_value[label], values, divertible, "")
        if self._date_column:
            times = self._times(batch.column(self._date_column))
            _count_into(self._by_month, pc.strftime(times, format="%Y-%m"), divertible, None)
            bounds = pc.min_max(times).as_py()
            for day in (bounds["min"], bounds["max"]):
                if day is None:
                    continue
                day = day.date()
                self._first = day if self._first is None or day < self._first else self._first
                self._last = day if self._last is None or day > self._last else self._last
            if self._person_column and self._last is not None:
                people = batch.column(self._person_column)
                keep = pc.and_(divertible, pc.and_(pc.is_valid(people), pc.is_valid(times)))
                self._person_days.add(people.filter(keep), pc.cast(times.filter(keep), pa.date32()), self._last)

    def _times(self, column: Any) -> Any:
        """The date column as timestamps (dates at midnight)."""
        pc = importlib.import_module("pyarrow.compute")
        pa = importlib.import_module("pyarrow")
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            if self._date_format:
                return pc.strptime(column, format=self._date_format, unit="s", error_is_null=True)
            return pc.cast(pc.cast(column, pa.timestamp("s", tz="UTC")), pa.timestamp("s"))
        if pa.types.is_timestamp(column.type):
            return column
        return pc.cast(column, pa.timestamp("s"))

    def finish(self) -> PlanningReport:
        """The report of everything added (and the screener's summary)."""
        policy = self._screener.policy
        summary = self._screener.summary
        texts: dict[str, str] = {}
        for version in policy.site_policy.versions:
            for rule in version.rules:
                texts.setdefault(rule.id, rule.text)

        def counted(outcome: str) -> list[tuple[str, str, int]]:
            rows = [(rule, texts.get(rule, ""), n) for (o, rule), n in self._decisive.items() if o == outcome]
            return sorted(rows, key=lambda r: -r[2])

        breakdowns = []
        for label, column in self._breakdowns:
            counter = self._by_value[label]
            values = {v for v, _ in counter}
            rows = [(v, counter[(v, True)] + counter[(v, False)], counter[(v, True)]) for v in values]
            breakdowns.append(Breakdown(label, column, sorted(rows, key=lambda r: (-r[2], -r[1], r[0]))))
        months = sorted({m for m, _ in self._by_month})
        by_month = [(m, self._by_month[(m, True)] + self._by_month[(m, False)], self._by_month[(m, True)])
                    for m in months]
        faces: int | None = None
        if self._person_column and self._last is not None:
            faces = self._person_days.people_with(self.assumptions.familiar_faces_min_arrests, self._last)
        kind = importlib.import_module("divert.v1.screening_pb2").ColumnIssue.Kind
        issues = [(i.column, kind.Name(i.kind), i.value, i.rows) for i in summary.issues]
        return PlanningReport(
            site_id=policy.site_id,
            policy_versions=sorted(self._versions) or list(policy.versions),
            source=self._screener.mapping.source,
            rows=summary.rows,
            arrests=self._arrests,
            not_decided=self._arrests - sum(self._outcomes.values()),
            by_outcome=dict(self._outcomes),
            divertible=sum(n for o, n in self._outcomes.items() if o in DIVERTIBLE_OUTCOMES),
            first_day=self._first,
            last_day=self._last,
            by_month=by_month,
            breakdowns=breakdowns,
            exclusions=counted("EXCLUDED"),
            unmet_criteria=counted("NOT_ELIGIBLE"),
            familiar_faces=faces,
            data_issues=issues,
            assumptions=self.assumptions,
        )


class _PersonDays:
    """The person keys and days of potentially divertible arrests, as Arrow
    arrays. Only the 12 months before the data's last day count, so days a
    year or more before the latest day seen so far are dropped as batches
    come: in data spanning years, about a year's arrests are kept."""

    def __init__(self, prune_after: int = 1 << 20) -> None:
        self._people: list[Any] = []
        self._days: list[Any] = []
        self._rows = 0
        self._kept = 0
        # Drops old days when this many rows came since the last time.
        self._prune_after = prune_after

    def add(self, people: Any, days: Any, latest: datetime.date) -> None:
        self._people += people.chunks
        self._days += days.chunks
        self._rows += len(people)
        if self._rows > 2 * self._kept + self._prune_after:
            people, days = self._within_a_year_of(latest)
            self._people, self._days = people.chunks, days.chunks
            self._rows = self._kept = len(people)

    def people_with(self, minimum: int, last: datetime.date) -> int:
        """How many people have at least `minimum` days in the 12 months
        before `last`."""
        if not self._people:
            return 0
        pc = importlib.import_module("pyarrow.compute")
        people, _ = self._within_a_year_of(last)
        counts = pc.value_counts(people).field("counts")  # counted in Arrow: one key per person
        return int(pc.sum(pc.greater_equal(counts, _int64_scalar(minimum))).as_py() or 0)

    def _within_a_year_of(self, last: datetime.date) -> tuple[Any, Any]:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
        people = pa.chunked_array(self._people)
        days = pa.chunked_array(self._days, type=pa.date32())
        recent = pc.greater(days, _date32_scalar(last - datetime.timedelta(days=365)))
        return people.filter(recent), days.filter(recent)


# --- building small Arrow values without pyarrow.array ---------------------------------

# Joins an outcome and its decisive rules into one value to count.
_SEPARATOR = "\x1f"


def _string_array(values: Any) -> Any:
    """A pyarrow string array of `values`, made from its buffers."""
    pa = importlib.import_module("pyarrow")
    encoded = [str(v).encode("utf-8") for v in values]
    offsets = array.array("i", [0])
    for value in encoded:
        offsets.append(offsets[-1] + len(value))
    return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def _int32_scalar(value: int) -> Any:
    pa = importlib.import_module("pyarrow")
    return pa.Array.from_buffers(pa.int32(), 1, [None, pa.py_buffer(array.array("i", [value]))])[0]


def _int64_scalar(value: int) -> Any:
    pa = importlib.import_module("pyarrow")
    return pa.Array.from_buffers(pa.int64(), 1, [None, pa.py_buffer(array.array("q", [value]))])[0]


def _date32_scalar(day: datetime.date) -> Any:
    pa = importlib.import_module("pyarrow")
    days = day.toordinal() - datetime.date(1970, 1, 1).toordinal()
    return pa.Array.from_buffers(pa.date32(), 1, [None, pa.py_buffer(array.array("i", [days]))])[0]


def _value_counts(values: Any) -> dict[Any, int]:
    counts = importlib.import_module("pyarrow.compute").value_counts(values)
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()))


def _count_into(counter: Counter[tuple[Any, bool]], values: Any, divertible: Any, null: Any) -> None:
    """Adds (value, potentially divertible) counts of `values` to `counter`;
    a null value counts as `null`, or not at all when `null` is None."""
    every = _value_counts(values)
    chosen = _value_counts(values.filter(divertible))
    for value, count in every.items():
        key = null if value is None else value
        if key is None:
            continue
        counter[(key, True)] += chosen.get(value, 0)
        counter[(key, False)] += count - chosen.get(value, 0)


def planning_report(screened: Any, screener: Screener, assumptions: Assumptions | None = None) -> PlanningReport:
    """The planning report of `screened` (a pyarrow Table or RecordBatchReader,
    or a pandas or polars DataFrame, screened by `screener`)."""
    builder = ReportBuilder(screener, assumptions)
    pa = importlib.import_module("pyarrow")
    if isinstance(screened, pa.RecordBatchReader):
        for batch in screened:
            builder.add(batch)
    elif isinstance(screened, pa.Table):
        builder.add(screened)
    else:
        builder.add(pa.table(screened))
    return builder.finish()
