"""The documented limits (docs/limits.md) at the Python door: an input past
one is refused with divert's own error, naming its size and the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

import divert

EXAMPLE1 = Path(__file__).resolve().parents[2] / "examples" / "policies" / "example1_new_york.textproto"
MAX_POLICY_BYTES = 64 << 20
MAX_CHARGES = 1000


def test_a_policy_past_the_limit_is_refused_unread() -> None:
    with pytest.raises(divert.PolicyError, match="the limit is 67108864"):
        divert.Policy.from_text(" " * (MAX_POLICY_BYTES + 1))


def test_an_encounter_with_too_many_charges_is_refused() -> None:
    policy = divert.Policy.from_file(EXAMPLE1)
    encounter = {
        "occurredAt": "2017-12-14T15:20:00Z",
        "pathway": "ARREST_DIVERSION",
        "charges": [{"statuteCode": "PL 155.25"}] * MAX_CHARGES,
    }
    policy.evaluate(encounter)  # at the limit: decided
    encounter["charges"] = [{"statuteCode": "PL 155.25"}] * (MAX_CHARGES + 1)
    with pytest.raises(divert.DecisionError, match="1001 charges; the limit is 1000") as caught:
        policy.evaluate(encounter)
    assert caught.value.code == "RESOURCE_EXHAUSTED"
