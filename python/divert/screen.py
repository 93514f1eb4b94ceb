"""Screening arrest records against a site policy, column by column.

Before a LEAD site launches, the toolkit (VII.B) asks it to pull its arrest
data and count the arrests that could have been diverted. :func:`screen`
decides every arrest of a table under a :class:`divert.Policy`, given a
:class:`Mapping` that says which column feeds which fact of an encounter
and how the publisher's values translate::

    >>> import pyarrow.csv
    >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
    >>> mapping = divert.Mapping.from_file("examples/mappings/nypd_arrests.textproto")
    >>> arrests = pyarrow.csv.read_csv("examples/data/nypd_arrests_2017-12.csv")
    >>> screened = policy.screen(arrests, mapping)
    >>> screened.num_rows, screened.column("outcome").null_count
    (19452, 0)
    >>> screened.column("ARREST_KEY")[1], screened.column("outcome")[1]
    (<pyarrow.Int64Scalar: 172945127>, <pyarrow.DictionaryScalar: ...'EXCLUDED'...>)

The result is the input with result columns added (``outcome``,
``policy_version``, ``decisive_rules``, ``missing_facts``, ``not_decided``
and ``rule:<id>`` for each rule; ``charge_index`` for one row per charge),
of the same kind as the input: a pyarrow Table or RecordBatchReader, a
pandas DataFrame or a polars DataFrame. Every arrest gets exactly the
decision :meth:`divert.Policy.evaluate` gives the encounter its row stands
for. Data crosses into the C++ core through the Arrow PyCapsule interface
(``__arrow_c_stream__``) without being copied.

A :class:`Screener` keeps the :class:`ScreeningSummary` of what it saw:
rows, arrests, outcomes, and the values the mapping could not use, by
column.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Union

from divert import _core
from divert.v1 import encounter_pb2, screening_pb2

if TYPE_CHECKING:  # pragma: no cover
    from divert.policy import Policy

__all__ = ["Mapping", "Screener", "screen", "ScreeningSummary", "MappingLike"]

#: What a screening run saw (``divert.v1.ScreeningSummary``).
ScreeningSummary = screening_pb2.ScreeningSummary


class Mapping:
    """A column mapping (``divert.v1.ColumnMapping``): which column feeds
    which encounter field, and how values translate.

        >>> mapping = divert.Mapping.from_text('''
        ...     name: "example" shape: ARREST_PER_ROW
        ...     defaults { pathway: ARREST_DIVERSION }
        ...     columns { column: "LAW_CODE" field: "charges.statute_code" }
        ... ''')
        >>> mapping.name
        'example'
    """

    __slots__ = ("message",)

    def __init__(self, message: screening_pb2.ColumnMapping) -> None:
        self.message = message

    @classmethod
    def from_text(cls, text: str) -> Mapping:
        """Parses a mapping in text format (or proto3 JSON); raises
        ValueError naming the line and column of a mistake."""
        message = screening_pb2.ColumnMapping()
        message.ParseFromString(_core.parse_mapping(text))
        return cls(message)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Mapping:
        """Reads a mapping file (text format, or JSON)."""
        text = Path(path).read_text(encoding="utf-8")
        try:
            return cls.from_text(text)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None

    @classmethod
    def from_columns(cls, names: list[str]) -> Mapping:
        """The mapping of a table whose columns are named after encounter
        field paths (``occurred_at``, ``charges.statute_code``,
        ``person.race_ethnicity``): each such column feeds its field, one row
        per arrest, arrest diversions unless a ``pathway`` column says
        otherwise. Raises ValueError when no column names a field."""
        encounter = encounter_pb2.Encounter.DESCRIPTOR
        message = screening_pb2.ColumnMapping(name="by column names", shape=screening_pb2.ARREST_PER_ROW)
        message.defaults.pathway = encounter_pb2.ARREST_DIVERSION
        for name in names:
            descriptor: Any = encounter
            field: Any = None
            for part in name.split("."):
                field = descriptor.fields_by_name.get(part) if descriptor is not None else None
                if field is None:
                    break
                descriptor = field.message_type
            value = field is not None and (
                field.message_type is None or field.message_type.full_name == "google.protobuf.Timestamp")
            if value:
                message.columns.add(column=name, field=name)
        if not message.columns:
            raise ValueError(
                "no column is named after an encounter field (such as charges.statute_code or "
                "occurred_at); give a column mapping"
            )
        return cls(message)

    @property
    def name(self) -> str:
        return str(self.message.name)

    @property
    def source(self) -> str:
        return str(self.message.source)

    def __repr__(self) -> str:
        return f"<divert.Mapping {self.name or '(unnamed)'}, {len(self.message.columns)} columns>"


#: A mapping, its text, or the path of its file.
MappingLike = Union[Mapping, screening_pb2.ColumnMapping, str, "os.PathLike[str]"]


def _as_mapping(mapping: MappingLike) -> Mapping:
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, screening_pb2.ColumnMapping):
        return Mapping(mapping)
    if isinstance(mapping, os.PathLike):
        return Mapping.from_file(mapping)
    if isinstance(mapping, str):
        if "\n" not in mapping and Path(mapping).is_file():
            return Mapping.from_file(mapping)
        return Mapping.from_text(mapping)
    raise TypeError(f"a mapping is a divert.Mapping, its text or its file, not {type(mapping).__name__}")


class _Capsule:
    """Hands a stream PyCapsule to a consumer of the PyCapsule interface."""

    __slots__ = ("_capsule",)

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._capsule


def _module_of(data: Any) -> str:
    return type(data).__module__.split(".")[0]


def _pyarrow() -> Any:
    """pyarrow (untyped for mypy), imported when a table is screened:
    ``import divert`` does not need it."""
    return importlib.import_module("pyarrow")


class Screener:
    """A policy joined with a mapping; screens any number of tables and
    counts what it saw in :attr:`summary`.

    Not thread-safe: use one Screener per thread (they are cheap).
    """

    __slots__ = ("_core", "policy", "mapping")

    def __init__(self, policy: Policy, mapping: MappingLike) -> None:
        self.policy = policy
        self.mapping = _as_mapping(mapping)
        # The policy compiled once is shared, not compiled again.
        self._core = _core.Screener(policy._compiled, self.mapping.message.SerializeToString())

    @property
    def result_columns(self) -> list[str]:
        """The names of the columns screening adds, in order."""
        return list(self._core.result_columns())

    @property
    def fields_read(self) -> list[str]:
        """The encounter fields the policy's conditions read
        (``divert.v1.Charge.level``, ...): only columns feeding them, the
        date and the charge codes can change a decision."""
        return list(self._core.fields_read())

    @property
    def summary(self) -> ScreeningSummary:
        """What every table screened so far held."""
        summary = screening_pb2.ScreeningSummary()
        summary.ParseFromString(self._core.summary())
        return summary

    def screen_stream(self, data: Any, *, progress: bool | str = False) -> Any:
        """Screens anything with ``__arrow_c_stream__`` into a lazy
        pyarrow RecordBatchReader: batches are screened as they are read.

        `progress` shows a tqdm bar of the rows screened (``tqdm.auto``: a
        widget in Jupyter, text on a terminal); a string is its label."""
        pyarrow = _pyarrow()

        if not hasattr(data, "__arrow_c_stream__"):
            raise TypeError(
                f"cannot screen a {type(data).__name__}: it does not export an Arrow stream "
                "(__arrow_c_stream__); pass a pyarrow Table or RecordBatchReader, a pandas "
                "DataFrame or a polars DataFrame"
            )
        total = _rows(data)
        capsule = self._core.screen(data.__arrow_c_stream__())
        reader = pyarrow.RecordBatchReader.from_stream(_Capsule(capsule))
        if not progress:
            return reader
        label = progress if isinstance(progress, str) else "screening"
        return pyarrow.RecordBatchReader.from_batches(reader.schema, _counted(reader, label, total))

    def screen(self, data: Any, *, progress: bool | str = False) -> Any:
        """Screens `data` and returns the same kind of table with the
        result columns added (see the module's documentation); `progress`
        as for :meth:`screen_stream`."""
        pyarrow = _pyarrow()

        if isinstance(data, pyarrow.RecordBatchReader):
            return self.screen_stream(data, progress=progress)
        if isinstance(data, (pyarrow.Table, pyarrow.RecordBatch)):
            table = data if isinstance(data, pyarrow.Table) else pyarrow.Table.from_batches([data])
            return self.screen_stream(table, progress=progress).read_all()
        module = _module_of(data)
        if module == "pandas":
            table = pyarrow.Table.from_pandas(data, preserve_index=False)
            return self.screen_stream(table, progress=progress).read_all().to_pandas()
        if module == "polars":
            polars = importlib.import_module("polars")
            return polars.from_arrow(self.screen_stream(data, progress=progress).read_all())
        return self.screen_stream(data, progress=progress)


def _rows(data: Any) -> int | None:
    """The rows of a table whose size is known before it is read."""
    rows = getattr(data, "num_rows", None)
    if isinstance(rows, int):
        return rows
    height = getattr(data, "height", None)  # polars
    return height if isinstance(height, int) else None


def _counted(batches: Any, label: str, total: int | None) -> Iterator[Any]:
    """`batches`, counting their rows on a tqdm progress bar."""
    tqdm = importlib.import_module("tqdm.auto").tqdm
    with tqdm(desc=label, total=total, unit=" rows", unit_scale=True, file=sys.stderr) as bar:
        for batch in batches:
            bar.update(batch.num_rows)
            yield batch


def screen(policy: Policy, data: Any, mapping: MappingLike, *, progress: bool | str = False) -> Any:
    """Screens `data` (a pyarrow Table or RecordBatchReader, a pandas or
    polars DataFrame, or anything with ``__arrow_c_stream__``) under
    `policy` with `mapping`; returns the same kind with result columns.
    `progress` shows a tqdm bar (see :meth:`Screener.screen_stream`)."""
    return Screener(policy, mapping).screen(data, progress=progress)

