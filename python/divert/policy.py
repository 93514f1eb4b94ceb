"""Site policies: compile once, decide many encounters.

A LEAD site's eligibility policy (a ``divert.v1.SitePolicy``: criteria,
exclusions, review triggers, the offense catalog, program settings, as a
history of versions the Policy Coordinating Group approved) is compiled
once into a :class:`Policy`. Compiling finds every problem at once, each
with its version, rule id and line:column, and raises
:class:`divert.PolicyError`. A compiled policy decides encounters into
``divert.v1.Decision`` messages that explain themselves, from any number of
threads at once.

The examples below run from the root of the divert repository::

    >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
    >>> policy
    <divert.Policy nyc-example1, versions 2017-1, 2018-1>
    >>> decision = policy.evaluate({
    ...     "occurredAt": "2017-12-14T15:20:00Z",
    ...     "pathway": "ARREST_DIVERSION",
    ...     "person": {"needs": {"drugs": True}},
    ...     "charges": [{"statuteCode": "PL 120.00"}],
    ...     "circumstances": {"ableToConsent": True},
    ... })
    >>> divert.v1.decision_pb2.Outcome.Name(decision.outcome)
    'EXCLUDED'
    >>> print(decision.summary)  # doctest: +ELLIPSIS
    Excluded from arrest diversion under policy 2017-1, approved 2017-06-15: ... violent offense (PL 120.00 Assault in the third degree).

Encounters are ``divert.v1.Encounter`` messages or dicts shaped like their
proto3 JSON (``"occurredAt"`` or ``"occurred_at"``; enums by name). An
optional fact left out is unknown, never "no": a decision that turns on it
is NEEDS_INFORMATION and asks for it.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping, Union

from google.protobuf import json_format

from divert import _core
from divert.errors import DecisionError, PolicyError, PolicyIssue
from divert.v1 import decision_pb2, encounter_pb2, policy_pb2

__all__ = ["Policy", "PolicyError", "PolicyIssue", "DecisionError", "EncounterLike"]

#: What :meth:`Policy.evaluate` takes: an Encounter message, or a dict shaped
#: like its proto3 JSON.
EncounterLike = Union[encounter_pb2.Encounter, Mapping[str, Any]]

# File name endings and the format each one means (Policy.from_file).
_FORMATS_BY_SUFFIX = {
    ".textproto": "text",
    ".txtpb": "text",
    ".pbtxt": "text",
    ".json": "json",
    ".binpb": "binary",
    ".pb": "binary",
}


def _format_for(path: Path) -> str:
    suffix = path.suffix.lower()
    try:
        return _FORMATS_BY_SUFFIX[suffix]
    except KeyError:
        known = ", ".join(_FORMATS_BY_SUFFIX)
        raise ValueError(
            f"{path}: cannot tell the policy's format from its name (expected one of "
            f"{known}); pass format='text', 'json' or 'binary'"
        ) from None


def _compile(data: bytes, fmt: str, source: str | None) -> Any:
    compiled, message, issues = _core.policy_compile(data, fmt)
    if compiled is None:
        raise PolicyError(
            message,
            issues=[PolicyIssue(*issue) for issue in issues],
            source=source,
        )
    return compiled


# json_format's messages end "... at Encounter.charges[0].level." and
# nest "Failed to parse charges field: Failed to parse level field: ...".
_AT_PATH = re.compile(r" at Encounter\.([\w.\[\]]+?)\.*$")
_PARSE_FIELD = re.compile(r"Failed to parse (\w+) field")
_NO_FIELD = re.compile(r'has no field named "([^"]*)"')


def _encounter_error(error: Exception) -> DecisionError:
    """A DecisionError for a dict that is not an Encounter, naming the field
    but never the value (json_format's own message may quote it)."""
    text = str(error)
    at = _AT_PATH.search(text)
    path = at.group(1) if at else ".".join(_PARSE_FIELD.findall(text))
    unknown = _NO_FIELD.search(text)
    where = f"encounter.{path}" if path else "encounter"
    if unknown:
        message = f"{where}: unknown field '{unknown.group(1)}'"
    elif path:
        message = f"{where}: not a valid value for this field"
    else:
        message = "encounter: not shaped like a divert.v1.Encounter in proto3 JSON"
    return DecisionError(message, code="INVALID_ARGUMENT")


def _encounter_bytes(encounter: EncounterLike) -> bytes:
    if isinstance(encounter, encounter_pb2.Encounter):
        return encounter.SerializeToString()
    if isinstance(encounter, Mapping):
        message = encounter_pb2.Encounter()
        try:
            json_format.ParseDict(dict(encounter), message)
        except (json_format.ParseError, TypeError, ValueError, AttributeError) as error:
            raise _encounter_error(error) from None
        return message.SerializeToString()
    raise TypeError(
        "an encounter is a divert.v1.Encounter or a dict shaped like its proto3 JSON, not "
        f"{type(encounter).__name__}"
    )


def _decision(status: str, payload: Any, where: str = "") -> decision_pb2.Decision:
    if status:
        raise DecisionError(f"{where}{payload}", code=status)
    decision = decision_pb2.Decision()
    decision.ParseFromString(payload)
    return decision


class Policy:
    """A compiled site policy: immutable, safe to share between threads.

    Made by :meth:`from_file`, :meth:`from_text`, :meth:`from_json`,
    :meth:`from_bytes` or :meth:`from_message`::

        >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
        >>> policy.site_id, policy.versions
        ('nyc-example1', ('2017-1', '2018-1'))
    """

    __slots__ = ("_compiled", "_site_policy", "_lock")

    def __init__(self, compiled: Any) -> None:
        # Made by the from_* class methods; not meant to be called directly.
        self._compiled = compiled
        self._site_policy: policy_pb2.SitePolicy | None = None
        self._lock = threading.Lock()

    # --- making one ----------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, format: str | None = None) -> Policy:
        """Reads and compiles a policy file.

        The format comes from the file's name: ``.textproto``, ``.txtpb`` or
        ``.pbtxt`` for text format, ``.json`` for proto3 JSON, ``.binpb`` or
        ``.pb`` for binary; ``format`` ("text", "json" or "binary") overrides
        it. Raises :class:`divert.PolicyError` (its message starts with the
        path) when the policy does not compile, OSError when the file cannot
        be read.

            >>> divert.Policy.from_file("examples/policies/santa_fe_variant.textproto").site_id
            'santa-fe'
        """
        file = Path(path)
        fmt = format if format is not None else _format_for(file)
        if fmt not in ("text", "json", "binary"):
            raise ValueError(f"format must be 'text', 'json' or 'binary', not {fmt!r}")
        return cls(_compile(file.read_bytes(), fmt, str(path)))

    @classmethod
    def from_text(cls, text: str) -> Policy:
        """Compiles a policy written in protobuf text format, the form policies
        are written in by hand.

            >>> policy = divert.Policy.from_text('''
            ...   site_id: "demo" time_zone: "America/New_York"
            ...   versions {
            ...     version: "2024-1"
            ...     approved_on { year: 2024 month: 1 day: 10 }
            ...     effective_from { year: 2024 month: 2 day: 1 }
            ...     rules { id: "criterion.adult" kind: CRITERION text: "An adult."
            ...             condition: "encounter.person.age >= 18" }
            ...   }''')
            >>> policy.versions
            ('2024-1',)
        """
        return cls(_compile(text.encode("utf-8"), "text", None))

    @classmethod
    def from_json(cls, text: str | bytes) -> Policy:
        """Compiles a policy written as proto3 JSON.

            >>> policy = divert.Policy.from_json(
            ...     '{"siteId": "demo", "timeZone": "UTC", "versions": [{"version": "1",'
            ...     ' "approvedOn": {"year": 2024, "month": 1, "day": 1},'
            ...     ' "effectiveFrom": {"year": 2024, "month": 1, "day": 2}}]}')
            >>> policy.site_id
            'demo'
        """
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        return cls(_compile(data, "json", None))

    @classmethod
    def from_bytes(cls, data: bytes) -> Policy:
        """Compiles a serialized ``divert.v1.SitePolicy`` (binary wire format).

            >>> policy = divert.Policy.from_file("examples/policies/santa_fe_variant.textproto")
            >>> divert.Policy.from_bytes(policy.site_policy.SerializeToString()).versions
            ('2014-1',)
        """
        return cls(_compile(bytes(data), "binary", None))

    @classmethod
    def from_message(cls, site_policy: policy_pb2.SitePolicy) -> Policy:
        """Compiles a ``divert.v1.SitePolicy`` message, e.g. one built in code.

            >>> from divert.v1 import person_pb2, policy_pb2
            >>> message = policy_pb2.SitePolicy(site_id="demo", time_zone="UTC")
            >>> version = message.versions.add(version="1")
            >>> version.approved_on.CopyFrom(person_pb2.Date(year=2024, month=1, day=1))
            >>> version.effective_from.CopyFrom(person_pb2.Date(year=2024, month=1, day=2))
            >>> divert.Policy.from_message(message).site_id
            'demo'
        """
        if not isinstance(site_policy, policy_pb2.SitePolicy):
            raise TypeError(
                f"from_message takes a divert.v1.SitePolicy, not {type(site_policy).__name__}"
            )
        return cls(_compile(site_policy.SerializeToString(), "binary", None))

    # --- what it is ------------------------------------------------------------------

    @property
    def site_id(self) -> str:
        """The site's id.

        >>> divert.Policy.from_file("examples/policies/example1_new_york.textproto").site_id
        'nyc-example1'
        """
        return str(self._compiled.site_id)

    @property
    def versions(self) -> tuple[str, ...]:
        """The version labels, oldest first.

        >>> divert.Policy.from_file("examples/policies/example1_new_york.textproto").versions
        ('2017-1', '2018-1')
        """
        return tuple(self._compiled.versions)

    @property
    def site_policy(self) -> policy_pb2.SitePolicy:
        """The ``divert.v1.SitePolicy`` this policy was compiled from (a copy:
        changing it changes nothing here).

        >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
        >>> policy.site_policy.time_zone
        'America/New_York'
        """
        with self._lock:
            if self._site_policy is None:
                message = policy_pb2.SitePolicy()
                message.ParseFromString(self._compiled.site_policy())
                self._site_policy = message
            copy = policy_pb2.SitePolicy()
            copy.CopyFrom(self._site_policy)
        return copy

    # --- deciding --------------------------------------------------------------------

    def _version_label(self, version: str | None) -> str:
        if version is None or version == "":
            return ""
        if version not in self._compiled.versions:
            known = ", ".join(self._compiled.versions)
            raise ValueError(f"policy {self.site_id} has no version {version!r} (versions: {known})")
        return version

    def evaluate(
        self, encounter: EncounterLike, *, version: str | None = None
    ) -> decision_pb2.Decision:
        """Decides one encounter and returns the ``divert.v1.Decision``.

        The version in force on the encounter's local date (its
        ``occurred_at`` in the site's time zone) decides, unless ``version``
        names one. Raises :class:`divert.DecisionError` when the encounter
        cannot be decided (no date or pathway, a value of the wrong type:
        ``code`` "INVALID_ARGUMENT"; no version in force on its date: "NOT_FOUND"),
        ValueError for a version the policy does not have. The GIL is
        released while the encounter is decided.

            >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
            >>> encounter = {
            ...     "occurredAt": "2017-12-14T15:20:00Z",
            ...     "pathway": "ARREST_DIVERSION",
            ...     "person": {"needs": {"drugs": True}},
            ...     "charges": [{"statuteCode": "PL 220.03", "drugQuantityGrams": 1.5}],
            ...     "circumstances": {"victimPresent": False, "ableToConsent": True,
            ...                       "imminentDanger": False, "onSupervision": False,
            ...                       "outstandingWarrants": False,
            ...                       "exploitsMinorsOrOthers": False,
            ...                       "offenseRelatedToNeeds": True},
            ... }
            >>> divert.v1.decision_pb2.Outcome.Name(policy.evaluate(encounter).outcome)
            'EXCLUDED'
            >>> decision = policy.evaluate(encounter, version="2018-1")
            >>> decision.policy_version, divert.v1.decision_pb2.Outcome.Name(decision.outcome)
            ('2018-1', 'ELIGIBLE')
        """
        label = self._version_label(version)
        status, payload = self._compiled.evaluate(_encounter_bytes(encounter), label)
        return _decision(status, payload)

    def evaluate_many(
        self, encounters: Iterable[EncounterLike], *, version: str | None = None
    ) -> list[decision_pb2.Decision]:
        """Decides each encounter, as :meth:`evaluate`, releasing the GIL once
        for all of them. Raises :class:`divert.DecisionError` for the first
        encounter that cannot be decided (its message starts with its index).

            >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
            >>> social = {"occurredAt": "2017-12-28T10:00:00Z", "pathway": "SOCIAL_CONTACT",
            ...           "person": {"needs": {"poverty": True}},
            ...           "circumstances": {"onSupervision": False, "outstandingWarrants": False}}
            >>> [divert.v1.decision_pb2.Outcome.Name(d.outcome)
            ...  for d in policy.evaluate_many([social, social])]
            ['ELIGIBLE', 'ELIGIBLE']
        """
        label = self._version_label(version)
        data = []
        for index, encounter in enumerate(encounters):
            try:
                data.append(_encounter_bytes(encounter))
            except DecisionError as error:
                raise DecisionError(f"encounter {index}: {error.message}", code=error.code) from None
        results = self._compiled.evaluate_many(data, label)
        return [
            _decision(status, payload, f"encounter {index}: ")
            for index, (status, payload) in enumerate(results)
        ]

    # --- screening tables --------------------------------------------------------------

    def screen(self, data: Any, mapping: Any, *, progress: bool | str = False) -> Any:
        """Screens a table of arrests under this policy: `data` is a pyarrow
        Table or RecordBatchReader, a pandas or polars DataFrame (anything
        with ``__arrow_c_stream__``), `mapping` a :class:`divert.Mapping`,
        its text or its file. Returns the same kind of table with result
        columns added; see :mod:`divert.screen`. `progress` shows a tqdm
        progress bar of the rows screened (a string is its label)."""
        from divert.screen import screen

        return screen(self, data, mapping, progress=progress)

    # --- checking and reading ----------------------------------------------------------

    def check(self) -> decision_pb2.FidelityReport:
        """Checks every version against LEAD's non-negotiables and returns the
        ``divert.v1.FidelityReport``: findings with a severity (NOTE,
        WARNING, VIOLATION), a stable code, the version, rule and toolkit
        section. Shown as a table in Jupyter; :func:`divert.explain` gives
        it as text.

            >>> report = divert.Policy.from_file(
            ...     "examples/policies/example1_new_york.textproto").check()
            >>> sorted({divert.v1.decision_pb2.FidelityFinding.Severity.Name(f.severity)
            ...         for f in report.findings})
            ['NOTE']
        """
        report = decision_pb2.FidelityReport()
        report.ParseFromString(self._compiled.check_fidelity())
        return report

    def _render(self, version: str | None, fmt: str) -> str:
        status, text = self._compiled.render(self._version_label(version), fmt)
        if status:
            raise ValueError(text)
        return str(text)

    def to_markdown(self, version: str | None = None) -> str:
        """The policy as a Markdown document for the Policy Coordinating Group:
        one version (the newest unless ``version`` names one) with its rules
        in plain language, conditions and citations, parameters, program
        settings, the offense catalog, and what changed from the version
        before.

            >>> text = divert.Policy.from_file(
            ...     "examples/policies/example1_new_york.textproto").to_markdown("2018-1")
            >>> "2018-1" in text and "max_drug_quantity_grams" in text
            True
        """
        return self._render(version, "markdown")

    def to_html(self, version: str | None = None) -> str:
        """The same document as :meth:`to_markdown`, as a standalone HTML page.

            >>> divert.Policy.from_file(
            ...     "examples/policies/santa_fe_variant.textproto").to_html().lstrip()[:15]
            '<!DOCTYPE html>'
        """
        return self._render(version, "html")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled as its SitePolicy (e.g. for multiprocessing); compiled again
        # when unpickled.
        return (Policy.from_bytes, (bytes(self._compiled.site_policy()),))

    def _repr_html_(self) -> str:
        """Jupyter shows a policy as its rendered newest version."""
        return self.to_html()

    def __repr__(self) -> str:
        return f"<divert.Policy {self.site_id}, versions {', '.join(self.versions)}>"
