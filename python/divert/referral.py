"""The referral life cycle: an append-only log of events, and states derived from it.

After the eligibility decision, LEAD is a process: an offer and a warm
hand-off (arrest diversion) or OWG vetting (social contact referral), an
intake with written consent and a release of information, a deadline, and
participation with no time limit whose only exits are a Code of Conduct
violation, withdrawal or death. divert records it as ``divert.v1.ReferralEvent``
messages and derives every ``divert.v1.ReferralState`` from them.

:class:`Referrals` holds a site's log. Appending an event checks it first;
an event that breaks a rule raises :class:`ReferralError` naming the rule,
and changes nothing::

    >>> referrals = divert.Referrals({"intakeDeadlineDays": 30,
    ...                               "caseManagers": [{"id": "cm-1"}]})
    >>> referrals.append({"referralId": "r-1", "occurredAt": "2024-03-01T12:00:00Z",
    ...                   "recordedAt": "2024-03-01T13:00:00Z",
    ...                   "recordedBy": {"role": "ROLE_OFFICER"},
    ...                   "eligibilityRecorded": {"decisionId": "dec-1", "outcome": "ELIGIBLE"}})
    >>> referrals["r-1"].stage
    'ELIGIBILITY_RECORDED'
    >>> try:
    ...     referrals.append({"referralId": "r-1", "occurredAt": "2024-03-02T12:00:00Z",
    ...                       "recordedAt": "2024-03-02T13:00:00Z",
    ...                       "recordedBy": {"role": "ROLE_CASE_MANAGER"}, "enrolled": {}})
    ... except divert.ReferralError as e:
    ...     e.rule
    'intake.not_open'

Events are ``divert.v1.ReferralEvent`` messages or dicts shaped like their
proto3 JSON. Dates are local days in the site's time zone.
"""

from __future__ import annotations

import datetime
import importlib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence, Union

from google.protobuf import json_format

from divert import _core
from divert.errors import Error, _json_problem
from divert.store import EventStore
from divert.v1 import consent_pb2, decision_pb2, encounter_pb2, participant_pb2, policy_pb2, referral_pb2

__all__ = [
    "Referrals",
    "Referral",
    "ReferralError",
    "StatusChange",
    "apply",
    "EventLike",
    "SettingsLike",
    "PurposeLike",
    "agenda_markdown",
    "agenda_frames",
    "roster_csv",
    "roster_records",
    "roster_frame",
    "ROSTER_COLUMNS",
]

#: An event: a ReferralEvent message, or a dict shaped like its proto3 JSON.
EventLike = Union[referral_pb2.ReferralEvent, Mapping[str, Any]]
#: A disclosure purpose: its name ("OPERATIONS_REVIEW") or number.
PurposeLike = Union[str, int]
#: Program settings: a ProgramSettings message, or a dict shaped like its JSON.
SettingsLike = Union[policy_pb2.ProgramSettings, Mapping[str, Any]]


class ReferralError(Error, ValueError):
    """An event was rejected: it breaks a rule of the life cycle, or is malformed.

    ``.rule`` is the rule's id (``"enrolment.requires_consent_and_roi"``;
    docs/dev/lifecycle-brief.md lists them), ``.code`` is
    ``"FAILED_PRECONDITION"`` for a broken rule and ``"INVALID_ARGUMENT"``
    for a malformed event, and ``.index`` the position of the rejected event
    in a batch (None for a single event). Messages name rules, fields and
    referral ids, never a person's identifying values.
    """

    rule: str
    code: str
    index: int | None

    def __init__(self, message: str, *, rule: str = "", code: str = "INVALID_ARGUMENT",
                 index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.code = code
        self.index = index

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_rebuild_referral_error, (self.message, self.rule, self.code, self.index))


def _rebuild_referral_error(message: str, rule: str, code: str, index: int | None) -> ReferralError:
    return ReferralError(message, rule=rule, code=code, index=index)


_BATCH_INDEX = re.compile(r"^event (\d+): ")


def _raise_if_rejected(outcome: tuple[str, str, str]) -> None:
    code, rule, message = outcome
    if not code:
        return
    match = _BATCH_INDEX.match(message)
    index = int(match.group(1)) if match else None
    raise ReferralError(message, rule=rule, code=code, index=index)


def _parse_error(what: str, error: Exception) -> ReferralError:
    """A ReferralError naming the field json_format complained about, never its value."""
    return ReferralError(_json_problem(what, error), rule="", code="INVALID_ARGUMENT")


def _event(event: EventLike) -> referral_pb2.ReferralEvent:
    if isinstance(event, referral_pb2.ReferralEvent):
        return event
    if isinstance(event, Mapping):
        message = referral_pb2.ReferralEvent()
        try:
            json_format.ParseDict(dict(event), message)
        except (json_format.ParseError, TypeError, ValueError, AttributeError) as error:
            raise _parse_error("event", error) from None
        return message
    raise TypeError(f"an event is a divert.v1.ReferralEvent or a dict, not {type(event).__name__}")


def _event_bytes(events: Iterable[EventLike]) -> list[bytes]:
    return [_event(event).SerializeToString() for event in events]


def _settings_bytes(settings: SettingsLike) -> bytes:
    if isinstance(settings, policy_pb2.ProgramSettings):
        return settings.SerializeToString()
    if isinstance(settings, Mapping):
        message = policy_pb2.ProgramSettings()
        try:
            json_format.ParseDict(dict(settings), message)
        except (json_format.ParseError, TypeError, ValueError, AttributeError) as error:
            raise _parse_error("settings", error) from None
        return message.SerializeToString()
    raise TypeError(
        f"settings are a divert.v1.ProgramSettings or a dict, not {type(settings).__name__}"
    )


def _day(value: datetime.date | str) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    return value


def _purpose(purpose: PurposeLike) -> int:
    if isinstance(purpose, str):
        try:
            return int(consent_pb2.DisclosurePurpose.Value(purpose))
        except ValueError:
            names = ", ".join(consent_pb2.DisclosurePurpose.keys()[1:])
            raise ValueError(f"purpose: '{purpose}' is not one of {names}") from None
    return int(purpose)


def _date(value: Any) -> datetime.date | None:
    """A divert.v1.Date as a datetime.date, or None when unset."""
    if value.year == 0:
        return None
    return datetime.date(value.year, value.month, value.day)


@dataclass(frozen=True)
class StatusChange:
    """One change of a participant's status (``"ACTIVE"``, ``"INACTIVE"``) or tier."""

    date: datetime.date | None
    status: str
    tier: str


class Referral:
    """One referral's state, read from its ``divert.v1.ReferralState``.

    ``.state`` is the message itself; the properties below read it in
    Python's terms (stage and pathway names, ``datetime.date`` values).
    """

    def __init__(self, state: referral_pb2.ReferralState) -> None:
        self.state = state

    @property
    def referral_id(self) -> str:
        return self.state.referral_id

    @property
    def stage(self) -> str:
        """``"OFFER_ACCEPTED"``, ``"PENDING_VETTING"``, ``"ENROLLED"``, ``"EXITED"``, ..."""
        return referral_pb2.ReferralStage.Name(self.state.stage)

    @property
    def pathway(self) -> str:
        """``"ARREST_DIVERSION"`` or ``"SOCIAL_CONTACT"``."""
        return encounter_pb2.Pathway.Name(self.state.pathway)

    @property
    def referred_on(self) -> datetime.date | None:
        return _date(self.state.referred_on)

    @property
    def intake_due(self) -> datetime.date | None:
        """When the intake is due (moved by extensions)."""
        return _date(self.state.intake_due)

    @property
    def referral_arrest(self) -> str:
        """``"ARREST_PENDING"``, ``"ARREST_VOIDED"``, ``"ARREST_FILED"``, ..."""
        return referral_pb2.ReferralArrestStatus.Name(self.state.referral_arrest)

    @property
    def status_history(self) -> list[StatusChange]:
        """Every change of participation status, oldest first."""
        return [
            StatusChange(
                _date(change.date),
                participant_pb2.ParticipationStatus.Name(change.status),
                change.tier,
            )
            for change in self.state.status_history
        ]

    def __repr__(self) -> str:
        return f"<divert.Referral {self.referral_id} {self.pathway} {self.stage}>"


def apply(
    settings: SettingsLike,
    state: referral_pb2.ReferralState | None,
    event: EventLike,
    *,
    time_zone: str = "",
) -> referral_pb2.ReferralState:
    """The pure function: the referral's state after ``event``.

    ``state`` is the referral's current state (None for a referral not seen
    yet) and is never changed. Raises :class:`ReferralError` when the event
    breaks a rule. (Capacity, which depends on the other referrals, is judged
    as if the program were empty: use :class:`Referrals` for that.)
    """
    state_bytes = state.SerializeToString() if state is not None else b""
    outcome, next_bytes = _core.referral_apply(
        _settings_bytes(settings), time_zone, state_bytes, _event(event).SerializeToString()
    )
    _raise_if_rejected(outcome)
    assert next_bytes is not None  # accepted events always give a state
    return referral_pb2.ReferralState.FromString(next_bytes)


class Referrals:
    """A site's referral log and the state of every referral, derived from it.

    ``settings`` are the site's program settings (a ``divert.v1.ProgramSettings``,
    or a dict shaped like its JSON: intake deadline, who may refer, case
    managers, capacity, extensions); ``time_zone`` an IANA name ("" is UTC).
    Not thread-safe.
    """

    def __init__(self, settings: SettingsLike, *, time_zone: str = "") -> None:
        try:
            self._core = _core.Referrals(_settings_bytes(settings), time_zone)
        except ValueError as error:
            raise ReferralError(str(error), code="INVALID_ARGUMENT") from None

    @classmethod
    def load(cls, store: EventStore, settings: SettingsLike, *, time_zone: str = "") -> Referrals:
        """Replays the events of ``store`` (raises :class:`ReferralError` when one
        breaks a rule of these settings)."""
        referrals = cls(settings, time_zone=time_zone)
        referrals.extend(store.read())
        return referrals

    def append(self, event: EventLike) -> None:
        """Checks ``event`` and appends it; raises :class:`ReferralError` otherwise."""
        _raise_if_rejected(self._core.append(_event(event).SerializeToString()))

    def extend(self, events: Iterable[EventLike]) -> None:
        """Appends every event in order, or none (the error's ``.index`` says
        which was rejected)."""
        _raise_if_rejected(self._core.append_batch(_event_bytes(events)))

    def commit(self, events: Iterable[EventLike], store: EventStore) -> None:
        """Checks ``events``, writes them to ``store`` in one transaction, and
        appends them: all or nothing."""
        _raise_if_rejected(self._core.commit(store._core, _event_bytes(events)))

    def __getitem__(self, referral_id: str) -> Referral:
        state = self._core.state(referral_id)
        if state is None:
            raise KeyError(referral_id)
        return Referral(referral_pb2.ReferralState.FromString(state))

    def __contains__(self, referral_id: object) -> bool:
        return isinstance(referral_id, str) and self._core.state(referral_id) is not None

    def __len__(self) -> int:
        return int(self._core.referral_count)

    def __iter__(self) -> Iterator[Referral]:
        return iter(Referral(state) for state in self.states())

    def states(self, as_of: datetime.date | str | None = None) -> list[referral_pb2.ReferralState]:
        """Every referral's state in the order first recorded: now, or as it
        stood at the end of the local day ``as_of``."""
        data = self._core.states("" if as_of is None else _day(as_of))
        return list(referral_pb2.ReferralStates.FromString(data).referrals)

    def due(self, as_of: datetime.date | str, within_days: int = 0) -> referral_pb2.DueReport:
        """What is due or overdue on ``as_of``: intakes, extensions ending and
        OWG reviews due within ``within_days`` days after it, or overdue."""
        return referral_pb2.DueReport.FromString(self._core.due(_day(as_of), within_days))

    @classmethod
    def from_policy(
        cls, policy: Any, *, as_of: datetime.date | str | None = None
    ) -> Referrals:
        """An empty log judged by the program settings of ``policy`` (a
        :class:`divert.Policy`): those of the version in force on ``as_of``
        (the newest when None), in the site's time zone."""
        site = policy.site_policy
        if not site.versions:
            raise ValueError("the policy has no versions")
        chosen = site.versions[-1]
        if as_of is not None:
            day = _day(as_of)
            in_force = [
                v for v in site.versions
                if f"{v.effective_from.year:04d}-{v.effective_from.month:02d}-"
                   f"{v.effective_from.day:02d}" <= day
            ]
            if not in_force:
                raise ValueError(f"no version of the policy is in force on {day}")
            chosen = in_force[-1]
        return cls(chosen.program, time_zone=site.time_zone)

    # --- consent and reports -------------------------------------------------------

    def disclose(
        self,
        referral_id: str,
        recipient: str,
        purpose: PurposeLike,
        as_of: datetime.date | str,
        *,
        role: str = "",
        decision: decision_pb2.Decision | None = None,
    ) -> referral_pb2.Disclosure:
        """What of referral ``referral_id`` (or of an eligibility ``decision``
        about the same person) may go to the agency ``recipient`` (only its
        ``role``, when given) for ``purpose`` on ``as_of``, under the releases
        of information in force that day. Everything else is removed; when
        nothing may be shared, ``.permitted`` is False and ``.denial_reason``
        says why. Raises KeyError for a referral not in the log on that day."""
        if decision is None:
            data = self._core.disclose(referral_id, recipient, role, _purpose(purpose), _day(as_of))
        else:
            data = self._core.disclose_decision(
                referral_id, decision.SerializeToString(), recipient, role,
                _purpose(purpose), _day(as_of),
            )
        if data is None:
            raise KeyError(referral_id)
        return referral_pb2.Disclosure.FromString(data)

    def agenda(
        self,
        meeting: datetime.date | str,
        *,
        previous: datetime.date | str | None = None,
        next_meeting: datetime.date | str | None = None,
    ) -> referral_pb2.OwgAgenda:
        """The OWG agenda for the meeting on ``meeting`` (toolkit Appendix E.iv).
        The OWG meets every two weeks: ``previous`` defaults to 14 days before,
        ``next_meeting`` to 14 days after."""
        day = datetime.date.fromisoformat(_day(meeting))
        before = _day(previous) if previous is not None else (day - datetime.timedelta(14)).isoformat()
        after = _day(next_meeting) if next_meeting is not None else (day + datetime.timedelta(14)).isoformat()
        return referral_pb2.OwgAgenda.FromString(self._core.agenda(before, day.isoformat(), after))

    def roster(
        self,
        recipient: str,
        purpose: PurposeLike,
        as_of: datetime.date | str,
        *,
        role: str = "",
    ) -> referral_pb2.Roster:
        """The participant roster (toolkit V.B) on ``as_of``, each participant
        limited to what their consent allows ``recipient`` for ``purpose``."""
        return referral_pb2.Roster.FromString(
            self._core.roster(recipient, role, _purpose(purpose), _day(as_of))
        )

    @property
    def events(self) -> Sequence[referral_pb2.ReferralEvent]:
        """The log, in the order recorded."""
        return list(referral_pb2.ReferralLog.FromString(self._core.log()).events)

    @property
    def event_count(self) -> int:
        return int(self._core.event_count)

    @property
    def places_taken(self) -> int:
        """Referrals holding a place (accepted, approved or enrolled)."""
        return int(self._core.places_taken)

    def __repr__(self) -> str:
        return f"<divert.Referrals {self.event_count} events>"


def agenda_markdown(agenda: referral_pb2.OwgAgenda) -> str:
    """The agenda as a Markdown document."""
    return str(_core.render_agenda_markdown(agenda.SerializeToString()))


def roster_csv(roster: referral_pb2.Roster) -> str:
    """The roster as CSV text (one header line, a row per participant)."""
    return str(_core.render_roster_csv(roster.SerializeToString()))


ROSTER_COLUMNS = (
    "referral_id", "referral_type", "diverted_charges", "referral_date", "case_manager",
    "referring_officer", "intake_completed", "enrolled_on", "status", "tier", "services",
    "withheld",
)


def roster_records(roster: referral_pb2.Roster) -> list[dict[str, Any]]:
    """The roster's rows as dicts with the columns of :data:`ROSTER_COLUMNS`;
    withheld values are None."""
    records: list[dict[str, Any]] = []
    for row in roster.rows:
        withheld = set(row.withheld)
        records.append({
            "referral_id": row.referral_id,
            "referral_type": None if "pathway" in withheld else (
                "arrest diversion" if row.pathway == encounter_pb2.ARREST_DIVERSION
                else "social contact"),
            "diverted_charges": None if "charge_codes" in withheld else " ".join(row.charge_codes),
            "referral_date": None if "referred_on" in withheld else _date(row.referred_on),
            "case_manager": None if "case_manager_id" in withheld else row.case_manager_id,
            "referring_officer": None if "officer_id" in withheld else row.officer_id,
            "intake_completed": None if "stage" in withheld else row.intake_completed,
            "enrolled_on": None if "enrolled_on" in withheld else _date(row.enrolled_on),
            "status": None if "status" in withheld else (
                participant_pb2.ParticipationStatus.Name(row.status) if row.status else ""),
            "tier": None if "tier" in withheld else row.tier,
            "services": None if "services" in withheld else row.services,
            "withheld": " ".join(row.withheld),
        })
    return records


def roster_frame(roster: referral_pb2.Roster) -> Any:
    """The roster as a pandas DataFrame, one row per participant, the columns
    of :data:`ROSTER_COLUMNS` (withheld values missing). Needs pandas."""
    pandas = importlib.import_module("pandas")
    return pandas.DataFrame.from_records(roster_records(roster), columns=list(ROSTER_COLUMNS))


def agenda_frames(agenda: referral_pb2.OwgAgenda) -> dict[str, Any]:
    """The agenda's sections as pandas DataFrames: "pending", "approved",
    "denied", "new_referrals", "due" and "cases". Needs pandas."""
    pandas = importlib.import_module("pandas")

    def vetting(entries: Iterable[referral_pb2.OwgAgenda.Vetting]) -> Any:
        return pandas.DataFrame.from_records(
            [{"referral_id": v.referral_id, "referred_on": _date(v.referred_on),
              "agency": v.agency, "officer_id": v.officer_id, "reason": v.reason,
              "approved_by": v.approved_by} for v in entries],
            columns=["referral_id", "referred_on", "agency", "officer_id", "reason", "approved_by"],
        )

    return {
        "pending": vetting(agenda.pending),
        "approved": vetting(agenda.approved),
        "denied": vetting(agenda.denied),
        "new_referrals": pandas.DataFrame.from_records(
            [{"referral_id": n.referral_id, "referral_type": encounter_pb2.Pathway.Name(n.pathway),
              "agency": n.agency, "officer_id": n.officer_id,
              "referred_on": _date(n.referred_on), "source": n.source}
             for n in agenda.new_referrals],
            columns=["referral_id", "referral_type", "agency", "officer_id", "referred_on", "source"],
        ),
        "due": pandas.DataFrame.from_records(
            [{"referral_id": d.referral_id, "kind": referral_pb2.DueKind.Name(d.kind),
              "due_on": _date(d.due_on), "overdue": d.overdue} for d in agenda.due],
            columns=["referral_id", "kind", "due_on", "overdue"],
        ),
        "cases": pandas.DataFrame.from_records(
            [{"referral_id": c.referral_id, "case_id": c.criminal_case.case_id,
              "legacy": c.criminal_case.legacy, "date": _date(c.criminal_case.date),
              "charges": " ".join(c.criminal_case.charge_codes)} for c in agenda.cases],
            columns=["referral_id", "case_id", "legacy", "date", "charges"],
        ),
    }
