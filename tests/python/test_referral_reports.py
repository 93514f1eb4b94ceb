"""Consent, disclosure, the OWG agenda and the roster from Python, and the
``divert agenda`` and ``divert roster`` commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import divert
from divert.cli import main
from divert.referral import (
    ROSTER_COLUMNS,
    agenda_frames,
    agenda_markdown,
    roster_csv,
    roster_frame,
    roster_records,
)
from divert.v1 import decision_pb2

SETTINGS: dict[str, Any] = {
    "intakeDeadlineDays": 30,
    "socialContactRequiresOwgApproval": True,
    "referralSources": [{"name": "NYPD"}],
    "caseManagers": [{"id": "cm-1"}],
}

POLICY = """
site_id: "test-site"
time_zone: "America/New_York"
versions {
  version: "2024-1"
  approved_on { year: 2024 month: 1 day: 2 }
  effective_from { year: 2024 month: 1 day: 2 }
  program {
    intake_deadline_days: 30
    social_contact_requires_owg_approval: true
    referral_sources { name: "NYPD" }
    case_managers { id: "cm-1" }
  }
}
"""


def event(referral: str, day: str, kind: str, body: dict[str, Any] | None = None,
          role: str = "ROLE_OFFICER") -> dict[str, Any]:
    return {
        "referralId": referral,
        "occurredAt": f"{day}T16:00:00Z",
        "recordedAt": f"{day}T17:00:00Z",
        "recordedBy": {"role": role, "agency": "NYPD"},
        kind: body or {},
    }


def roi(roi_id: str, agency: str, information: list[str], purposes: list[str]) -> dict[str, Any]:
    return {"roi": {
        "roiId": roi_id, "disclosers": ["HRS"], "recipients": [{"agency": agency}],
        "information": information, "purposes": purposes,
        "expiresUponEvent": "end of participation", "rightToRevokeExplained": True,
        "signedOn": {"year": 2024, "month": 3, "day": 2},
    }}


def log() -> list[dict[str, Any]]:
    return [
        event("r-1", "2024-03-01", "eligibilityRecorded",
              {"decisionId": "dec-1", "outcome": "ELIGIBLE", "officerId": "4411",
               "agency": "NYPD", "chargeCodes": ["PL 220.03"]}),
        event("r-1", "2024-03-01", "offerMade"),
        event("r-1", "2024-03-01", "offerAccepted"),
        event("r-1", "2024-03-01", "warmHandOff", {"caseManagerId": "cm-1", "setting": "STATION"}),
        event("r-1", "2024-03-02", "consentGiven", role="ROLE_CASE_MANAGER"),
        event("r-1", "2024-03-02", "roiSigned",
              roi("roi-da", "District Attorney", ["PROGRAM_STATUS", "REFERRAL_DETAILS"],
                  ["OPERATIONS_REVIEW"]), role="ROLE_CASE_MANAGER"),
        event("r-1", "2024-03-02", "roiSigned",
              roi("roi-clinic", "Clinic", ["SERVICES"], ["CARE_COORDINATION"]),
              role="ROLE_CASE_MANAGER"),
        event("r-1", "2024-03-03", "enrolled", role="ROLE_CASE_MANAGER"),
        event("r-1", "2024-03-05", "serviceReferred",
              {"serviceReferralId": "svc-1", "need": "EMERGENCY_HOUSING"}, role="ROLE_CASE_MANAGER"),
        event("r-1", "2024-03-06", "serviceReferred",
              {"serviceReferralId": "svc-2", "need": "SUBSTANCE_USE_TREATMENT"},
              role="ROLE_CASE_MANAGER"),
        event("r-1", "2024-03-07", "arrestAfterEnrollment",
              {"caseId": "arr-9", "outcome": "BOOKED", "chargeCodes": ["PL 140.10"]}),
        event("s-1", "2024-03-04", "socialContactReferred", {"source": "NYPD", "agency": "NYPD"}),
        event("s-1", "2024-03-06", "vettingPending", {"reason": "awaiting outreach"}, role="ROLE_OWG"),
        event("s-2", "2024-03-04", "socialContactReferred", {"source": "NYPD", "agency": "NYPD"}),
        event("s-2", "2024-03-06", "referralApproved", {"approvedBy": "Sgt. Reyes"}, role="ROLE_SERGEANT"),
    ]


@pytest.fixture
def referrals() -> divert.Referrals:
    referrals = divert.Referrals(SETTINGS, time_zone="America/New_York")
    referrals.extend(log())
    return referrals


def test_disclosure_keeps_only_what_the_consent_permits(referrals: divert.Referrals) -> None:
    to_da = referrals.disclose("r-1", "District Attorney", "OPERATIONS_REVIEW", "2024-03-10")
    assert to_da.permitted and list(to_da.roi_ids) == ["roi-da"]
    assert to_da.referral.officer_id == "4411"
    assert len(to_da.referral.services) == 0 and len(to_da.referral.cases) == 0
    assert "services" in to_da.withheld and "cases" in to_da.withheld

    to_clinic = referrals.disclose("r-1", "Clinic", "CARE_COORDINATION", "2024-03-10")
    assert [s.service_referral_id for s in to_clinic.referral.services] == ["svc-1"]
    assert "services[1]" in to_clinic.withheld  # substance use needs its own consent

    denied = referrals.disclose("r-1", "Newspaper", "EVALUATION", "2024-03-10")
    assert not denied.permitted and not denied.HasField("referral")
    assert denied.denial_reason == (
        "no release of information in force on 2024-03-10 permits disclosure to Newspaper for EVALUATION"
    )
    decision = decision_pb2.Decision(decision_id="dec-1")
    assert not referrals.disclose("r-1", "District Attorney", "OPERATIONS_REVIEW", "2024-03-10",
                                  decision=decision).permitted
    with pytest.raises(KeyError):
        referrals.disclose("r-404", "Clinic", "CARE_COORDINATION", "2024-03-10")
    with pytest.raises(ValueError, match="purpose"):
        referrals.disclose("r-1", "Clinic", "GOSSIP", "2024-03-10")


def test_the_owg_agenda(referrals: divert.Referrals) -> None:
    agenda = referrals.agenda("2024-03-12")
    assert [v.referral_id for v in agenda.pending] == ["s-1"]
    assert agenda.pending[0].reason == "awaiting outreach"
    assert [(v.referral_id, v.approved_by) for v in agenda.approved] == [("s-2", "Sgt. Reyes")]
    assert [n.referral_id for n in agenda.new_referrals] == ["r-1", "s-1", "s-2"]
    assert [c.criminal_case.case_id for c in agenda.cases] == ["arr-9"]
    text = agenda_markdown(agenda)
    assert text.startswith("# LEAD Operations Work Group — 2024-03-12")
    assert "| s-1 | 2024-03-04 | awaiting outreach |" in text
    frames = agenda_frames_or_skip(agenda)
    assert list(frames["approved"]["approved_by"]) == ["Sgt. Reyes"]
    assert list(frames["cases"]["case_id"]) == ["arr-9"]


def agenda_frames_or_skip(agenda: Any) -> dict[str, Any]:
    pytest.importorskip("pandas")
    return agenda_frames(agenda)


def test_the_roster_is_limited_by_consent(referrals: divert.Referrals) -> None:
    roster = referrals.roster("District Attorney", "OPERATIONS_REVIEW", "2024-03-10")
    assert [row.referral_id for row in roster.rows] == ["r-1"]
    assert roster.withheld_participants == 1  # s-2, approved, has signed nothing
    records = roster_records(roster)
    assert records[0]["case_manager"] == "cm-1"
    assert records[0]["intake_completed"] is True
    assert records[0]["services"] is None  # SERVICES not released to the DA
    assert records[0]["diverted_charges"] is None
    rows = list(csv.DictReader(io.StringIO(roster_csv(roster))))
    assert tuple(rows[0]) == ROSTER_COLUMNS
    assert rows[0]["referral_type"] == "arrest diversion"

    pytest.importorskip("pandas")
    frame = roster_frame(roster)
    assert list(frame.columns) == list(ROSTER_COLUMNS)
    assert frame.loc[0, "referring_officer"] == "4411"


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.textproto"
    policy.write_text(POLICY)
    store_path = tmp_path / "referrals.db"
    with divert.EventStore(store_path) as store:
        store.append(log())

    assert main(["agenda", str(policy), str(store_path), "--meeting", "2024-03-12"]) == 0
    out = capsys.readouterr().out
    assert "| s-2 | 2024-03-04 | Sgt. Reyes |" in out

    assert main(["agenda", str(policy), str(store_path), "--meeting", "2024-03-12", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["meetingOn"] == {"year": 2024, "month": 3, "day": 12}

    assert main(["roster", str(policy), str(store_path), "--recipient", "Clinic",
                 "--purpose", "CARE_COORDINATION", "--as-of", "2024-03-10"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["referral_id"], r["services"]) for r in rows] == [("r-1", "EMERGENCY_HOUSING referred")]

    assert main(["roster", str(policy), str(tmp_path / "missing.db"), "--recipient", "Clinic",
                 "--purpose", "CARE_COORDINATION"]) == 2
    assert "no such event store" in capsys.readouterr().err
