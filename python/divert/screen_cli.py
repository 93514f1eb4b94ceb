"""``divert screen``: screen a CSV or Parquet file of arrests and write the
planning report (see :mod:`divert.report`).

    divert screen --policy P --data FILE [--mapping M] [--report OUT]

The file is read and screened in batches, so a file larger than memory is
screened in bounded memory, with a progress bar on a terminal. OUT's name
says the report's format: ``.md``, ``.html`` or ``.json``. Without
``--mapping``, every column named after an encounter field path
(``charges.statute_code``, ``occurred_at``, ...) feeds that field.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

from divert.report import Assumptions, PlanningReport, ReportBuilder
from divert.screen import Mapping, Screener

__all__ = ["add_screen_command", "read_batches", "screen_file"]

_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".json": "json"}


def read_batches(path: str | Path, block_size: int = 1 << 18, source: Any = None) -> Any:
    """A pyarrow RecordBatchReader over a CSV or Parquet file, read a block
    at a time (from `source`, the file opened as a pyarrow NativeFile, when
    given). pyarrow's CSV reader holds about 40 blocks at once (read ahead
    and being parsed): 256 KB blocks keep that near 10 MB, and screen as fast
    as 1 MB blocks (benchmarks/screen_memory.py)."""
    path = Path(path)
    if _is_parquet(path):
        parquet = importlib.import_module("pyarrow.parquet")
        pa = importlib.import_module("pyarrow")
        file = parquet.ParquetFile(source or path)
        return pa.RecordBatchReader.from_batches(file.schema_arrow, file.iter_batches(batch_size=65536))
    csv = importlib.import_module("pyarrow.csv")
    return csv.open_csv(source or path, read_options=csv.ReadOptions(block_size=block_size))


def screen_file(
    screener: Screener,
    path: str | Path,
    assumptions: Assumptions | None = None,
    progress: bool = False,
) -> PlanningReport:
    """Screens the CSV or Parquet file at `path` batch by batch and returns
    its planning report. `progress` shows a tqdm bar: of the bytes of a CSV
    file read so far (with the rows screened), of the rows of a Parquet file."""
    builder = ReportBuilder(screener, assumptions)
    path = Path(path)
    if progress and not _is_parquet(path):
        pa = importlib.import_module("pyarrow")
        with pa.OSFile(str(path)) as file:
            for batch in _bytes_read(screener.screen_stream(read_batches(path, source=file)), file, path):
                builder.add(batch)
    else:
        label = f"screening {path.name}" if progress else False
        for batch in screener.screen_stream(read_batches(path), progress=label):
            builder.add(batch)
    return builder.finish()


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _bytes_read(batches: Any, file: Any, path: Path) -> Iterator[Any]:
    """`batches`, showing on a tqdm bar how far into `file` the reader is."""
    tqdm = importlib.import_module("tqdm.auto").tqdm
    size = path.stat().st_size
    rows = 0
    with tqdm(desc=f"screening {path.name}", total=size, unit="B", unit_scale=True, unit_divisor=1024,
              file=sys.stderr) as bar:
        for batch in batches:
            rows += batch.num_rows
            bar.set_postfix_str(f"{rows:,} rows", refresh=False)
            bar.update(min(file.tell(), size) - bar.n)
            yield batch
        bar.update(size - bar.n)


def _run(args: argparse.Namespace, load_policy: Callable[[str], Any]) -> int:
    policy = load_policy(args.policy)
    if args.mapping:
        mapping = Mapping.from_file(args.mapping)
    else:
        mapping = Mapping.from_columns(read_batches(args.data).schema.names)
    screener = Screener(policy, mapping)
    assumptions = Assumptions(diversion_rate=args.diversion_rate, familiar_faces_min_arrests=args.familiar_faces)
    progress = not args.no_progress and sys.stderr.isatty()
    report = screen_file(screener, args.data, assumptions, progress)
    print(report.summary())
    if args.report:
        out = Path(args.report)
        kind = _FORMATS.get(out.suffix.lower())
        if kind is None:
            raise ValueError(f"{out}: the report's name must end in .md, .html or .json")
        text = report.to_markdown() if kind == "markdown" else report.to_html() if kind == "html" else report.to_json()
        out.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        print(f"report: {out}")
    return 0


def add_screen_command(commands: Any, load_policy: Callable[[str], Any]) -> None:
    """Adds ``divert screen`` to the command line's subcommands."""
    screen = commands.add_parser(
        "screen",
        help="screen a file of arrests and write the planning report",
        description="Screen every arrest of a CSV or Parquet file against a policy (in batches, in "
        "bounded memory) and print the planning summary; --report writes the full report.",
    )
    screen.add_argument("--policy", required=True, metavar="P", help="a divert.v1.SitePolicy file")
    screen.add_argument("--data", required=True, metavar="FILE", help="arrests: .csv or .parquet")
    screen.add_argument("--mapping", metavar="M", help="a divert.v1.ColumnMapping file (text format)")
    screen.add_argument("--report", metavar="OUT", help="write the report to OUT (.md, .html or .json)")
    screen.add_argument("--diversion-rate", type=float, default=Assumptions.diversion_rate, metavar="R",
                        help="share of potentially divertible arrests referred (default: %(default)s)")
    screen.add_argument("--familiar-faces", type=int, default=Assumptions.familiar_faces_min_arrests, metavar="N",
                        help="arrests in 12 months that make a familiar face (default: %(default)s)")
    screen.add_argument("--no-progress", action="store_true", help="no progress bar")
    screen.set_defaults(run=lambda args: _run(args, load_policy))
