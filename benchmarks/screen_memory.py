#!/usr/bin/env python3
"""Memory of `divert screen` on a CSV file larger than memory.

Writes a CSV of --size bytes (the bundled NYPD month, examples/data/, NYC Open
Data, repeated under one header; in /tmp by default, never in the
repository), runs the command line on it with the planning report, as a user
would:

    divert screen --policy example1_new_york.textproto --data FILE
                  --mapping nypd_arrests.textproto --report OUT.json --no-progress

and prints its maximum resident memory (the process's own high-water mark,
VmHWM, read as it ends: ru_maxrss would also count pages shared with this
script between fork and exec), its time and rows per second, next to the
resident memory of a process that only imports what the command needs
(divert, pyarrow and its CSV reader and compute functions). The target (issue 7): a 10 GB CSV screened in at
most 200 MB.

Usage (from anywhere, with divert installed):

    python3 benchmarks/screen_memory.py [--size 10G] [--file /tmp/divert-10G.csv]
        [--keep] [--check] [--max-mb 200]

The file is reused when it already has the requested size (--keep keeps it
for the next run; without it, a file this script wrote is deleted).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "example1_new_york.textproto"
MAPPING = ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
DATA = ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
HIGH_WATER = 'print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")), file=sys.stderr)'
IMPORTS = "import sys, divert, divert.cli, pyarrow, pyarrow.csv, pyarrow.compute\n" + HIGH_WATER
# `divert screen ARGS` (what `python -m divert` runs), then its high-water mark.
MEASURED_CLI = "import sys\nfrom divert.cli import main\ncode = main(sys.argv[1:])\n" + HIGH_WATER + "\nsys.exit(code)"
UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    if text and text[-1] in UNITS:
        return int(float(text[:-1]) * UNITS[text[-1]])
    return int(text)


def write_csv(path: Path, size: int) -> int:
    """Writes the NYPD month repeated under one header until the file has at
    least `size` bytes; returns the rows written."""
    header, _, body = DATA.read_bytes().partition(b"\n")
    body = body if body.endswith(b"\n") else body + b"\n"
    rows_per_copy = body.count(b"\n")
    chunk = body * max(1, (64 << 20) // len(body))  # about 64 MB a write
    rows = 0
    with open(path, "wb") as out:
        out.write(header + b"\n")
        written = len(header) + 1
        while written < size:
            piece = chunk if size - written >= len(chunk) else body * -(-(size - written) // len(body))
            out.write(piece)
            written += len(piece)
            rows += rows_per_copy * (len(piece) // len(body))
    return rows


def run_measured(command: list[str]) -> tuple[float, int]:
    """Runs `command` (which prints its VmHWM line last on stderr); returns
    its seconds and its maximum resident memory in bytes."""
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    high_water = re.search(r"VmHWM:\s+(\d+) kB", result.stderr)
    if result.returncode != 0 or not high_water:
        raise SystemExit(f"screen_memory: {' '.join(command[:3])} ... failed:\n{result.stderr}")
    return seconds, int(high_water.group(1)) * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="10G", help="the CSV's size: 10G, 500M, ... (default: %(default)s)")
    parser.add_argument("--file", help="the CSV's path (default: /tmp/divert-screen-<size>.csv)")
    parser.add_argument("--keep", action="store_true", help="keep the CSV for the next run")
    parser.add_argument("--check", action="store_true", help="exit 1 when the maximum resident memory is over --max-mb")
    parser.add_argument("--max-mb", type=float, default=200, help="the target (default: %(default)s MB)")
    args = parser.parse_args()

    size = parse_size(args.size)
    path = Path(args.file or Path(tempfile.gettempdir()) / f"divert-screen-{args.size}.csv")
    wrote = False
    if not path.exists() or path.stat().st_size < size or path.stat().st_size > size + DATA.stat().st_size:
        start = time.perf_counter()
        write_csv(path, size)
        wrote = True
        print(f"wrote {path} ({path.stat().st_size / 1e9:.2f} GB) in {time.perf_counter() - start:.0f} s",
              file=sys.stderr)
    try:
        _, import_rss = run_measured([sys.executable, "-c", IMPORTS])
        with tempfile.TemporaryDirectory() as tmp:
            report_path = Path(tmp) / "report.json"
            seconds, rss = run_measured([
                sys.executable, "-c", MEASURED_CLI, "screen", "--policy", str(POLICY), "--data", str(path),
                "--mapping", str(MAPPING), "--report", str(report_path), "--no-progress"])
            report = json.loads(report_path.read_text(encoding="utf-8"))
    finally:
        if wrote and not args.keep:
            path.unlink()

    mb = 1 << 20
    gigabytes = (path.stat().st_size if path.exists() else size) / 1e9
    rows = report["rows"]
    print(f"divert screen, {gigabytes:.2f} GB CSV, {rows:,} rows ({report['divertible']:,} potentially divertible): "
          f"{seconds:.1f} s, {rows / seconds / 1e6:.2f} M rows/s, {gigabytes * 1e3 / seconds:.0f} MB/s")
    print(f"  maximum resident memory: {rss / mb:.0f} MB (target <= {args.max_mb:.0f} MB: "
          f"{'met' if rss <= args.max_mb * mb else 'not met'}); importing divert and pyarrow alone: "
          f"{import_rss / mb:.0f} MB")
    return 1 if args.check and rss > args.max_mb * mb else 0


if __name__ == "__main__":
    raise SystemExit(main())
