"""Every scenario of tests/eligibility/scenarios.json through divert.Policy,
asserting what tests/cpp/eligibility_scenarios_test.cc asserts through the C++
API: the outcome, the policy version, exactly the decisive rules, the rules
that must be unknown or not applicable, exactly the missing facts (each with
a question), exactly the reviewers, the notes, and the "any of" alternative
chosen for each charge (schema: tests/eligibility/README.md)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

import divert
from divert.v1 import decision_pb2, policy_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIO_FILE = REPO_ROOT / "tests" / "eligibility" / "scenarios.json"


def load_scenarios() -> list[dict[str, Any]]:
    scenarios: list[dict[str, Any]] = json.loads(SCENARIO_FILE.read_text(encoding="utf-8"))["scenarios"]
    return scenarios


SCENARIOS = load_scenarios()


@functools.lru_cache(maxsize=None)
def policy_for(relative: str) -> divert.Policy:
    return divert.Policy.from_file(REPO_ROOT / relative)


def compare(expect: dict[str, Any], decision: decision_pb2.Decision) -> list[str]:
    """The differences between a decision and what a scenario expects."""
    diffs = []
    got_outcome = decision_pb2.Outcome.Name(decision.outcome)
    if got_outcome != expect.get("outcome"):
        diffs.append(f"outcome {got_outcome}, expected {expect.get('outcome')}")
    version = expect.get("policy_version")
    if version and decision.policy_version != version:
        diffs.append(f"policy version {decision.policy_version}, expected {version}")
    rules = {rule.rule_id: rule for rule in decision.rules}
    got_decisive = {rule.rule_id for rule in decision.rules if rule.decisive}
    want_decisive = set(expect.get("decisive", []))
    if got_decisive != want_decisive:
        diffs.append(f"decisive {sorted(got_decisive)}, expected {sorted(want_decisive)}")
    for key, result in (("unknown", decision_pb2.RULE_UNKNOWN), ("not_applicable", decision_pb2.RULE_NOT_APPLICABLE)):
        for rule_id in expect.get(key, []):
            if rule_id not in rules:
                diffs.append(f"rule {rule_id} is not in the decision")
            elif rules[rule_id].result != result:
                got = decision_pb2.RuleResult.Name(rules[rule_id].result)
                diffs.append(f"rule {rule_id} is {got}, expected {decision_pb2.RuleResult.Name(result)}")
    if "missing_facts" in expect:
        got_facts = {fact.field_path for fact in decision.missing_facts}
        for fact in decision.missing_facts:
            if not fact.question:
                diffs.append(f"missing fact {fact.field_path} has no question")
        if got_facts != set(expect["missing_facts"]):
            diffs.append(f"missing facts {sorted(got_facts)}, expected {sorted(expect['missing_facts'])}")
    if "review_by" in expect:
        got_bodies = {policy_pb2.ReviewBody.Name(body) for body in decision.review_by}
        if got_bodies != set(expect["review_by"]):
            diffs.append(f"review by {sorted(got_bodies)}, expected {sorted(expect['review_by'])}")
    for note in expect.get("notes_contain", []):
        if not any(note in got for got in decision.notes):
            diffs.append(f'no note containing "{note}"')
    for rule_id, want_alternatives in expect.get("alternatives", {}).items():
        got_alternatives = [c.alternative_id for c in rules[rule_id].charges] if rule_id in rules else []
        if got_alternatives != want_alternatives:
            diffs.append(f"rule {rule_id} alternatives {got_alternatives}, expected {want_alternatives}")
    if not decision.summary:
        diffs.append("the decision has no summary")
    return diffs


def test_there_are_scenarios() -> None:
    assert len(SCENARIOS) >= 50
    assert len({s["name"] for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(scenario: dict[str, Any]) -> None:
    policy = policy_for(scenario["policy"])
    expect = scenario["expect"]
    if "error" in expect:
        with pytest.raises(divert.DecisionError) as caught:
            policy.evaluate(scenario["encounter"])
        assert caught.value.code == expect["error"], str(caught.value)
        return
    decision = policy.evaluate(scenario["encounter"])
    diffs = compare(expect, decision)
    assert not diffs, f"{scenario['name']} ({scenario['policy']}): {'; '.join(diffs)}\n    summary: {decision.summary}"


@pytest.mark.parametrize("policy_file", sorted({s["policy"] for s in SCENARIOS}))
def test_batches_decide_like_single_encounters(policy_file: str) -> None:
    policy = policy_for(policy_file)
    encounters = [s["encounter"] for s in SCENARIOS if s["policy"] == policy_file and "error" not in s["expect"]]
    assert policy.evaluate_many(encounters) == [policy.evaluate(e) for e in encounters]


@pytest.mark.parametrize("policy_file", sorted({s["policy"] for s in SCENARIOS}))
def test_example_policies_pass_the_fidelity_check(policy_file: str) -> None:
    report = policy_for(policy_file).check()
    worse = [f for f in report.findings if f.severity != decision_pb2.FidelityFinding.NOTE]
    assert not worse, divert.explain(report)
