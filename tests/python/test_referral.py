"""The referral life cycle from Python: divert.Referrals, divert.Referral,
divert.referral.apply and the SQLite event store."""

from __future__ import annotations

import datetime
import pickle
from pathlib import Path
from typing import Any

import pytest

import divert
from divert.referral import apply
from divert.v1 import referral_pb2

SETTINGS: dict[str, Any] = {
    "intakeDeadlineDays": 30,
    "socialContactRequiresOwgApproval": True,
    "socialContactSubjectToCapacity": True,
    "referralSources": [{"name": "NYPD"}, {"name": "Street outreach", "pathways": ["SOCIAL_CONTACT"]}],
    "extensions": {"allowed": True, "extensionDays": 30, "requiresEngagementPlan": True},
    "caseManagers": [{"id": "cm-1"}, {"id": "cm-2"}],
    "maximumCaseload": 25,
}

ROI: dict[str, Any] = {
    "roiId": "roi-1",
    "disclosers": ["Harm Reduction Services"],
    "recipients": [{"agency": "District Attorney"}],
    "information": ["PROGRAM_STATUS"],
    "purposes": ["OPERATIONS_REVIEW"],
    "expiresUponEvent": "the end of participation",
    "rightToRevokeExplained": True,
    "signedOn": {"year": 2024, "month": 3, "day": 2},
}


def event(referral: str, day: str, kind: str, body: dict[str, Any] | None = None,
          role: str = "ROLE_OFFICER") -> dict[str, Any]:
    return {
        "referralId": referral,
        "occurredAt": f"{day}T12:00:00Z",
        "recordedAt": f"{day}T13:00:00Z",
        "recordedBy": {"role": role, "agency": "NYPD"},
        kind: body or {},
    }


def diverted(referral: str = "r-1") -> list[dict[str, Any]]:
    """An arrest diversion accepted and handed off on March 1, 2024."""
    return [
        event(referral, "2024-03-01", "eligibilityRecorded",
              {"decisionId": "dec-1", "outcome": "ELIGIBLE", "chargeCodes": ["PL 220.03"]}),
        event(referral, "2024-03-01", "offerMade"),
        event(referral, "2024-03-01", "offerAccepted"),
        event(referral, "2024-03-01", "warmHandOff", {"caseManagerId": "cm-1", "setting": "FIELD"}),
    ]


def test_an_arrest_diversion_from_decision_to_enrolment() -> None:
    referrals = divert.Referrals(SETTINGS, time_zone="America/New_York")
    referrals.extend(diverted())
    referrals.append(event("r-1", "2024-03-02", "consentGiven", role="ROLE_CASE_MANAGER"))
    referrals.append(event("r-1", "2024-03-02", "roiSigned", {"roi": ROI}, role="ROLE_CASE_MANAGER"))
    referrals.append(event("r-1", "2024-03-03", "enrolled", role="ROLE_CASE_MANAGER"))
    referral = referrals["r-1"]
    assert referral.stage == "ENROLLED"
    assert referral.pathway == "ARREST_DIVERSION"
    assert referral.referral_arrest == "ARREST_VOIDED"
    assert referral.referred_on == datetime.date(2024, 3, 1)
    assert referral.intake_due == datetime.date(2024, 3, 31)
    assert [c.status for c in referral.status_history] == ["ACTIVE"]
    assert len(referrals) == 1 and "r-1" in referrals and "r-2" not in referrals
    assert referrals.event_count == 7
    assert referrals.places_taken == 1
    assert repr(referral) == "<divert.Referral r-1 ARREST_DIVERSION ENROLLED>"


@pytest.mark.parametrize(
    "kind, body, role, rule",
    [
        ("offerAccepted", None, "ROLE_OFFICER", "offer.already_answered"),
        ("enrolled", None, "ROLE_CASE_MANAGER", "enrolment.requires_consent_and_roi"),
        ("chargeFiled", None, "ROLE_PROSECUTOR", "filing.before_deadline"),
        ("exited", {"reason": "EXIT_REASON_UNSPECIFIED"}, "ROLE_CASE_MANAGER", "exit.reason"),
    ],
)
def test_a_rejected_event_names_its_rule_and_changes_nothing(
    kind: str, body: dict[str, Any] | None, role: str, rule: str
) -> None:
    referrals = divert.Referrals(SETTINGS)
    referrals.extend(diverted())
    before = referrals["r-1"].state
    with pytest.raises(divert.ReferralError) as caught:
        referrals.append(event("r-1", "2024-03-05", kind, body, role=role))
    assert caught.value.rule == rule
    assert caught.value.code == "FAILED_PRECONDITION"
    assert str(caught.value).startswith(f"rule {rule}: ")
    assert referrals["r-1"].state == before
    assert referrals.event_count == 4


def test_an_event_dated_before_the_referral_is_rejected() -> None:
    referrals = divert.Referrals(SETTINGS)
    referrals.extend(diverted())
    with pytest.raises(divert.ReferralError, match="event.before_referral"):
        referrals.append(event("r-1", "2024-02-28", "consentGiven"))


def test_social_contact_referrals_cannot_be_extended_or_filed() -> None:
    referrals = divert.Referrals(SETTINGS)
    referrals.append(event("s-1", "2024-03-01", "socialContactReferred", {"source": "Street outreach"}))
    assert referrals["s-1"].stage == "PENDING_VETTING"
    referrals.append(event("s-1", "2024-03-08", "referralApproved", {"approvedBy": "Sgt. 4"}, role="ROLE_OWG"))
    with pytest.raises(divert.ReferralError) as caught:
        referrals.append(event("s-1", "2024-04-05", "extensionGranted",
                               {"newDue": {"year": 2024, "month": 4, "day": 30},
                                "engagementPlan": "weekly"}, role="ROLE_OWG"))
    assert caught.value.rule == "extension.social_contact"
    with pytest.raises(divert.ReferralError) as caught:
        referrals.append(event("s-1", "2024-04-05", "chargeFiled", role="ROLE_PROSECUTOR"))
    assert caught.value.rule == "filing.social_contact"


def test_a_batch_is_all_or_nothing_and_says_which_event_failed() -> None:
    referrals = divert.Referrals(SETTINGS)
    with pytest.raises(divert.ReferralError) as caught:
        referrals.extend(diverted() + [event("r-1", "2024-03-02", "enrolled")])
    assert caught.value.index == 4
    assert referrals.event_count == 0 and len(referrals) == 0


def test_malformed_events_and_settings() -> None:
    referrals = divert.Referrals(SETTINGS)
    with pytest.raises(divert.ReferralError) as caught:
        referrals.append({"referralId": "r-1"})
    assert caught.value.rule == "event.occurred_at"
    assert caught.value.code == "INVALID_ARGUMENT"
    with pytest.raises(divert.ReferralError, match="unknown field 'bogus'"):
        referrals.append({"bogus": 1})
    with pytest.raises(divert.ReferralError, match="unknown time zone"):
        divert.Referrals(SETTINGS, time_zone="Mars/Olympus_Mons")
    with pytest.raises(TypeError):
        referrals.append(42)  # type: ignore[arg-type]


def test_errors_pickle() -> None:
    error = divert.ReferralError("rule x: y", rule="x", code="FAILED_PRECONDITION", index=3)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.rule, copy.code, copy.index, str(copy)) == ("x", "FAILED_PRECONDITION", 3, "rule x: y")


def test_apply_is_pure() -> None:
    first = apply(SETTINGS, None, diverted()[0])
    assert referral_pb2.ReferralStage.Name(first.stage) == "ELIGIBILITY_RECORDED"
    second = apply(SETTINGS, first, diverted()[1])
    assert referral_pb2.ReferralStage.Name(first.stage) == "ELIGIBILITY_RECORDED"
    assert referral_pb2.ReferralStage.Name(second.stage) == "OFFER_MADE"
    with pytest.raises(divert.ReferralError) as caught:
        apply(SETTINGS, second, diverted()[1])
    assert caught.value.rule == "offer.duplicate"


def test_due_and_states_as_of_a_date() -> None:
    referrals = divert.Referrals(SETTINGS)
    referrals.extend(diverted("d-1"))
    referrals.append(event("d-2", "2024-03-10", "socialContactReferred", {"source": "NYPD"}))
    due = referrals.due(datetime.date(2024, 4, 2))
    assert [(item.referral_id, referral_pb2.DueKind.Name(item.kind), item.overdue) for item in due.items] == [
        ("d-2", "OWG_REVIEW", True),
        ("d-1", "INTAKE", True),
    ]
    assert referrals.due("2024-03-05").items == []
    then = referrals.states(as_of="2024-03-05")
    assert [state.referral_id for state in then] == ["d-1"]
    assert [r.referral_id for r in referrals] == ["d-1", "d-2"]


def test_the_event_store_keeps_what_was_committed(tmp_path: Path) -> None:
    path = tmp_path / "referrals.db"
    referrals = divert.Referrals(SETTINGS)
    with divert.EventStore(path) as store:
        referrals.commit(diverted(), store)
        with pytest.raises(divert.ReferralError):
            referrals.commit([event("r-1", "2024-03-02", "enrolled")], store)
        assert len(store) == 4
    assert store.closed
    with pytest.raises(ValueError, match="closed"):
        store.read()

    reopened = divert.EventStore(path)
    reloaded = divert.Referrals.load(reopened, SETTINGS)
    assert reloaded["r-1"].state == referrals["r-1"].state
    assert [e.referral_id for e in reopened.read()] == ["r-1"] * 4
    reopened.append([event("x", "2024-01-01", "offerMade")])  # the store itself does not judge
    assert len(reopened) == 5
    with pytest.raises(divert.ReferralError) as caught:
        divert.Referrals.load(reopened, SETTINGS)
    assert caught.value.index == 4 and caught.value.rule == "referral.unknown"


def test_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not an SQLite database, just some notes that are long enough " * 4)
    with pytest.raises(divert.EventStoreError, match="not a divert event store"):
        divert.EventStore(path)
