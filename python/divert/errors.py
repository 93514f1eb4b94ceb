"""The exceptions divert raises.

Every error of the library is a :class:`divert.Error`. Problems with a CEL
expression carry where they are::

    >>> import divert
    >>> try:
    ...     divert.cel.compile("age >= ", {"age": "int"})
    ... except divert.CelSyntaxError as e:
    ...     print(e.line, e.column)
    1 8

Messages name positions, variables, fields and types, never the data being
evaluated (which may identify a person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = [
    "Error",
    "CelIssue",
    "CelError",
    "CelSyntaxError",
    "CelTypeError",
    "CelLimitError",
    "CelEvaluationError",
    "PolicyIssue",
    "PolicyError",
    "DecisionError",
]


class Error(Exception):
    """The base class of every error divert raises.

    >>> issubclass(divert.CelError, divert.Error)
    True
    """


@dataclass(frozen=True)
class CelIssue:
    """One problem found while compiling a CEL expression.

    ``kind`` is ``"syntax"``, ``"type"`` or ``"limit"``; ``line`` and
    ``column`` are 1-based (columns count code points), 0 when unknown.

    >>> CelIssue("type", 1, 14, "undeclared reference to 'agee'").column
    14
    """

    kind: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.kind} error: {self.message}"


class CelError(Error):
    """A CEL expression failed to compile or to evaluate.

    ``str(error)`` lists every issue with the source line and a caret;
    ``.line``, ``.column`` and ``.message`` describe the first one and
    ``.issues`` holds them all.

    >>> try:
    ...     divert.cel.compile("age >= 18 && agee < 65", {"age": "int"})
    ... except divert.CelError as e:
    ...     (e.line, e.column, e.message)
    (1, 14, "undeclared reference to 'agee' (in container '')")
    """

    line: int | None
    column: int | None
    message: str
    issues: tuple[CelIssue, ...]

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        issues: Iterable[CelIssue] = (),
        details: str | None = None,
    ) -> None:
        super().__init__(details if details is not None else message)
        self.message = message
        self.line = line
        self.column = column
        self.issues = tuple(issues)

    def __repr__(self) -> str:
        where = f" at {self.line}:{self.column}" if self.line is not None else ""
        return f"{type(self).__name__}({self.message!r}{where})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:  # keep the attributes through pickling
        return (
            _rebuild_cel_error,
            (type(self), self.message, self.line, self.column, self.issues, str(self)),
        )


def _rebuild_cel_error(
    cls: type[CelError],
    message: str,
    line: int | None,
    column: int | None,
    issues: tuple[CelIssue, ...],
    details: str,
) -> CelError:
    return cls(message, line=line, column=column, issues=issues, details=details)


class CelSyntaxError(CelError):
    """A CEL expression could not be parsed.

    >>> try:
    ...     divert.cel.evaluate("1 +")
    ... except divert.CelSyntaxError as e:
    ...     e.line
    1
    """


class CelTypeError(CelError):
    """A CEL expression does not type-check against its declarations.

    >>> try:
    ...     divert.cel.compile("age + 'x'", {"age": "int"})
    ... except divert.CelTypeError as e:
    ...     e.issues[0].kind
    'type'
    """


class CelLimitError(CelError):
    """A CEL expression is too long, too deeply nested or too large.

    >>> try:
    ...     divert.cel.evaluate("(" * 1000 + "1" + ")" * 1000)
    ... except divert.CelLimitError as e:
    ...     e.issues[0].kind
    'limit'
    """


class CelEvaluationError(CelError):
    """Evaluating a CEL expression produced an error (``.line`` and
    ``.column`` are None).

    >>> try:
    ...     divert.cel.evaluate("1 / 0")
    ... except divert.CelEvaluationError as e:
    ...     e.message
    'division by zero'
    """


_KIND_TO_CLASS: dict[str, type[CelError]] = {
    "syntax": CelSyntaxError,
    "type": CelTypeError,
    "limit": CelLimitError,
}


def _compile_error(details: str, issues: list[tuple[str, int, int, str]]) -> CelError:
    """The exception for a failed compilation (used by divert.cel)."""
    cel_issues = [CelIssue(kind, line, column, message) for kind, line, column, message in issues]
    if not cel_issues:  # a failure the compiler reported without a position
        return CelError(details)
    first = cel_issues[0]
    cls = _KIND_TO_CLASS.get(first.kind, CelError)
    return cls(
        first.message,
        line=first.line,
        column=first.column,
        issues=cel_issues,
        details=details,
    )


# --- site policies ---------------------------------------------------------------


@dataclass(frozen=True)
class PolicyIssue:
    """One problem found while compiling a site policy.

    ``version`` is the version label and ``rule_id`` the rule ("" when the
    problem is not in one version or rule). ``line`` and ``column`` are
    1-based, 0 when there is no position: for a condition they point into
    the rule's condition, for a syntax error into the policy text.

    >>> issue = PolicyIssue("2024-2", "exclusion.violent", 1, 8, "undefined field 'violnt'")
    >>> str(issue)
    "version 2024-2, rule exclusion.violent, 1:8: undefined field 'violnt'"
    """

    version: str
    rule_id: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        parts = []
        if self.version:
            parts.append(f"version {self.version}, ")
        if self.rule_id:
            parts.append(f"rule {self.rule_id}, ")
        if self.line > 0:
            parts.append(f"{self.line}:{self.column}: ")
        parts.append(self.message)
        return "".join(parts)


class PolicyError(Error):
    """A site policy does not compile.

    ``.issues`` holds every problem found (:class:`PolicyIssue`), and
    ``str(error)`` lists them, one per line::

        >>> try:
        ...     divert.Policy.from_text('site_id: "x" versions { version: 7 7 }')
        ... except divert.PolicyError as e:
        ...     print(e.issues[0].line, e.issues[0].column)
        1 34
    """

    issues: tuple[PolicyIssue, ...]
    source: str | None

    def __init__(
        self,
        message: str,
        *,
        issues: Iterable[PolicyIssue] = (),
        source: str | None = None,
    ) -> None:
        super().__init__(f"{source}: {message}" if source else message)
        self.message = message
        self.issues = tuple(issues)
        self.source = source

    def __repr__(self) -> str:
        return f"PolicyError({len(self.issues)} issue{'s' if len(self.issues) != 1 else ''})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:  # keep the attributes through pickling
        return (_rebuild_policy_error, (self.message, self.issues, self.source))


def _rebuild_policy_error(
    message: str, issues: tuple[PolicyIssue, ...], source: str | None
) -> PolicyError:
    return PolicyError(message, issues=issues, source=source)


class DecisionError(Error, ValueError):
    """An encounter could not be decided.

    ``.code`` says why: ``"INVALID_ARGUMENT"`` when the encounter is not one
    (no date or pathway, a value of the wrong type), ``"NOT_FOUND"`` when no
    version of the policy is in force on its date, ``"RESOURCE_EXHAUSTED"``
    when it is past a limit of docs/limits.md. Messages name fields,
    never their values::

        >>> try:
        ...     divert.Policy.from_text(
        ...         'site_id: "x" time_zone: "UTC" versions { version: "1" '
        ...         'approved_on { year: 2024 month: 1 day: 1 } '
        ...         'effective_from { year: 2024 month: 1 day: 2 } }'
        ...     ).evaluate({"pathway": "SOCIAL_CONTACT"})
        ... except divert.DecisionError as e:
        ...     e.code
        'INVALID_ARGUMENT'
    """

    code: str

    def __init__(self, message: str, *, code: str = "INVALID_ARGUMENT") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_rebuild_decision_error, (self.message, self.code))


def _rebuild_decision_error(message: str, code: str) -> DecisionError:
    return DecisionError(message, code=code)


# json_format's messages nest "Failed to parse charges field: Failed to parse
# level field: <reason>", and the reason may quote the value.
_PARSE_FIELD = re.compile(r"Failed to parse (\w+) field")
_NO_FIELD = re.compile(r'has no field named "([^"]*)"')
_BAD_JSON = re.compile(r"^Failed to load JSON: .*?(line \d+ column \d+)")


def _json_problem(what: str, error: Exception) -> str:
    """What json_format found wrong in `what`: the field and the kind of
    problem, or the line and column of bad JSON, never the value.

    >>> from google.protobuf import json_format
    >>> from divert.v1 import metrics_pb2
    >>> try:
    ...     json_format.Parse('{"arrests": [{"jailDays": "Jane"}]}', metrics_pb2.MetricRecords())
    ... except json_format.ParseError as e:
    ...     print(_json_problem("records", e))
    records.arrests.jailDays: not a valid value for this field
    """
    text = str(error)
    unknown = _NO_FIELD.search(text)
    path = ".".join(_PARSE_FIELD.findall(text))
    bad_json = _BAD_JSON.search(text)
    if unknown:
        return f"{what}: unknown field '{unknown.group(1)}'"
    if path:
        return f"{what}.{path}: not a valid value for this field"
    if bad_json:
        return f"{what}: not valid JSON at {bad_json.group(1)}"
    return f"{what}: not shaped like its proto3 JSON"
