"""The quarterly report for the Policy Coordinating Group, from a metric catalog.

:func:`quarterly_report` computes a catalog for one quarter (with race and
ethnicity), and for the quarters before it, and renders Markdown or a
standalone HTML page with its charts embedded (PNG images inside the page):

    >>> import divert.metrics as dm
    >>> from divert.metrics_report import quarterly_report
    >>> report = quarterly_report(dm.lead_catalog(), dm.synthetic_site(referrals=3000), "2024Q1")
    >>> report.markdown().splitlines()[0]  # doctest: +SKIP
    '# LEAD quarterly report: Lakeside County LEAD (SYNTHETIC), 2024 Q1'

Values follow the published disclosure rule: cells describing fewer than 11
people are shown as "suppressed".
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from divert import metrics as dm

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["QuarterlyReport", "quarterly_report"]

_LEVELS = [
    ("OUTPUT", "Outputs: what the program delivers"),
    ("PARTICIPANT_OUTCOME", "Participant outcomes"),
    ("PROGRAM_OUTCOME", "Program outcomes, racial equity within LEAD"),
    ("SYSTEM_OUTCOME", "System outcomes"),
]
# The equity set: race at each stage (logic model 001).
_STAGES = ["eligible_arrests", "arrest_diversions", "social_contact_referrals", "enrolments",
           "participants_enrolled", "service_connections"]
_TREND = ["referrals_made", "enrolments", "participants_enrolled"]


@dataclass
class QuarterlyReport:
    """A quarter's metrics (``frame``, by race) and the quarters before it (``history``)."""

    site: str
    synthetic: bool
    quarter: tuple[datetime.date, datetime.date]
    frame: pd.DataFrame
    history: pd.DataFrame

    @property
    def title(self) -> str:
        start = self.quarter[0]
        return f"LEAD quarterly report: {self.site}, {start.year} Q{(start.month - 1) // 3 + 1}"

    def markdown(self) -> str:
        """The report in Markdown, charts as embedded PNG images."""
        lines = [f"# {self.title}", ""]
        if self.synthetic:
            lines += ["> **SYNTHETIC DATA.** Every person and record in this report is invented.", ""]
        lines += [f"Period: {self.quarter[0]:%d %B %Y} to {self.quarter[1]:%d %B %Y}. "
                  "Cells describing fewer than 11 people are suppressed.", ""]
        for level, heading in _LEVELS:
            rows = self._totals(level)
            if not rows:
                continue
            lines += [f"## {heading}", "", "| Metric | Value | Target |", "|---|---:|---|"]
            lines += [f"| {title} | {value} | {target} |" for title, value, target in rows]
            lines.append("")
        lines += ["## Race and ethnicity at every stage", "", self._stages_markdown(), ""]
        lines += ["## Trends", "", f"![Trends]({self._trend_png()})", ""]
        lines += ["## Participants against the jail population", "",
                  f"![Disparity]({self._disparity_png()})", ""]
        return "\n".join(lines)

    def html(self) -> str:
        """A standalone HTML page: tables, and charts embedded as PNG images."""
        parts = [f"<h1>{html.escape(self.title)}</h1>"]
        if self.synthetic:
            parts.append('<p class="synthetic"><strong>SYNTHETIC DATA.</strong> '
                         "Every person and record in this report is invented.</p>")
        parts.append(f"<p>Period: {self.quarter[0]:%d %B %Y} to {self.quarter[1]:%d %B %Y}. "
                     "Cells describing fewer than 11 people are suppressed.</p>")
        for level, heading in _LEVELS:
            rows = self._totals(level)
            if not rows:
                continue
            parts.append(f"<h2>{html.escape(heading)}</h2><table><tr><th>Metric</th>"
                         "<th>Value</th><th>Target</th></tr>")
            parts += [f"<tr><td>{html.escape(t)}</td><td class=num>{html.escape(v)}</td>"
                      f"<td>{html.escape(g)}</td></tr>" for t, v, g in rows]
            parts.append("</table>")
        parts.append("<h2>Race and ethnicity at every stage</h2>")
        parts.append(self._stages_frame().to_html(na_rep="", escape=True))
        parts.append(f'<h2>Trends</h2><img alt="Trends" src="{self._trend_png()}">')
        parts.append("<h2>Participants against the jail population</h2>"
                     f'<img alt="Disparity" src="{self._disparity_png()}">')
        style = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
                 "table{border-collapse:collapse;margin:0.5rem 0}td,th{border:1px solid #ccc;"
                 "padding:0.2rem 0.5rem}td.num{text-align:right}.synthetic{background:#fff3cd;"
                 "padding:0.5rem}")
        return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(self.title)}"
                f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")

    def _totals(self, level: str) -> list[tuple[str, str, str]]:
        rows = self.frame[self.frame.total & (self.frame.level == level)]
        return [(str(r.title), _format(r.value, str(r.unit), str(r.suppression)),
                 str(r.target).replace("_", " ").lower()) for r in rows.itertuples()]

    def _stages_frame(self) -> pd.DataFrame:
        cells = self.frame[~self.frame.total & self.frame.metric.isin(_STAGES)]
        table = cells.pivot_table(index="race", columns="metric", values="value", aggfunc="first")
        ordered: pd.DataFrame = table.reindex(columns=[m for m in _STAGES if m in table.columns])
        return ordered

    def _stages_markdown(self) -> str:
        table = self._stages_frame()
        head = "| Race and ethnicity | " + " | ".join(table.columns) + " |"
        rule = "|---|" + "---:|" * len(table.columns)
        body = ["| " + str(race) + " | " + " | ".join(
            "suppressed" if isinstance(v, float) and math.isnan(v) else f"{v:,.0f}" for v in row) + " |"
                for race, row in table.iterrows()]
        return "\n".join([head, rule, *body])

    def _trend_png(self) -> str:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.2))
        for metric in _TREND:
            rows = self.history[(self.history.metric == metric) & self.history.total]
            ax.plot(rows.period_start, rows.value, marker="o", label=str(rows.title.iloc[0]))
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_title("By quarter" + (" (SYNTHETIC data)" if self.synthetic else ""))
        return _png(fig)

    def _disparity_png(self) -> str:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 3.2))
        dm.plot_by_race(self.frame, "participants_vs_jail_disparity", ax=ax)
        ax.axvline(1.0, color="#888", linestyle="--")
        return _png(fig)


def _png(fig: object) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _format(value: float, unit: str, suppression: str) -> str:
    if suppression:
        return "suppressed"
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if unit == "share":
        return f"{100 * value:.1f}%"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def quarterly_report(
    catalog: dm.Catalog, records: dm.Records | None, quarter: str, *,
    quarters_of_history: int = 4, **tables: Any,
) -> QuarterlyReport:
    """The report for ``quarter`` ("2024Q1"), with ``quarters_of_history`` quarters of trends.

    ``tables`` are those :func:`divert.metrics.compute` takes (``referrals=``,
    ``events=``, ``people=``, ``encounters=``, ``arrests=``; data frames or
    pyarrow Tables, read once a quarter); ``records`` then holds the rest, or is None.
    """
    site = dm._as_records(records)
    start, end = dm.parse_period(quarter)
    frame = dm.compute(catalog, site, (start, end), by=["race"], **tables)
    first = datetime.date(start.year - (quarters_of_history + 3) // 4, 1, 1)
    periods: list[dm.Period] = list(dm.quarters(first, end)[-quarters_of_history:])
    history = dm.over_time(catalog, site, periods, metrics=_TREND, **tables)
    return QuarterlyReport(site.site, site.synthetic, (start, end), frame, history)
