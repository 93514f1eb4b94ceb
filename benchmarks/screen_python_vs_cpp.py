#!/usr/bin/env python3
"""Screening through the Python door against the C++ core, side by side in
one run, on the same rows.

benchmarks/screen_benchmark.cc (Google Benchmark) screens rows drawn from
the bundled NYPD month (examples/data/, NYC Open Data) with splitmix64 from
seed 7, one row per arrest, in record batches of 65,536 rows, under the
toolkit's Example 1 with the New York catalog and the NYPD mapping. This
script runs that benchmark (text and dictionary-encoded columns), draws the
very same rows with pyarrow, screens them through the Python door and prints
rows per second and the ratio Python / C++, like with like: streaming
(``Screener.screen_stream`` read batch by batch, against the C++ benchmark
releasing each batch) and as a table (``Screener.screen``, a pyarrow Table
in and out, against the C++ benchmark keeping every batch); by the wall
clock and by processor time (on a shared machine the wall clock also counts
other programs' turns). The two doors take turns, run after run, and the
medians of the runs are compared, so that a shared machine's changing load
reaches both alike. The issue's target: within 10% (a ratio >= 0.90).

Usage (from the repository root, with divert and pyarrow installed, after
building the benchmarks):

    python3 benchmarks/screen_python_vs_cpp.py --cpp-benchmark BUILD/benchmarks/screen_benchmark
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Callable

import numpy
import pyarrow
import pyarrow.compute
import pyarrow.csv

import divert

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "example1_new_york.textproto"
MAPPING = ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
DATA = ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
# As in screen_benchmark.cc: the columns, the rows, the batch size.
COLUMNS = ["ARREST_KEY", "ARREST_DATE", "LAW_CODE", "ARREST_BORO", "PERP_RACE", "PERP_SEX", "ARREST_PRECINCT"]
TEXT = ["ARREST_DATE", "LAW_CODE", "ARREST_BORO", "PERP_RACE", "PERP_SEX"]
ROWS = 4 * 1024 * 1024
BATCH_ROWS = 65536


def draws(seed: int, n: int) -> Any:
    """The first n splitmix64 draws from `seed` (screen_benchmark.cc's Draw)."""
    with numpy.errstate(over="ignore"):
        state = numpy.uint64(seed) + numpy.arange(1, n + 1, dtype=numpy.uint64) * numpy.uint64(0x9E3779B97F4A7C15)
        z = (state ^ (state >> numpy.uint64(30))) * numpy.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> numpy.uint64(27))) * numpy.uint64(0x94D049BB133111EB)
        return z ^ (z >> numpy.uint64(31))


def table(text: bool) -> pyarrow.Table:
    month = pyarrow.csv.read_csv(DATA).select(COLUMNS)
    take = (draws(7, ROWS) % numpy.uint64(month.num_rows)).astype(numpy.int64)
    rows = month.take(pyarrow.array(take)).combine_chunks()
    batches = rows.to_batches(max_chunksize=BATCH_ROWS)
    if not text:
        batches = [
            pyarrow.record_batch(
                [pyarrow.compute.dictionary_encode(b.column(name)) if name in TEXT else b.column(name)
                 for name in COLUMNS],
                names=COLUMNS,
            )
            for b in batches
        ]
    return pyarrow.Table.from_batches(batches)


Case = tuple[bool, bool]  # (text columns, keep every batch)
CASES: list[Case] = [(True, False), (False, False), (True, True), (False, True)]


def cpp_run(benchmark: Path) -> dict[Case, tuple[float, float]]:
    """One run of screen_benchmark's four one-row-per-arrest cases: rows/s
    by (text, keep), by the wall clock and by processor time."""
    out = subprocess.run(
        [str(benchmark), "--benchmark_filter=BM_ScreenArrestPerRow", "--benchmark_format=json"],
        check=True, capture_output=True, text=True,
    ).stdout
    result: dict[Case, tuple[float, float]] = {}
    for b in json.loads(out)["benchmarks"]:
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        case = ("text:1" in b["name"], "keep:1" in b["name"])
        result[case] = (ROWS / (float(b["real_time"]) * unit), ROWS / (float(b["cpu_time"]) * unit))
    return result


def python_run(screeners: dict[bool, Any], tables: dict[bool, Any], min_seconds: float) -> dict[Case, tuple[float, float]]:
    """One run of the same four cases through the Python door, each
    repeated for at least `min_seconds` of processor time (as Google
    Benchmark does): rows/s by the wall clock and by processor time."""
    result: dict[Case, tuple[float, float]] = {}
    for text, keep in CASES:
        screener, data = screeners[text], tables[text]
        run: Callable[[], Any] = (lambda: screener.screen(data)) if keep else (lambda: drain(screener.screen_stream(data)))
        rows, wall, cpu = 0, 0.0, 0.0
        while cpu < min_seconds:
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            wall += time.perf_counter() - start
            cpu += time.process_time() - start_cpu
            rows += ROWS
        result[(text, keep)] = (rows / wall, rows / cpu)
    return result


def drain(reader: Any) -> int:
    """Reads a stream batch by batch, keeping none (streaming)."""
    return sum(batch.num_rows for batch in reader)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpp-benchmark", type=Path, required=True, help="the built screen_benchmark")
    parser.add_argument("--repeat", type=int, default=7, help="interleaved runs of each door")
    parser.add_argument("--min-seconds", type=float, default=0.5, help="processor time per Python case and run")
    args = parser.parse_args()

    policy = divert.Policy.from_file(POLICY)
    tables = {text: table(text) for text in (True, False)}
    screeners = {text: divert.Screener(policy, MAPPING) for text in (True, False)}
    for text in (True, False):
        # Decides the distinct inputs first, as the C++ benchmark does.
        assert screeners[text].screen(tables[text]).num_rows == ROWS

    # The doors take turns (C++ first in odd runs, Python first in even
    # ones), so that a change in the machine's load reaches both alike.
    cpp: list[dict[Case, tuple[float, float]]] = []
    python: list[dict[Case, tuple[float, float]]] = []
    for i in range(args.repeat):
        if i % 2 == 0:
            cpp.append(cpp_run(args.cpp_benchmark))
            python.append(python_run(screeners, tables, args.min_seconds))
        else:
            python.append(python_run(screeners, tables, args.min_seconds))
            cpp.append(cpp_run(args.cpp_benchmark))
        print(f"run {i + 1} of {args.repeat} done", flush=True)

    print(f"{ROWS:,} arrests (one charge each) in batches of {BATCH_ROWS:,}; "
          f"median of {args.repeat} interleaved runs per door")
    print("(build the benchmark as the Python module is built, CMAKE_BUILD_TYPE=Release, to compare like with like)")
    for text, keep in CASES:
        kind = "text" if text else "dictionary"
        mode = "Policy.screen (a Table)" if keep else "screen_stream, drained"
        for clock, k in (("wall", 0), ("cpu", 1)):
            native = statistics.median(run[(text, keep)][k] for run in cpp)
            ours = statistics.median(run[(text, keep)][k] for run in python)
            ratios = sorted(p[(text, keep)][k] / c[(text, keep)][k] for p, c in zip(python, cpp))
            print(f"  {kind:10} {mode:24} {clock:4}  C++ {native / 1e6:6.1f} M rows/s"
                  f"   Python {ours / 1e6:6.1f} M rows/s   Python / C++ {ours / native:.2f}"
                  f"   (run by run {ratios[0]:.2f}-{ratios[-1]:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
