"""Privacy canaries at the Python door: an encounter whose identifying fields
(those marked ``[(divert.v1.identifying) = true]``) hold unique canaries is
decided on every path — decisions, their plain-text and HTML renderings, and
errors — and no canary may appear in what comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

import divert
from divert.v1 import encounter_pb2, person_pb2, privacy_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
BIRTH_YEAR = 1903


def is_identifying(field: Any) -> bool:
    """Whether `field` is marked ``[(divert.v1.identifying) = true]``."""
    return any(
        option.full_name == privacy_pb2.identifying.full_name and bool(value)
        for option, value in field.GetOptions().ListFields()
    )


def fill_canaries(message: Message, canaries: list[str]) -> None:
    """Fills every identifying field of `message`, and of the divert.v1
    messages inside it, with a unique canary."""
    for field in message.DESCRIPTOR.fields:
        if field.is_repeated:
            continue
        identifying = is_identifying(field)
        if field.type == FieldDescriptor.TYPE_STRING and identifying:
            canary = f"Canary{len(canaries)}Zq{field.name}"
            setattr(message, field.name, canary)
            canaries.append(canary)
        elif field.message_type is person_pb2.Date.DESCRIPTOR and identifying:
            date = getattr(message, field.name)
            date.year, date.month, date.day = BIRTH_YEAR, 4, 27
            canaries.append(str(BIRTH_YEAR))
        elif field.message_type is not None and field.message_type.full_name.startswith("divert.v1."):
            fill_canaries(getattr(message, field.name), canaries)


def encounter(canaries: list[str], **changes: Any) -> encounter_pb2.Encounter:
    plain: dict[str, Any] = {
        "encounterId": "enc-1",
        "occurredAt": "2017-12-14T15:20:00Z",
        "pathway": "ARREST_DIVERSION",
        "person": {"age": 41, "needs": {"drugs": True}},
        "charges": [{"statuteCode": "PL 155.25"}],
        "circumstances": {
            "victimPresent": False,
            "ableToConsent": True,
            "imminentDanger": False,
            "onSupervision": False,
            "outstandingWarrants": False,
            "exploitsMinorsOrOthers": False,
            "offenseRelatedToNeeds": True,
        },
    }
    plain.update(changes)
    message = json_format.ParseDict(plain, encounter_pb2.Encounter())
    fill_canaries(message, canaries)
    return message


@pytest.fixture(scope="module")
def policy() -> divert.Policy:
    return divert.Policy.from_file(EXAMPLE1)


def assert_no_canary(text: str, canaries: list[str], where: str) -> None:
    for canary in canaries:
        assert canary not in text, f"{where} repeats the identifying value {canary}"


def test_every_identifying_field_gets_a_canary() -> None:
    canaries: list[str] = []
    encounter(canaries)
    assert len(canaries) >= 7  # keys, names, birth date, SSN, two addresses


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"charges": [{"statuteCode": "PL 155.25"}, {"statuteCode": "PL 120.00"}]},
        {"person": {"age": 41}},
        {"charges": [{"statuteCode": "XX 999.99"}]},
        {"pathway": "SOCIAL_CONTACT", "charges": []},
    ],
    ids=["eligible", "excluded", "needs-information", "outside-catalog", "social-contact"],
)
def test_decisions_never_repeat_them(policy: divert.Policy, changes: dict[str, Any]) -> None:
    canaries: list[str] = []
    decision = policy.evaluate(encounter(canaries, **changes))
    assert_no_canary(str(decision), canaries, "the decision")
    assert_no_canary(json_format.MessageToJson(decision), canaries, "the decision as JSON")
    assert_no_canary(divert.explain(decision), canaries, "the explanation")


@pytest.mark.parametrize(
    "changes",
    [{"occurredAt": None}, {"pathway": "PATHWAY_UNSPECIFIED"}, {"occurredAt": "1970-01-01T00:00:00Z"}],
    ids=["no-date", "no-pathway", "before-any-version"],
)
def test_errors_never_repeat_them(policy: divert.Policy, changes: dict[str, Any]) -> None:
    canaries: list[str] = []
    message = encounter(canaries, **{k: v for k, v in changes.items() if v is not None})
    if changes.get("occurredAt", "") is None:
        message.ClearField("occurred_at")
    with pytest.raises(divert.DecisionError) as caught:
        policy.evaluate(message)
    assert_no_canary(str(caught.value), canaries, "the error")
    assert_no_canary(repr(caught.value), canaries, "the error's repr")


def test_values_of_the_wrong_type_are_not_quoted(policy: divert.Policy) -> None:
    canary = "Canary0ZqGivenName"
    for bad in (
        {"person": {"age": canary}},
        {"person": {"dateOfBirth": canary}},
        {"pathway": canary},
        {"person": {"givenName": [canary]}},
    ):
        with pytest.raises(divert.DecisionError) as caught:
            policy.evaluate({"occurredAt": "2017-12-14T15:20:00Z", **bad})
        assert canary not in str(caught.value), bad
