"""divert.screen_batches inside Dask: the same function that Spark's
``mapInArrow`` runs screens each pandas partition of a Dask DataFrame
(``map_partitions``), in worker processes, and gives every arrest exactly the
result the single-process ``Policy.screen`` gives it.

The data: the bundled NYPD month (examples/data/, NYC Open Data) as a
Parquet dataset of four files, one Dask partition each.
"""

from __future__ import annotations

from pathlib import Path

import dask
import dask.dataframe
import pandas
import pyarrow
import pyarrow.csv
import pyarrow.dataset
import pytest

import divert

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"


@pytest.fixture(scope="module")
def arrests() -> pyarrow.Table:
    return pyarrow.csv.read_csv(NYPD_DATA)


@pytest.fixture(scope="module")
def dataset(arrests: pyarrow.Table, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("nypd") / "arrests"
    pyarrow.dataset.write_dataset(arrests, path, format="parquet", max_rows_per_file=5000, max_rows_per_group=5000)
    return path


def test_map_partitions_in_processes_matches_single_process(dataset: Path, arrests: pyarrow.Table) -> None:
    screen = divert.screen_batches(EXAMPLE1, NYPD_MAPPING)
    frame = dask.dataframe.read_parquet(str(dataset))
    assert frame.npartitions == 4

    screened = frame.map_partitions(screen, meta=screen(frame._meta))
    # Worker processes: the function travels pickled, the policy is compiled there.
    with dask.config.set(scheduler="processes", num_workers=2):
        distributed = screened.compute()

    assert list(distributed.columns) == [*arrests.column_names, *screen.result_columns]
    expected = divert.Policy.from_file(EXAMPLE1).screen(arrests.to_pandas(), NYPD_MAPPING)
    columns = ["ARREST_KEY", *screen.result_columns]
    left = distributed[columns].astype(str).sort_values("ARREST_KEY").reset_index(drop=True)
    right = expected[columns].astype(str).sort_values("ARREST_KEY").reset_index(drop=True)
    assert len(left) == 19452
    pandas.testing.assert_frame_equal(left, right)


def test_each_partition_keeps_its_index(dataset: Path) -> None:
    screen = divert.screen_batches(EXAMPLE1, NYPD_MAPPING, categorical=True)
    frame = dask.dataframe.read_parquet(str(dataset))
    part = frame.partitions[1].compute()
    part.index = part.index + 1000
    screened = screen(part)
    assert screened.index.equals(part.index)
    assert isinstance(screened["outcome"].dtype, pandas.CategoricalDtype)
    counts = frame.map_partitions(screen, meta=screen(frame._meta))["outcome"].value_counts().compute()
    # Categories are every outcome, found in the data or not.
    assert set(counts.index) == {"ELIGIBLE", "NEEDS_INFORMATION", "NEEDS_REVIEW", "NOT_ELIGIBLE", "EXCLUDED"}
    assert counts[counts > 0].to_dict() == {"EXCLUDED": 5877, "NEEDS_INFORMATION": 7854, "NOT_ELIGIBLE": 5721}
