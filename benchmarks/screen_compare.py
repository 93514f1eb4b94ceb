#!/usr/bin/env python3
"""Screening speed, side by side: divert against the same predicates in polars
and pandas, on the same generated arrests.

The data: rows drawn at random (seeded) from the bundled NYPD month
(examples/data/, NYC Open Data), one charge per arrest, as many as --rows.
divert screens them under the toolkit's Example 1 with the New York catalog
and the NYPD mapping, producing outcomes *and* every rule's result; polars and
pandas compute the outcome only, from the same catalog, with Example 1's
conditions written as column expressions for what this data can say (the
charge; every fact about the person is unknown): EXCLUDED when the charge is
violent, an order of protection violation or exploitation; NOT_ELIGIBLE when it
is not a non-violent Penal Law misdemeanor or violation or city ordinance
offense; NEEDS_INFORMATION otherwise. The script checks that all three agree
on every row, then prints rows per second and the ratios.

Usage (from the repository root, with divert, pyarrow, polars and pandas
installed):

    python3 benchmarks/screen_compare.py [--rows 10000000] [--repeat 3]

Not yet compared here (see docs/dev/screening-brief.md): celpy and cel-go row
by row, and the 10 GB CSV memory test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import numpy
import pandas
import polars
import pyarrow
import pyarrow.csv

import divert

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policies" / "example1_new_york.textproto"
MAPPING = ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
DATA = ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
EXPLOITATION = ("promoting prostitution", "sex trafficking", "child exploitation")


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
    args = parser.parse_args()

    policy = divert.Policy.from_file(POLICY)
    table = arrests(args.rows, args.seed)
    offenses = catalog(policy, "2017-1")  # the version in force in December 2017

    screener = divert.Screener(policy, MAPPING)
    t_divert, screened = timed(lambda: screener.screen(table), args.repeat)
    t_polars, pl_outcome = timed(lambda: with_polars(table, offenses), args.repeat)
    t_pandas, pd_outcome = timed(lambda: with_pandas(table, offenses), args.repeat)

    expected = screened.column("outcome").cast(pyarrow.string()).to_pylist()
    assert pl_outcome.to_list() == expected, "polars and divert disagree"
    assert pd_outcome.tolist() == expected, "pandas and divert disagree"

    rows = table.num_rows
    print(f"{rows:,} arrests (one charge each), median of {args.repeat}; all three agree on every outcome")
    for name, seconds, note in (("divert (Python door)", t_divert, "outcome + every rule's result"),
                                ("polars", t_polars, "outcome only"),
                                ("pandas", t_pandas, "outcome only")):
        print(f"  {name:22} {rows / seconds / 1e6:8.2f} M rows/s  ({seconds:.3f} s, {note})")
    print(f"  divert / polars: {t_polars / t_divert:.2f}x the speed;  divert / pandas: {t_pandas / t_divert:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
