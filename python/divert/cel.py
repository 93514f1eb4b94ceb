"""CEL (Common Expression Language) conditions: compile once, evaluate many.

Rule conditions in divert are CEL expressions. Evaluate one directly::

    >>> from divert import cel
    >>> cel.evaluate("age >= 18 && !('felony' in charges)",
    ...              {"age": 34, "charges": ["misdemeanor"]})
    True

or compile it against declared variable types (checked once, with every
problem reported by line and column) and evaluate it many times, from any
number of threads::

    >>> program = cel.compile("age >= 18", {"age": "int"})
    >>> program.evaluate({"age": 17})
    False

Python values map to CEL values and back:

==========================  ===============================================
Python                      CEL
==========================  ===============================================
None                        null
bool                        bool
int                         int (uint when declared so, or beyond int64)
float                       double
str                         string
bytes, bytearray            bytes
list, tuple                 list
dict                        map (keys str, int or bool)
datetime.datetime           google.protobuf.Timestamp (naive means UTC;
                            results are aware, in UTC)
datetime.timedelta          google.protobuf.Duration
divert.v1 messages          messages (results: divert.v1 message objects)
==========================  ===============================================

When a result depends on facts marked unknown, evaluation returns an
:class:`Unknown` naming them instead of a value.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from divert import _core
from divert.errors import (
    CelError,
    CelEvaluationError,
    CelIssue,
    CelLimitError,
    CelSyntaxError,
    CelTypeError,
    _compile_error,
)

__all__ = [
    "evaluate",
    "compile",
    "Program",
    "Unknown",
    "CelError",
    "CelIssue",
    "CelSyntaxError",
    "CelTypeError",
    "CelLimitError",
    "CelEvaluationError",
]


@dataclass(frozen=True)
class Unknown:
    """The result of an evaluation that depends on facts marked unknown.

    ``attributes`` names them (variables or field paths), sorted::

        >>> cel.evaluate("age >= 18 || veteran", {"age": 17}, unknown=["veteran"])
        Unknown(attributes=('veteran',))

    A result that does not depend on them is a value as usual:
    ``cel.evaluate("age >= 18 || veteran", {"age": 40}, unknown=["veteran"])``
    is True.
    """

    attributes: tuple[str, ...]


class Program:
    """A compiled CEL expression: immutable, safe to share between threads.

    Made by :func:`compile`::

        >>> program = cel.compile("size(charges) > 1", {"charges": "list(string)"})
        >>> program.result_type
        'bool'
        >>> program.evaluate({"charges": ["theft", "trespass"]})
        True
    """

    __slots__ = ("_program", "_expression")

    def __init__(self, program: _core.CelProgram, expression: str) -> None:
        # Made by compile(); not meant to be called directly.
        self._program = program
        self._expression = expression

    @property
    def expression(self) -> str:
        """The source text the program was compiled from.

        >>> cel.compile("1 + 1").expression
        '1 + 1'
        """
        return self._expression

    @property
    def result_type(self) -> str:
        """The type of the result in CEL's notation ("bool", "list(int)";
        "dyn" when not known before evaluation).

        >>> cel.compile("[1, 2]").result_type
        'list(int)'
        """
        return self._program.result_type

    def evaluate(
        self,
        bindings: Mapping[str, Any] | None = None,
        *,
        unknown: Iterable[str] = (),
        unset_fields_are_unknown: bool = False,
    ) -> Any:
        """Evaluates the program with ``bindings`` (variable name to value).

        ``unknown`` marks variables or field paths ("encounter.person.age")
        as unknown: if the result depends on them, an :class:`Unknown` is
        returned. With ``unset_fields_are_unknown``, reading an unset message
        field that has presence (an ``optional`` scalar, a message field) is
        unknown too, instead of its default.

        Raises :class:`CelEvaluationError` when evaluation fails (division by
        zero, a missing map key), TypeError or ValueError when a binding does
        not fit its declared type. The GIL is released while the program
        runs.

            >>> cel.compile("x / y", {"x": "int", "y": "int"}).evaluate({"x": 7, "y": 2})
            3
        """
        return _evaluate(
            self._program, bindings, unknown=unknown, unset_fields_are_unknown=unset_fields_are_unknown
        )

    def __repr__(self) -> str:
        text = self._expression if len(self._expression) <= 40 else self._expression[:37] + "..."
        return f"<divert.cel.Program {text!r} -> {self.result_type}>"


def compile(  # noqa: A001 - the natural name; shadows the builtin only here
    expr: str,
    declarations: Mapping[str, str] | None = None,
    *,
    container: str = "",
) -> Program:
    """Parses and type-checks ``expr`` against ``declarations``.

    ``declarations`` maps each variable to its type in CEL's notation: bool,
    int, uint, double, string, bytes, null_type, dyn, list(T), map(K, V),
    google.protobuf.Timestamp, google.protobuf.Duration, or a message or
    enum name such as divert.v1.Encounter. ``container`` is the namespace
    in which type and enum names are resolved: with ``container="divert.v1"``
    an expression may say ``OffenseLevel.FELONY``.

    Raises :class:`CelSyntaxError`, :class:`CelTypeError` or
    :class:`CelLimitError` listing every problem found, and ValueError for a
    malformed declaration.

        >>> program = cel.compile(
        ...     "encounter.charges.exists(c, c.level == OffenseLevel.FELONY)",
        ...     {"encounter": "divert.v1.Encounter"}, container="divert.v1")
        >>> program.result_type
        'bool'
    """
    return _compile(expr, declarations, container, checked=True)


def evaluate(
    expr: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    unknown: Iterable[str] = (),
) -> Any:
    """Evaluates ``expr`` with ``bindings``, without declarations.

    The expression is parsed but not type-checked: every free identifier is
    a variable whose type is that of its binding, and type errors surface
    while evaluating (as :class:`CelEvaluationError`). Compiled expressions
    are cached, so evaluating the same text again is cheap. For rule
    conditions use :func:`compile`.

        >>> cel.evaluate("name.startsWith('J') && size(name) < 10", {"name": "Jo"})
        True
        >>> cel.evaluate("[1, 2, 3].map(x, x * 2)")
        [2, 4, 6]
    """
    program = _compile_unchecked(expr)
    return _evaluate(program._program, bindings, unknown=unknown, unset_fields_are_unknown=False)


# --- internals -----------------------------------------------------------------


def _compile(
    expr: str, declarations: Mapping[str, str] | None, container: str, *, checked: bool
) -> Program:
    if not isinstance(expr, str):
        raise TypeError(f"expr must be a str, not {type(expr).__name__}")
    decls = None if declarations is None else dict(declarations)
    program, details, issues = _core.cel_compile(expr, decls, container, checked)
    if program is None:
        raise _compile_error(details, issues)
    return Program(program, expr)


@functools.lru_cache(maxsize=256)
def _compile_unchecked(expr: str) -> Program:
    return _compile(expr, None, "", checked=False)


def _evaluate(
    program: _core.CelProgram,
    bindings: Mapping[str, Any] | None,
    *,
    unknown: Iterable[str],
    unset_fields_are_unknown: bool,
) -> Any:
    if isinstance(unknown, str):
        raise TypeError("unknown must be an iterable of attribute names, not a str")
    values = None if bindings is None else dict(bindings)
    kind, payload = program.evaluate(values, list(unknown), bool(unset_fields_are_unknown), _message_from_bytes)
    if kind == 0:
        return payload
    if kind == 1:
        return Unknown(tuple(payload))
    raise CelEvaluationError(payload)


_divert_v1_imported = False


def _import_divert_v1() -> None:
    """Imports every divert.v1 *_pb2 module, so that their messages are in
    the default descriptor pool."""
    global _divert_v1_imported
    if _divert_v1_imported:
        return
    try:
        import divert.v1 as v1
    except ImportError:  # a source tree without generated code
        _divert_v1_imported = True
        return
    for module in pkgutil.iter_modules(v1.__path__):
        if module.name.endswith("_pb2"):
            importlib.import_module(f"divert.v1.{module.name}")
    _divert_v1_imported = True


@functools.lru_cache(maxsize=None)
def _message_class(full_name: str) -> type:
    from google.protobuf import descriptor_pool, message_factory

    _import_divert_v1()
    if full_name.startswith("google.protobuf."):
        # The well-known types register themselves when imported.
        from google.protobuf import any_pb2, duration_pb2, struct_pb2, timestamp_pb2, wrappers_pb2  # noqa: F401
    descriptor = descriptor_pool.Default().FindMessageTypeByName(full_name)
    return message_factory.GetMessageClass(descriptor)


def _message_from_bytes(full_name: str, data: bytes) -> Any:
    message = _message_class(full_name)()
    message.ParseFromString(data)
    return message
