"""Screening beyond one machine: one picklable function for Spark, Dask and
any engine that hands a worker record batches or data frames.

:func:`screen_batches` joins a policy and a mapping into a
:class:`BatchScreen`, a function that an executor ships to its workers
(it pickles as the policy's and the mapping's serialized messages; each
worker compiles the policy once, when the function is unpickled). It takes
what the engines pass:

- an iterator of pyarrow RecordBatches, returning an iterator of screened
  RecordBatches (Spark's ``DataFrame.mapInArrow``, ``pyarrow.dataset``
  scanners, Ray's ``map_batches``);
- a pandas DataFrame, returning the screened DataFrame with the same index
  (Dask's ``DataFrame.map_partitions``);
- a pyarrow Table or RecordBatch, returning the same kind.

::

    screen = divert.screen_batches("example1_new_york.textproto", "nypd_arrests.textproto")

    # Spark: Arrow batches in, Arrow batches out
    screened = arrests.mapInArrow(screen, screen.spark_schema(arrests.schema))

    # Dask: one pandas DataFrame per partition
    screened = arrests.map_partitions(screen, meta=screen(arrests._meta))

The result columns are plain strings (and ``charge_index`` a 32-bit
integer) so that every batch of every partition has the same schema, which
is what Spark requires; pass ``categorical=True`` for dictionary-encoded
columns (pandas Categorical), as :meth:`divert.Policy.screen` gives.

Each call screens its input as one stream: with one row per charge
(``CHARGE_PER_ROW``), an arrest whose rows are split between two partitions
would be screened as two arrests, so partition such data by the arrest key
(Spark: ``repartition(key).sortWithinPartitions(key)``) first.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, Iterable, Iterator, Union

from divert.policy import Policy
from divert.screen import Mapping, MappingLike, Screener, _as_mapping, _pyarrow

__all__ = ["BatchScreen", "screen_batches"]

#: A policy, its serialized ``divert.v1.SitePolicy``, or the path of its file.
PolicyLike = Union[Policy, bytes, str, "os.PathLike[str]"]


def _as_policy(policy: PolicyLike) -> Policy:
    if isinstance(policy, Policy):
        return policy
    if isinstance(policy, (bytes, bytearray, memoryview)):
        return Policy.from_bytes(bytes(policy))
    if isinstance(policy, (str, os.PathLike)):
        return Policy.from_file(policy)
    raise TypeError(f"a policy is a divert.Policy, its serialized bytes or its file, not {type(policy).__name__}")


class BatchScreen:
    """Screens batches or data frames under one policy and mapping; made by
    :func:`screen_batches` (see the module's documentation)."""

    __slots__ = ("policy", "mapping", "categorical", "_result_columns")

    def __init__(self, policy: PolicyLike, mapping: MappingLike, *, categorical: bool = False) -> None:
        self.policy = _as_policy(policy)
        self.mapping = _as_mapping(mapping)
        self.categorical = categorical
        # Checks the mapping against the policy now, not on a worker.
        self._result_columns = Screener(self.policy, self.mapping).result_columns

    @property
    def result_columns(self) -> list[str]:
        """The names of the columns screening adds, in order."""
        return list(self._result_columns)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_unpickle, (self.policy, self.mapping.message.SerializeToString(), self.categorical))

    def __call__(self, data: Any) -> Any:
        """Screens `data`: an iterator of RecordBatches (lazily, batch by
        batch), a pandas DataFrame, or a pyarrow Table or RecordBatch."""
        pa = _pyarrow()
        if isinstance(data, pa.Table):
            return self._screen_table(data)
        if isinstance(data, pa.RecordBatch):
            batches = self._screen_table(pa.Table.from_batches([data])).combine_chunks().to_batches()
            return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=self.schema(data.schema))
        if type(data).__module__.split(".")[0] == "pandas":
            return self._screen_pandas(data)
        if isinstance(data, pa.RecordBatchReader):
            return self._screen(iter(data), data.schema)
        if isinstance(data, Iterable):
            return self._batches(iter(data))
        raise TypeError(
            f"cannot screen a {type(data).__name__}: pass an iterator of pyarrow RecordBatches, "
            "a pandas DataFrame, or a pyarrow Table or RecordBatch"
        )

    def schema(self, input_schema: Any) -> Any:
        """The pyarrow schema of the screened batches of `input_schema`."""
        pa = _pyarrow()
        text = pa.dictionary(pa.int32(), pa.string()) if self.categorical else pa.string()
        schema = input_schema
        for name in self._result_columns:
            schema = schema.append(pa.field(name, pa.int32() if name == "charge_index" else text))
        return schema

    def spark_schema(self, input_schema: Any) -> Any:
        """The Spark schema of the screened rows (a ``StructType``) for
        ``mapInArrow``, given the input DataFrame's ``schema``."""
        schema = input_schema.__class__.fromJson(input_schema.jsonValue())  # a copy
        for name in self._result_columns:
            schema = schema.add(name, "int" if name == "charge_index" else "string")
        return schema

    # --- the work -------------------------------------------------------------------

    def _batches(self, batches: Iterator[Any]) -> Iterator[Any]:
        first = next(batches, None)
        if first is None:
            return
        yield from self._screen(_chain(first, batches), first.schema)

    def _screen(self, batches: Iterator[Any], schema: Any) -> Iterator[Any]:
        """Screens the batches as one stream (an arrest may span batches)."""
        pa = _pyarrow()
        screener = Screener(self.policy, self.mapping)
        output = self.schema(schema)
        for batch in screener.screen_stream(pa.RecordBatchReader.from_batches(schema, batches)):
            yield _conform(batch, output)

    def _screen_table(self, table: Any) -> Any:
        pa = _pyarrow()
        return pa.Table.from_batches(list(self._screen(iter(table.to_batches()), table.schema)), self.schema(table.schema))

    def _screen_pandas(self, frame: Any) -> Any:
        table = _pyarrow().Table.from_pandas(frame, preserve_index=False)
        result = self._screen_table(table).to_pandas()
        result.index = frame.index
        return result


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def _conform(batch: Any, schema: Any) -> Any:
    """`batch` with its result columns cast to `schema`'s types."""
    pc = importlib.import_module("pyarrow.compute")
    pa = _pyarrow()
    columns = []
    for column, field in zip(batch.columns, schema):
        if column.type != field.type:
            column = pc.cast(column, field.type)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _unpickle(policy: Policy, mapping: bytes, categorical: bool) -> BatchScreen:
    screening_pb2 = importlib.import_module("divert.v1.screening_pb2")
    message = screening_pb2.ColumnMapping()
    message.ParseFromString(mapping)
    return BatchScreen(policy, Mapping(message), categorical=categorical)


def screen_batches(policy: PolicyLike, mapping: MappingLike, *, categorical: bool = False) -> BatchScreen:
    """The function that screens record batches or data frames under
    `policy` (a :class:`divert.Policy`, its serialized bytes or its file)
    with `mapping` (a :class:`divert.Mapping`, its text or its file), for
    Spark's ``mapInArrow``, Dask's ``map_partitions`` and the like.

        >>> screen = divert.screen_batches(
        ...     "examples/policies/example1_new_york.textproto",
        ...     "examples/mappings/nypd_arrests.textproto")
        >>> import pandas, pickle
        >>> arrests = pandas.read_csv("examples/data/nypd_arrests_2017-12.csv", nrows=3)
        >>> pickle.loads(pickle.dumps(screen))(arrests)["outcome"].tolist()
        ['NOT_ELIGIBLE', 'EXCLUDED', 'EXCLUDED']
    """
    return BatchScreen(policy, mapping, categorical=categorical)
