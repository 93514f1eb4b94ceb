#!/usr/bin/env python3
"""Screening speed, side by side: divert against the same predicates in polars,
pandas, celpy (cel-python) and cel-go, on the same generated arrests.

The data: rows drawn at random (seeded) from the bundled NYPD month
(examples/data/, NYC Open Data), one charge per arrest, as many as --rows.
divert screens them under the toolkit's Example 1 with the New York catalog
and the NYPD mapping, producing outcomes *and* every rule's result; polars and
pandas compute the outcome only, from the same catalog, with Example 1's
conditions written as column expressions for what this data can say (the
charge; every fact about the person is unknown): EXCLUDED when the charge is
violent, an order of protection violation or exploitation; NOT_ELIGIBLE when it
is not a non-violent Penal Law misdemeanor or violation or city ordinance
offense; NEEDS_INFORMATION otherwise.

divert is timed three ways: the table in, a table out (one 10-million-row
batch: its result columns are fresh memory the kernel must supply, a large part
of the time); the same rows as a stream of 65,536-row batches, each released
once read (how a file larger than memory is screened, and the figure per core);
and that stream with its text columns dictionary-encoded (as a Parquet file
read with read_dictionary, or polars' Categorical, gives them). The ratios are
those of the first.

celpy and cel-go evaluate the same outcome as one CEL expression (OUTCOME_CEL)
row by row, the way an application that calls a CEL library once per record
works: for each arrest, look its code up in the catalog, build an activation
of the five facts, evaluate. They are much slower, so they run on a sample
(the first --celpy-rows and --celgo-rows arrests) and their rows per second
are extrapolated from it; the output says so. cel-go runs as a Go program
(benchmarks/peers/celgo_screen, built with the go command; its modules come
from the Go module proxy), timed inside the program, file reading excluded.

The script checks that all of them agree with divert on every row they
screened, then prints rows per second and the ratios.

Usage (from the repository root, with divert, pyarrow, polars, pandas and
cel-python installed, and Go):

    python3 benchmarks/screen_compare.py [--rows 10000000] [--repeat 3]
        [--celpy-rows 2000] [--celgo-rows 1000000] [--go GO]

The memory of a file larger than memory: benchmarks/screen_memory.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy
import pandas
import polars
import pyarrow
import pyarrow.csv
from celpy import Environment, celtypes

import divert

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "example1_new_york.textproto"
MAPPING = ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
DATA = ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
EXPLOITATION = ("promoting prostitution", "sex trafficking", "child exploitation")
CELGO_SCREEN = ROOT / "benchmarks" / "peers" / "celgo_screen"

# The outcome of with_polars and with_pandas as one CEL expression over the
# catalog's facts of the arrest's charge.
OUTCOME_CEL = (
    'violent || protection || category in ["' + '", "'.join(EXPLOITATION) + '"] ? "EXCLUDED"'
    ' : !violent && ((code.startsWith("PL ") && (level == "MISDEMEANOR" || level == "VIOLATION"))'
    ' || level == "ORDINANCE") ? "NEEDS_INFORMATION" : "NOT_ELIGIBLE"'
)


def arrests(rows: int, seed: int) -> pyarrow.Table:
    month = pyarrow.csv.read_csv(DATA)
    take = numpy.random.default_rng(seed).integers(0, month.num_rows, rows)
    return month.take(pyarrow.array(take)).combine_chunks()


def catalog(policy: divert.Policy, version: str) -> pyarrow.Table:
    """The version's offense catalog by every code and alias."""
    rows: dict[str, list[Any]] = {k: [] for k in ("LAW_CODE", "code", "level", "violent", "protection", "category")}
    for v in policy.site_policy.versions:
        if v.version != version:
            continue
        for offense in v.offense_catalog.offenses:
            for code in [offense.code, *offense.aliases]:
                rows["LAW_CODE"].append(code)
                rows["code"].append(offense.code)
                rows["level"].append(divert.v1.charge_pb2.OffenseLevel.Name(offense.level))
                rows["violent"].append(offense.violent)
                rows["protection"].append(offense.order_of_protection_violation)
                rows["category"].append(offense.category)
    return pyarrow.table(rows)


def with_polars(table: pyarrow.Table, offenses: pyarrow.Table) -> Any:
    pl = polars
    frame = pl.from_arrow(table.select(["LAW_CODE"]))
    assert isinstance(frame, pl.DataFrame)
    joined = frame.join(pl.from_arrow(offenses), on="LAW_CODE", how="left", maintain_order="left")  # type: ignore[arg-type]
    penal = pl.col("code").str.starts_with("PL ")
    fits = ~pl.col("violent") & (
        (penal & pl.col("level").is_in(["MISDEMEANOR", "VIOLATION"])) | (pl.col("level") == "ORDINANCE"))
    excluded = pl.col("violent") | pl.col("protection") | pl.col("category").is_in(list(EXPLOITATION))
    return joined.select(
        pl.when(excluded).then(pl.lit("EXCLUDED")).when(~fits).then(pl.lit("NOT_ELIGIBLE"))
        .otherwise(pl.lit("NEEDS_INFORMATION")).alias("outcome"))["outcome"]


def with_pandas(table: pyarrow.Table, offenses: pyarrow.Table) -> Any:
    frame = table.select(["LAW_CODE"]).to_pandas()
    joined = frame.merge(offenses.to_pandas(), on="LAW_CODE", how="left")
    penal = joined["code"].str.startswith("PL ")
    fits = ~joined["violent"] & ((penal & joined["level"].isin(["MISDEMEANOR", "VIOLATION"]))
                                 | (joined["level"] == "ORDINANCE"))
    excluded = joined["violent"] | joined["protection"] | joined["category"].isin(EXPLOITATION)
    outcome = pandas.Series("NEEDS_INFORMATION", index=joined.index)
    outcome[~fits] = "NOT_ELIGIBLE"
    outcome[excluded] = "EXCLUDED"
    return outcome


def facts_by_code(offenses: pyarrow.Table) -> dict[str, dict[str, Any]]:
    return {row["LAW_CODE"]: row for row in offenses.to_pylist()}


def with_celpy(codes: list[str], offenses: pyarrow.Table) -> tuple[float, list[str]]:
    """Row by row with celpy (its default, interpreted runner); returns the
    seconds of the loop and the outcomes."""
    program = Environment().program(Environment().compile(OUTCOME_CEL))
    facts = facts_by_code(offenses)
    absent = {"code": "", "level": "", "violent": False, "protection": False, "category": ""}
    outcomes = []
    start = time.perf_counter()
    for code in codes:
        row = facts.get(code, absent)
        activation = {
            "code": celtypes.StringType(row["code"]),
            "level": celtypes.StringType(row["level"]),
            "category": celtypes.StringType(row["category"] or ""),
            "violent": celtypes.BoolType(row["violent"]),
            "protection": celtypes.BoolType(row["protection"]),
        }
        outcomes.append(str(program.evaluate(activation)))
    return time.perf_counter() - start, outcomes


def with_celgo(codes: list[str], offenses: pyarrow.Table, go: str) -> tuple[float, list[str], str]:
    """Row by row with cel-go (benchmarks/peers/celgo_screen); returns the
    seconds of its loop, the outcomes and cel-go's version."""
    with tempfile.TemporaryDirectory(prefix="celgo-screen-") as tmp:
        work = Path(tmp)
        binary = work / "celgo_screen"
        subprocess.run([go, "build", "-o", str(binary), "."], cwd=CELGO_SCREEN, check=True)
        with open(work / "catalog.tsv", "w", encoding="utf-8") as out:
            for code, row in facts_by_code(offenses).items():
                flags = ["true" if row[k] else "false" for k in ("violent", "protection")]
                out.write("\t".join([code, row["code"], row["level"], *flags, row["category"] or ""]) + "\n")
        (work / "rows.txt").write_text("\n".join(codes) + "\n", encoding="utf-8")
        result = subprocess.run(
            [str(binary), "-expr", OUTCOME_CEL, "-catalog", str(work / "catalog.tsv"), "-rows", str(work / "rows.txt"),
             "-out", str(work / "outcomes.txt")], check=True, capture_output=True, text=True)
        report = json.loads(result.stdout)
        assert report["rows"] == len(codes)
        outcomes = (work / "outcomes.txt").read_text(encoding="utf-8").splitlines()
        return float(report["seconds"]), outcomes, str(report["cel_go_version"])


def find_go(explicit: str | None) -> str:
    """--go, then go on PATH, then /usr/local/go/bin/go."""
    found = explicit or shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if not found:
        raise SystemExit("screen_compare: the go command was not found (install Go or pass --go)")
    return found


def screen_streaming(screener: divert.Screener, table: pyarrow.Table) -> int:
    """Screens `table` as a stream of 65,536-row batches, as a file too large
    for memory is read, releasing each screened batch once read; the rows."""
    reader = pyarrow.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=65_536))
    return sum(batch.num_rows for batch in screener.screen(reader))


def dictionary_encoded(table: pyarrow.Table) -> pyarrow.Table:
    """`table` with its text columns dictionary-encoded, as pyarrow's Parquet
    reader gives them with read_dictionary, or polars' Categorical."""
    columns = [c.dictionary_encode() if pyarrow.types.is_string(c.type) else c for c in table.columns]
    return pyarrow.table(columns, names=table.column_names).combine_chunks()


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--celpy-rows", type=int, default=2_000, help="celpy's sample (default: %(default)s)")
    parser.add_argument("--celgo-rows", type=int, default=1_000_000, help="cel-go's sample (default: %(default)s)")
    parser.add_argument("--go", help="the go command (default: go on PATH, then /usr/local/go/bin/go)")
    args = parser.parse_args()
    go = find_go(args.go)

    policy = divert.Policy.from_file(POLICY)
    table = arrests(args.rows, args.seed)
    offenses = catalog(policy, "2017-1")  # the version in force in December 2017

    screener = divert.Screener(policy, MAPPING)
    t_divert, screened = timed(lambda: screener.screen(table), args.repeat)
    t_stream, streamed = timed(lambda: screen_streaming(screener, table), args.repeat)
    encoded = dictionary_encoded(table)
    t_dict, _ = timed(lambda: screen_streaming(screener, encoded), args.repeat)
    assert streamed == table.num_rows
    t_polars, pl_outcome = timed(lambda: with_polars(table, offenses), args.repeat)
    t_pandas, pd_outcome = timed(lambda: with_pandas(table, offenses), args.repeat)

    expected = screened.column("outcome").cast(pyarrow.string()).to_pylist()
    assert pl_outcome.to_list() == expected, "polars and divert disagree"
    assert pd_outcome.tolist() == expected, "pandas and divert disagree"

    codes = table.column("LAW_CODE").to_pylist()
    celpy_rows, celgo_rows = min(args.celpy_rows, len(codes)), min(args.celgo_rows, len(codes))
    t_celpy, celpy_outcome = with_celpy(codes[:celpy_rows], offenses)
    assert celpy_outcome == expected[:celpy_rows], "celpy and divert disagree"
    t_celgo, celgo_outcome, celgo_version = with_celgo(codes[:celgo_rows], offenses, go)
    assert celgo_outcome == expected[:celgo_rows], "cel-go and divert disagree"

    rows = table.num_rows
    speeds = {
        "divert (Python door)": (rows / t_divert, f"{t_divert:.3f} s for {rows:,} rows, outcome + every rule's result"),
        "divert, streaming": (
            rows / t_stream, f"{t_stream:.3f} s: the same rows as a stream of 65,536-row batches, each released once read"),
        "divert, streaming dictionaries": (
            rows / t_dict, f"{t_dict:.3f} s: the same, its text columns dictionary-encoded (encoding not timed)"),
        "polars": (rows / t_polars, f"{t_polars:.3f} s for {rows:,} rows, outcome only"),
        "pandas": (rows / t_pandas, f"{t_pandas:.3f} s for {rows:,} rows, outcome only"),
        f"cel-go {celgo_version} row by row": (
            celgo_rows / t_celgo, f"{t_celgo:.3f} s for a sample of {celgo_rows:,} rows, extrapolated; outcome only"),
        "celpy row by row": (
            celpy_rows / t_celpy, f"{t_celpy:.3f} s for a sample of {celpy_rows:,} rows, extrapolated; outcome only"),
    }
    print(f"{rows:,} arrests (one charge each); divert, polars and pandas: median of {args.repeat} runs over all "
          f"of them; celpy and cel-go: one run over a sample, rows/s extrapolated. All agree with divert on every "
          f"outcome they computed.")
    divert_speed = speeds["divert (Python door)"][0]
    for name, (speed, note) in speeds.items():
        ratio = "" if name.startswith("divert") else f"  divert is {divert_speed / speed:,.2f}x"
        print(f"  {name:30} {speed:14,.0f} rows/s{ratio}  ({note})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
