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
other programs' turns). The issue's target: within 10% (a ratio >= 0.90).

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


def cpp_rows_per_second(benchmark: Path, repeat: int) -> dict[tuple[bool, bool], tuple[float, float]]:
    """screen_benchmark's median rows/s by (text, keep): by the wall clock
    and by processor time."""
    out = subprocess.run(
        [str(benchmark), "--benchmark_filter=BM_ScreenArrestPerRow", "--benchmark_format=json",
         f"--benchmark_repetitions={repeat}", "--benchmark_report_aggregates_only=true"],
        check=True, capture_output=True, text=True,
    ).stdout
    result: dict[tuple[bool, bool], tuple[float, float]] = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            text = "text:1" in b["name"]
            keep = "keep:1" in b["name"]
            result[(text, keep)] = (ROWS / (float(b["real_time"]) * unit), ROWS / (float(b["cpu_time"]) * unit))
    return result


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median seconds of `run` by the wall clock and by processor time."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def drain(reader: Any) -> int:
    """Reads a stream batch by batch, keeping none (streaming)."""
    return sum(batch.num_rows for batch in reader)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpp-benchmark", type=Path, required=True, help="the built screen_benchmark")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cpp = cpp_rows_per_second(args.cpp_benchmark, args.repeat)
    policy = divert.Policy.from_file(POLICY)
    print(f"{ROWS:,} arrests (one charge each) in batches of {BATCH_ROWS:,}, median of {args.repeat}")
    print("(build the benchmark as the Python module is built, e.g. CMAKE_BUILD_TYPE=Release, to compare like with like)")
    for text in (True, False):
        data = table(text)
        screener = divert.Screener(policy, MAPPING)
        assert screener.screen(data).num_rows == ROWS  # decides the distinct inputs first, as the C++ benchmark does
        kind = "text" if text else "dictionary"
        for keep, run in ((False, lambda: drain(screener.screen_stream(data))),
                          (True, lambda: screener.screen(data))):
            wall, cpu = timed(run, args.repeat)
            mode = "Policy.screen (a Table)" if keep else "screen_stream, drained"
            for clock, python, native in (("wall", ROWS / wall, cpp[(text, keep)][0]),
                                          ("cpu", ROWS / cpu, cpp[(text, keep)][1])):
                print(f"  {kind:10} {mode:24} {clock:4}  C++ {native / 1e6:6.1f} M rows/s"
                      f"   Python {python / 1e6:6.1f} M rows/s   Python / C++ {python / native:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
