"""divert.screen_batches inside Spark: the function a data scientist hands to
``DataFrame.mapInArrow`` screens a partitioned dataset on Spark's workers
(PySpark in local mode, on Debian's OpenJDK) and gives every arrest exactly
the result the single-process ``Policy.screen`` gives it.

The bundled NYPD month (examples/data/, NYC Open Data) is written as a
Parquet dataset of four files, read as several Spark partitions. Spark needs
Java: without it the session cannot start and these tests fail (CI installs
default-jdk-headless through scripts/bootstrap.sh).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pyarrow
import pyarrow.csv
import pyarrow.dataset
import pytest
from pyspark.sql import SparkSession

import divert

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    # One small local session for the module: Spark takes a while to start.
    # Its Python workers run this interpreter, where divert is installed.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PYSPARK_PYTHON", sys.executable)
        session = _session()
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def _session() -> Any:
    return (
        SparkSession.builder.master("local[2]")
        .appName("divert-test")
        .config("spark.ui.enabled", "false")
        # Only the loopback interface, whatever the machine's name resolves to.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        # Several partitions per Parquet file (some of them empty).
        .config("spark.sql.files.maxPartitionBytes", "65536")
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )


@pytest.fixture(scope="module")
def arrests() -> pyarrow.Table:
    return pyarrow.csv.read_csv(NYPD_DATA)


@pytest.fixture(scope="module")
def dataset(arrests: pyarrow.Table, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The month as a Parquet dataset of four files."""
    path = tmp_path_factory.mktemp("nypd") / "arrests"
    pyarrow.dataset.write_dataset(arrests, path, format="parquet", max_rows_per_file=5000, max_rows_per_group=5000)
    assert len(list(path.glob("*.parquet"))) == 4
    return path


def _by_arrest(table: pyarrow.Table, columns: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.select(["ARREST_KEY", *columns]).sort_by("ARREST_KEY").to_pylist()
    return rows


def test_map_in_arrow_matches_single_process(spark: Any, dataset: Path, arrests: pyarrow.Table) -> None:
    screen = divert.screen_batches(EXAMPLE1, NYPD_MAPPING)
    frame = spark.read.parquet(str(dataset))
    assert frame.rdd.getNumPartitions() >= 4

    screened = frame.mapInArrow(screen, screen.spark_schema(frame.schema))

    assert screened.columns == [*arrests.column_names, *screen.result_columns]
    distributed = screened.toArrow()
    expected = divert.Policy.from_file(EXAMPLE1).screen(arrests, NYPD_MAPPING)
    assert distributed.num_rows == expected.num_rows == 19452
    columns = screen.result_columns
    expected = expected.select(["ARREST_KEY", *columns]).cast(
        pyarrow.schema([expected.schema.field("ARREST_KEY"), *[pyarrow.field(c, pyarrow.string()) for c in columns]]))
    assert _by_arrest(distributed, columns) == _by_arrest(expected, columns)


def test_spark_aggregates_screened_rows(spark: Any, dataset: Path) -> None:
    screen = divert.screen_batches(EXAMPLE1, NYPD_MAPPING)
    frame = spark.read.parquet(str(dataset))
    counts = frame.mapInArrow(screen, screen.spark_schema(frame.schema)).groupBy("outcome").count().collect()
    # The month's outcomes under 2017-1 (tests/python/test_screen.py checks
    # a sample of them by hand).
    assert {row["outcome"]: row["count"] for row in counts} == {
        "EXCLUDED": 5877, "NEEDS_INFORMATION": 7854, "NOT_ELIGIBLE": 5721}
