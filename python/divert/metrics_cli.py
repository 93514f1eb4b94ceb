"""The ``divert metrics`` command (see divert.cli).

  divert metrics [RECORDS] --period PERIOD [--by NAME ...] [--catalog FILE]
                 [--referrals FILE --events FILE] [--people FILE]
                 [--encounters FILE] [--arrests FILE]
                 [--metric ID ...] [--internal] [--format csv|json|markdown|html]
      Computes a metric catalog (default: the LEAD catalog that ships with
      divert) over a site's records (a divert.v1.MetricRecords file: .json or
      binary) for PERIOD ("2024Q1", "2024-03", "2024"), broken down by up to
      three of race, gender, age, pathway, source, area, precinct,
      case_manager, need. Writes one CSV row per metric and cell, the
      divert.v1.MetricReport as proto3 JSON, or the PCG's quarterly report
      (Markdown or HTML, charts embedded; PERIOD must be a quarter).
      RECORDS may be "synthetic:N": the bundled SYNTHETIC site of N referrals.
      The referral log (referrals and events), people, encounters and arrests
      may come as tables instead, from .csv, .parquet or .arrow/.feather files
      (columns: divert.metrics.EVENT_COLUMNS and TABLE_COLUMNS); RECORDS then
      holds the rest (settings, meetings, ...), or is left out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from divert import metrics as dm
from divert.v1 import metrics_pb2

__all__ = ["add_metrics_command", "read_table"]

#: The tables ``divert metrics`` reads from files, by option.
_TABLES = ("referrals", "events", "people", "encounters", "arrests")


def _records(text: str | None) -> metrics_pb2.MetricRecords:
    if text is None:
        return metrics_pb2.MetricRecords()
    if text.startswith("synthetic:"):
        return dm.synthetic_site(seed=1, referrals=int(text.split(":", 1)[1]))
    return dm.load_records(text)


def read_table(path: str | Path) -> Any:
    """A pyarrow Table from a ``.csv``, ``.parquet`` or ``.arrow``/``.feather`` file.

    CSV columns are typed as pyarrow infers them (ISO dates and times become
    dates and timestamps); lists, such as the events' ``needs``, need Parquet
    or Arrow.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        import pyarrow.csv

        return pyarrow.csv.read_csv(path)
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet

        return pyarrow.parquet.read_table(path)
    if suffix in (".arrow", ".feather", ".ipc"):
        import pyarrow.feather

        return pyarrow.feather.read_table(path)
    raise dm.MetricsError(f"{path.name}: a table must be .csv, .parquet or .arrow/.feather")


def _run(args: argparse.Namespace) -> int:
    catalog = dm.Catalog.from_file(args.catalog) if args.catalog else dm.lead_catalog()
    tables = {name: read_table(getattr(args, name)) for name in _TABLES
              if getattr(args, name) is not None}
    if args.records is None and not tables:
        raise dm.MetricsError("give RECORDS, or the records as tables (--referrals and --events, "
                              "--people, --encounters, --arrests)")
    records = _records(args.records)
    disclosure = "internal" if args.internal else "published"
    if args.format in ("markdown", "html"):
        from divert.metrics_report import quarterly_report

        import matplotlib

        matplotlib.use("Agg")
        report = quarterly_report(catalog, records, args.period, **tables)
        sys.stdout.write(report.markdown() + "\n" if args.format == "markdown" else report.html() + "\n")
        return 0
    message = dm.compute_report(catalog, records, args.period, args.by or (),
                                disclosure=disclosure, metrics=args.metric, **tables)
    if args.format == "json":
        sys.stdout.write(dm.report_json(message) + "\n")
    else:
        dm.report_frame(message).to_csv(sys.stdout, index=False)
    return 0


def add_metrics_command(commands: Any) -> None:
    """Adds ``metrics`` to the command line's subparsers."""
    metrics = commands.add_parser(
        "metrics",
        help="compute the LEAD logic-model metrics over a site's records",
        description="Compute a metric catalog over a site's records for a period, with "
        "breakdowns; small cells are suppressed unless --internal.",
    )
    metrics.add_argument("records", metavar="RECORDS", nargs="?",
                         help='a divert.v1.MetricRecords file (.json or binary), or "synthetic:N"; '
                         "with tables, the records they do not give (or left out)")
    for name in _TABLES:
        metrics.add_argument(f"--{name}", metavar="FILE",
                             help=f"the {name} as a table (.csv, .parquet or .arrow)")
    metrics.add_argument("--period", required=True, help='"2024Q1", "2024-03" or "2024"')
    metrics.add_argument("--by", action="append", choices=list(dm.BREAKDOWNS),
                         help="a breakdown (repeat for up to three)")
    metrics.add_argument("--catalog", metavar="FILE",
                         help="a divert.v1.MetricCatalog file (default: the LEAD catalog)")
    metrics.add_argument("--metric", action="append", metavar="ID", help="only this metric (repeatable)")
    metrics.add_argument("--internal", action="store_true",
                         help="no small-cell suppression (for program staff only)")
    metrics.add_argument("--format", choices=("csv", "json", "markdown", "html"), default="csv")
    metrics.set_defaults(run=_run)
