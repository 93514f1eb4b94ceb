#!/usr/bin/env python3
"""Writes examples/metrics/fixture_site.json: the small, hand-checkable site
every catalog metric is tested against (src/metrics/catalog_test.cc holds the
values worked out by hand from the tables below).

SYNTHETIC: every person, referral and record here is invented.

Usage: python3 examples/metrics/tools/make_fixture.py > examples/metrics/fixture_site.json
"""
import json
import sys

SETTINGS = {
    "intakeDeadlineDays": 30,
    "socialContactRequiresOwgApproval": True,
    "socialContactSubjectToCapacity": True,
    "referralSources": [
        {"name": "NYPD", "pathways": ["ARREST_DIVERSION", "SOCIAL_CONTACT"]},
        {"name": "Street outreach", "pathways": ["SOCIAL_CONTACT"]},
    ],
    "extensions": {"allowed": True, "extensionDays": 30, "maxExtensions": 2,
                   "requiresEngagementPlan": True},
    "caseManagers": [{"id": "cm-a"}, {"id": "cm-b"}],
    "preferredCaseload": 15,
    "maximumCaseload": 25,
}

# person_key, race and ethnicity, gender, date of birth, comparison group
PEOPLE = [
    ("p01", ["BLACK_AFRICAN_AMERICAN_OR_AFRICAN"], ["MAN"], "1990-05-01", False),
    ("p02", ["WHITE"], ["WOMAN"], "1980-01-01", False),
    ("p03", ["HISPANIC_LATINA_E_O"], ["MAN"], "2000-06-01", False),
    ("p04", ["BLACK_AFRICAN_AMERICAN_OR_AFRICAN", "WHITE"], ["NON_BINARY"], "1970-03-01", False),
    ("p05", ["WHITE"], ["MAN"], "1960-01-01", False),
    ("p06", ["AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS"], ["WOMAN"], "1995-01-01", False),
    ("p07", [], ["MAN"], None, False),
    ("p08", ["BLACK_AFRICAN_AMERICAN_OR_AFRICAN"], ["WOMAN"], "1985-07-01", False),
    ("p09", ["WHITE"], ["MAN"], "1992-02-02", True),
    ("p10", ["BLACK_AFRICAN_AMERICAN_OR_AFRICAN"], ["MAN"], "1988-08-08", True),
]

# referral_id, person_key, precinct, area
SUBJECTS = [
    ("r01", "p01", "P1", "North"),
    ("r02", "p02", "P1", "North"),
    ("r03", "p03", "P2", "South"),
    ("r04", "p04", "P2", "South"),
    ("r05", "p05", "P1", "North"),
    ("r06", "p06", "P1", "North"),
    ("r07", "p07", "P2", "South"),
    ("r08", "p08", "P1", "North"),
    ("r09", "p05", "P1", "North"),
    ("r10", "p06", "P1", "North"),
]

CM, PROSECUTOR, OWG, OFFICER = ("ROLE_CASE_MANAGER", "ROLE_PROSECUTOR",
                                "ROLE_OWG", "ROLE_OFFICER")


def roi(day):
    year, month, dom = (int(x) for x in day.split("-"))
    return {"roiSigned": {"roi": {
        "roiId": "roi-1", "disclosers": ["Harm Reduction Services"],
        "recipients": [{"agency": "District Attorney"}, {"agency": "NYPD"}],
        "information": ["PROGRAM_STATUS", "REFERRAL_DETAILS"],
        "purposes": ["OPERATIONS_REVIEW"],
        "expiresUponEvent": "the end of participation",
        "rightToRevokeExplained": True,
        "signedOn": {"year": year, "month": month, "day": dom}}}}


def diversion(decision):
    return {"eligibilityRecorded": {"decisionId": decision, "outcome": "ELIGIBLE",
                                    "officerId": "o1", "agency": "NYPD",
                                    "chargeCodes": ["PL 220.03"]}}


def social(source):
    return {"socialContactReferred": {"source": source, "officerId": "o2",
                                      "agency": "NYPD"}}


def need(name, state="NEEDS"):
    return {"need": name, "state": state}


def intake(day, needs):
    return [(day, CM, {"initialScreening": {"needs": needs}}),
            (day, CM, {"consentGiven": {}}),
            (day, CM, roi(day))]


# Each referral's events: (day, recorder's role, kind).
REFERRALS = {
    "r01": [("2024-01-05", OFFICER, diversion("dec-1")),
            ("2024-01-05", OFFICER, {"offerMade": {}}),
            ("2024-01-05", OFFICER, {"offerAccepted": {}}),
            ("2024-01-05", OFFICER, {"warmHandOff": {"caseManagerId": "cm-a", "setting": "FIELD"}}),
            *intake("2024-01-06", [need("EMERGENCY_HOUSING"), need("MENTAL_HEALTH_COUNSELING")]),
            ("2024-01-07", CM, {"assessmentCompleted": {}}),
            ("2024-01-07", CM, {"enrolled": {}}),
            ("2024-01-08", CM, {"serviceReferred": {"serviceReferralId": "s1", "need": "EMERGENCY_HOUSING", "provider": "Shelter"}}),
            ("2024-01-08", CM, {"serviceReferred": {"serviceReferralId": "s2", "need": "MENTAL_HEALTH_COUNSELING", "provider": "Clinic"}}),
            ("2024-01-10", CM, {"serviceConnected": {"serviceReferralId": "s1"}}),
            ("2024-01-15", CM, {"serviceConnected": {"serviceReferralId": "s2"}}),
            ("2024-02-01", OWG, {"owgReviewed": {}}),
            ("2024-02-20", OFFICER, {"arrestAfterEnrollment": {"caseId": "c1", "chargeCodes": ["PL 140.05"], "outcome": "DIVERTED_AGAIN", "officerId": "o1"}})],
    "r02": [("2024-01-10", OFFICER, diversion("dec-2")),
            ("2024-01-10", OFFICER, {"offerMade": {}}),
            ("2024-01-10", OFFICER, {"offerDeclined": {}})],
    "r03": [("2024-01-15", OFFICER, social("Street outreach")),
            ("2024-01-18", OWG, {"referralApproved": {"approvedBy": "sgt-1"}}),
            *intake("2024-01-20", [need("PUBLIC_BENEFITS"), need("FOOD_CLOTHING")]),
            ("2024-01-25", CM, {"assessmentCompleted": {}}),
            ("2024-01-25", CM, {"enrolled": {}}),
            ("2024-02-01", CM, {"serviceReferred": {"serviceReferralId": "s3", "need": "PUBLIC_BENEFITS", "provider": "DSS"}}),
            ("2024-02-01", CM, {"serviceReferred": {"serviceReferralId": "s4", "need": "FOOD_CLOTHING", "provider": "Pantry"}}),
            ("2024-02-10", CM, {"serviceConnected": {"serviceReferralId": "s3"}}),
            ("2024-03-01", CM, {"statusChanged": {"status": "INACTIVE"}})],
    "r04": [("2024-01-20", OFFICER, diversion("dec-3")),
            ("2024-01-20", OFFICER, {"offerMade": {}}),
            ("2024-01-20", OFFICER, {"offerAccepted": {}}),
            ("2024-01-20", OFFICER, {"warmHandOff": {"caseManagerId": "cm-b", "setting": "STATION"}}),
            ("2024-01-25", CM, {"initialScreening": {"needs": [need("IDENTIFICATION")]}}),
            ("2024-02-15", OWG, {"extensionGranted": {"newDue": {"year": 2024, "month": 3, "day": 20}, "engagementPlan": "weekly check-in"}}),
            ("2024-03-08", CM, {"consentGiven": {}}),
            ("2024-03-08", CM, roi("2024-03-08")),
            ("2024-03-10", CM, {"assessmentCompleted": {}}),
            ("2024-03-10", CM, {"enrolled": {}})],
    "r05": [("2024-02-01", OFFICER, diversion("dec-4")),
            ("2024-02-01", OFFICER, {"offerMade": {}}),
            ("2024-02-01", OFFICER, {"offerAccepted": {}}),
            ("2024-02-01", OFFICER, {"warmHandOff": {"caseManagerId": "cm-a", "setting": "FIELD"}}),
            ("2024-03-05", PROSECUTOR, {"chargeFiled": {}})],
    "r06": [("2024-02-05", OFFICER, social("NYPD")),
            ("2024-02-08", OWG, {"referralDenied": {"reason": "not in the target population"}})],
    "r07": [("2024-02-10", OFFICER, social("Street outreach")),
            ("2024-02-21", OWG, {"vettingPending": {"reason": "awaiting records"}})],
    "r08": [("2023-12-01", OFFICER, diversion("dec-9")),
            ("2023-12-01", OFFICER, {"offerMade": {}}),
            ("2023-12-01", OFFICER, {"offerAccepted": {}}),
            ("2023-12-01", OFFICER, {"warmHandOff": {"caseManagerId": "cm-a", "setting": "FIELD"}}),
            *intake("2023-12-02", [need("HEALTH_CARE")]),
            ("2023-12-03", CM, {"enrolled": {}}),
            ("2023-12-05", CM, {"legacyCaseRecorded": {"caseId": "c0", "chargeCodes": ["PL 165.15"]}}),
            ("2024-01-12", PROSECUTOR, {"prosecutorDecided": {"caseId": "c0", "decision": "DECLINE_TO_FILE"}}),
            ("2024-02-15", CM, {"exited": {"reason": "WITHDREW"}})],
    "r09": [("2024-04-05", OFFICER, diversion("dec-10"))],
    "r10": [("2024-02-20", OFFICER, social("NYPD")),
            ("2024-02-22", OWG, {"referralApproved": {"approvedBy": "sgt-1"}})],
}

# decision_id, person_key, day, pathway, outcome, precinct, area
ENCOUNTERS = [
    ("dec-1", "p01", "2024-01-05", "ARREST_DIVERSION", "ELIGIBLE", "P1", "North"),
    ("dec-2", "p02", "2024-01-10", "ARREST_DIVERSION", "ELIGIBLE", "P1", "North"),
    ("dec-3", "p04", "2024-01-20", "ARREST_DIVERSION", "ELIGIBLE", "P2", "South"),
    ("dec-4", "p05", "2024-02-01", "ARREST_DIVERSION", "ELIGIBLE", "P1", "North"),
    ("dec-5", "p09", "2024-02-10", "ARREST_DIVERSION", "NOT_ELIGIBLE", "P2", "South"),
    ("dec-6", "p10", "2024-03-01", "ARREST_DIVERSION", "EXCLUDED", "P2", "South"),
    ("dec-7", "p10", "2024-03-15", "ARREST_DIVERSION", "ELIGIBLE", "P2", "South"),
    ("dec-8", "p03", "2024-01-15", "SOCIAL_CONTACT", "ELIGIBLE", "P2", "South"),
    ("dec-9", "p08", "2023-12-01", "ARREST_DIVERSION", "ELIGIBLE", "P1", "North"),
]

# body, day, invited, attended
MEETINGS = [
    ("MEETING_OWG", "2023-12-20", 8, 8),
    ("MEETING_OWG", "2024-01-10", 8, 6),
    ("MEETING_OWG", "2024-01-24", 8, 7),
    ("MEETING_OWG", "2024-02-07", 8, 5),
    ("MEETING_OWG", "2024-02-21", 8, 8),
    ("MEETING_OWG", "2024-03-06", 8, 6),
    ("MEETING_OWG", "2024-03-20", 8, 7),
    ("MEETING_PCG", "2024-01-15", 10, 9),
    ("MEETING_PCG", "2024-03-18", 10, 8),
    ("MEETING_CLT", "2024-02-12", 12, 10),
]

# person_key, day, citation, booked, charged, jail days, LEAD-eligible, precinct, area
ARRESTS = [
    ("p01", "2024-02-20", False, False, False, 0, True, "P1", "North"),
    ("p09", "2024-01-03", False, True, True, 3, True, "P2", "South"),
    ("p09", "2024-03-03", False, True, False, 5, True, "P2", "South"),
    ("p10", "2024-02-02", False, True, True, 10, False, "P2", "South"),
    ("p10", "2024-03-01", True, False, False, 0, True, "P2", "South"),
    ("p02", "2024-01-10", False, True, True, 1, True, "P1", "North"),
    ("p05", "2024-03-06", False, True, True, 2, True, "P1", "North"),
]

# officer, agency, day
TRAININGS = [
    ("o4", "NYPD", "2023-11-01"),
    ("o1", "NYPD", "2024-01-08"),
    ("o2", "NYPD", "2024-01-08"),
    ("o3", "NYPD", "2024-02-14"),
    ("o1", "NYPD", "2024-03-01"),
]

BENCHMARKS = {
    "jail_population": {"RACE_GROUP_WHITE": 400, "RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN": 450,
                        "RACE_GROUP_HISPANIC_LATINA_E_O": 100, "RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN": 20,
                        "RACE_GROUP_AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS": 30},
    "residents": {"RACE_GROUP_WHITE": 60000, "RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN": 20000,
                  "RACE_GROUP_HISPANIC_LATINA_E_O": 15000, "RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN": 4000,
                  "RACE_GROUP_AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS": 1000},
}


def date(day):
    year, month, dom = (int(x) for x in day.split("-"))
    return {"year": year, "month": month, "day": dom}


def main() -> None:
    events = []
    # The log in the order recorded: by day, then referral, then as listed.
    ordered = []
    for rid, items in REFERRALS.items():
        for n, (day, role, kind) in enumerate(items):
            ordered.append((day, rid, n, role, kind))
    ordered.sort()
    for day, rid, n, role, kind in ordered:
        event = {"referralId": rid,
                 "occurredAt": f"{day}T15:00:00Z",
                 "recordedAt": f"{day}T16:00:00Z",
                 "recordedBy": {"role": role, "agency": "NYPD"}}
        event.update(kind)
        events.append(event)
    records = {
        "site": "Fixture site (SYNTHETIC)",
        "synthetic": True,
        "settings": SETTINGS,
        "timeZone": "America/New_York",
        "events": events,
        "subjects": [{"referralId": r, "personKey": p, "precinct": pr, "area": a}
                     for r, p, pr, a in SUBJECTS],
        "people": [dict({"personKey": k, "raceEthnicity": race, "gender": gender,
                         "comparisonGroup": comparison},
                        **({"dateOfBirth": date(dob)} if dob else {}))
                   for k, race, gender, dob, comparison in PEOPLE],
        "encounters": [{"decisionId": d, "personKey": p, "occurredOn": date(day),
                        "pathway": pathway, "outcome": outcome, "precinct": pr,
                        "area": a, "agency": "NYPD", "officerId": "o1"}
                       for d, p, day, pathway, outcome, pr, a in ENCOUNTERS],
        "meetings": [{"body": b, "heldOn": date(day), "invited": i, "attended": a}
                     for b, day, i, a in MEETINGS],
        "arrests": [{"personKey": p, "occurredOn": date(day), "citation": c,
                     "booked": b, "charged": ch, "jailDays": j, "leadEligible": e,
                     "precinct": pr, "area": a}
                    for p, day, c, b, ch, j, e, pr, a in ARRESTS],
        "trainings": [{"officerId": o, "agency": ag, "trainedOn": date(day)}
                      for o, ag, day in TRAININGS],
        "benchmarks": [{"name": name, "source": "SYNTHETIC",
                        "groups": [{"race": race, "people": n} for race, n in groups.items()]}
                       for name, groups in BENCHMARKS.items()],
    }
    json.dump(records, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
