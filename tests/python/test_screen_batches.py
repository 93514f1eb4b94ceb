"""divert.screen_batches on one machine: the function Spark and Dask run
(tests/python/test_screen_spark.py, test_screen_dask.py) takes every shape an
engine hands it, pickles, and gives the answers of Policy.screen."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyarrow
import pyarrow.csv
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
def expected(arrests: pyarrow.Table) -> list[str]:
    outcomes: list[str] = divert.Policy.from_file(EXAMPLE1).screen(arrests, NYPD_MAPPING).column(
        "outcome").cast(pyarrow.string()).to_pylist()
    return outcomes


@pytest.fixture(scope="module")
def screen() -> divert.BatchScreen:
    made = divert.screen_batches(EXAMPLE1, NYPD_MAPPING)
    unpickled = pickle.loads(pickle.dumps(made))  # as a worker gets it
    assert isinstance(unpickled, divert.BatchScreen)
    return unpickled


def test_an_iterator_of_batches_is_screened_lazily(
        screen: divert.BatchScreen, arrests: pyarrow.Table, expected: list[str]) -> None:
    batches = iter(arrests.to_batches(max_chunksize=1000))
    screened = screen(batches)
    assert next(batches).num_rows == 1000  # nothing read yet: the first batch is still there
    outcomes = [o for batch in screened for o in batch.column("outcome").to_pylist()]
    assert outcomes == expected[1000:]
    assert list(screen(iter([]))) == []


def test_tables_batches_and_readers_keep_their_kind(
        screen: divert.BatchScreen, arrests: pyarrow.Table, expected: list[str]) -> None:
    table = screen(arrests)
    assert isinstance(table, pyarrow.Table)
    assert table.schema == screen.schema(arrests.schema)
    assert table.column("outcome").to_pylist() == expected
    batch = screen(arrests.to_batches()[0])
    assert isinstance(batch, pyarrow.RecordBatch) and batch.num_rows == arrests.to_batches()[0].num_rows
    assert screen(arrests.slice(0, 0)).num_rows == 0
    reader = pyarrow.RecordBatchReader.from_batches(arrests.schema, arrests.to_batches())
    assert sum(b.num_rows for b in screen(reader)) == arrests.num_rows


def test_categorical_columns_and_policies_as_bytes(arrests: pyarrow.Table, expected: list[str]) -> None:
    policy = divert.Policy.from_file(EXAMPLE1)
    screen = divert.screen_batches(policy.site_policy.SerializeToString(), NYPD_MAPPING, categorical=True)
    table = screen(arrests)
    assert pyarrow.types.is_dictionary(table.schema.field("outcome").type)
    assert table.column("outcome").cast(pyarrow.string()).to_pylist() == expected


def test_what_it_cannot_screen_is_named() -> None:
    with pytest.raises(TypeError, match="a policy is a divert.Policy"):
        divert.screen_batches(42, NYPD_MAPPING)  # type: ignore[arg-type]
    screen = divert.screen_batches(EXAMPLE1, NYPD_MAPPING)
    with pytest.raises(TypeError, match="cannot screen a int"):
        screen(42)
    with pytest.raises(ValueError, match="ARREST_KEY"):
        screen(pyarrow.table({"LAW_CODE": ["PL 1552500"]}))
