"""divert.Policy: compiling site policies, deciding encounters, the fidelity
check, rendering, and how decisions display (divert.explain, HTML, IPython)."""

from __future__ import annotations

import concurrent.futures
import copy
import pickle
from typing import Any
from pathlib import Path

import pytest
from google.protobuf import json_format

import divert
from divert.v1 import decision_pb2, encounter_pb2, person_pb2, policy_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
SANTA_FE = REPO_ROOT / "examples" / "policies" / "santa_fe_variant.textproto"

Outcome = decision_pb2.Outcome

CLEAR = {
    "victimPresent": False,
    "ableToConsent": True,
    "imminentDanger": False,
    "onSupervision": False,
    "outstandingWarrants": False,
    "exploitsMinorsOrOthers": False,
    "offenseRelatedToNeeds": True,
}


def arrest(statute: str, *, when: str = "2017-12-14T15:20:00Z", **charge: object) -> dict[str, Any]:
    return {
        "encounterId": "T-1",
        "occurredAt": when,
        "pathway": "ARREST_DIVERSION",
        "person": {"needs": {"drugs": True, "homelessness": True}},
        "charges": [{"statuteCode": statute, **charge}],
        "circumstances": dict(CLEAR),
    }


PETIT_LARCENY = arrest("PL 155.25")
ASSAULT = arrest("PL 120.00")
DRUGS_1_5_GRAMS = arrest("PL 220.03", drugQuantityGrams=1.5)

# A small policy that compiles; {rules} is replaced by rule text.
SMALL_POLICY = """
site_id: "demo"
time_zone: "America/New_York"
versions {
  version: "2024-1"
  approved_on { year: 2024 month: 1 day: 10 }
  effective_from { year: 2024 month: 2 day: 1 }
  %s
}
"""

BROKEN_POLICY = SMALL_POLICY % (
    'rules { id: "exclusion.violent" kind: EXCLUSION scope: EACH_CHARGE\n'
    '          text: "Violent." condition: "charge.violnt" }\n'
    '  rules { id: "criterion.adult" kind: CRITERION text: "Adult."\n'
    '          condition: "encounter.person.age >= \'18\'" }'
)


@pytest.fixture(scope="module")
def policy() -> divert.Policy:
    return divert.Policy.from_file(EXAMPLE1)


def outcome(decision: decision_pb2.Decision) -> str:
    return Outcome.Name(decision.outcome)


def decisive(decision: decision_pb2.Decision) -> set[str]:
    return {rule.rule_id for rule in decision.rules if rule.decisive}


# --- making a policy ----------------------------------------------------------------


def test_from_file_reads_text_format(policy: divert.Policy) -> None:
    assert policy.site_id == "nyc-example1"
    assert policy.versions == ("2017-1", "2018-1")
    assert repr(policy) == "<divert.Policy nyc-example1, versions 2017-1, 2018-1>"
    assert divert.Policy.from_file(str(EXAMPLE1)).site_id == "nyc-example1"


@pytest.mark.parametrize("suffix", [".json", ".binpb", ".pb", ".txtpb", ".pbtxt"])
def test_from_file_chooses_the_format_by_extension(policy: divert.Policy, tmp_path: Path, suffix: str) -> None:
    message = policy.site_policy
    path = tmp_path / f"policy{suffix}"
    if suffix == ".json":
        path.write_text(json_format.MessageToJson(message), encoding="utf-8")
    elif suffix in (".binpb", ".pb"):
        path.write_bytes(message.SerializeToString())
    else:
        path.write_text(SANTA_FE.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = divert.Policy.from_file(path)
    expected = "santa-fe" if suffix in (".txtpb", ".pbtxt") else "nyc-example1"
    assert loaded.site_id == expected


def test_from_file_format_override_and_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_text(SANTA_FE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match="cannot tell the policy's format"):
        divert.Policy.from_file(path)
    assert divert.Policy.from_file(path, format="text").site_id == "santa-fe"
    with pytest.raises(ValueError, match="format must be"):
        divert.Policy.from_file(path, format="yaml")
    with pytest.raises(OSError):
        divert.Policy.from_file(tmp_path / "missing.textproto")


def test_from_text_json_bytes_and_message_agree(policy: divert.Policy) -> None:
    text = EXAMPLE1.read_text(encoding="utf-8")
    message = policy.site_policy
    made = [
        divert.Policy.from_text(text),
        divert.Policy.from_json(json_format.MessageToJson(message)),
        divert.Policy.from_json(json_format.MessageToJson(message).encode()),
        divert.Policy.from_bytes(message.SerializeToString()),
        divert.Policy.from_message(message),
    ]
    expected = policy.evaluate(ASSAULT)
    for other in made:
        assert other.versions == policy.versions
        assert other.evaluate(ASSAULT) == expected


def test_site_policy_is_a_copy(policy: divert.Policy) -> None:
    message = policy.site_policy
    assert isinstance(message, policy_pb2.SitePolicy)
    assert message.time_zone == "America/New_York"
    message.site_id = "changed"
    assert policy.site_policy.site_id == "nyc-example1"
    assert policy.site_id == "nyc-example1"


def test_policies_pickle(policy: divert.Policy) -> None:
    again = pickle.loads(pickle.dumps(policy))
    assert again.versions == policy.versions
    assert again.evaluate(ASSAULT) == policy.evaluate(ASSAULT)


def test_from_message_needs_a_site_policy() -> None:
    with pytest.raises(TypeError, match="SitePolicy"):
        divert.Policy.from_message(encounter_pb2.Encounter())  # type: ignore[arg-type]


# --- compile errors -----------------------------------------------------------------


def test_compile_errors_list_every_issue_with_rule_and_position() -> None:
    with pytest.raises(divert.PolicyError) as caught:
        divert.Policy.from_text(BROKEN_POLICY)
    error = caught.value
    assert isinstance(error, divert.Error)
    assert len(error.issues) == 2
    by_rule = {issue.rule_id: issue for issue in error.issues}
    violent = by_rule["exclusion.violent"]
    assert violent.version == "2024-1"
    assert (violent.line, violent.column) == (1, 7)
    assert "violnt" in violent.message
    assert by_rule["criterion.adult"].line == 1
    text = str(error)
    assert "the policy has 2 problems" in text
    assert "version 2024-1, rule exclusion.violent, 1:7: " in text
    assert "rule criterion.adult" in text
    assert str(violent).startswith("version 2024-1, rule exclusion.violent, 1:7: ")
    assert repr(error) == "PolicyError(2 issues)"


def test_compile_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.textproto"
    path.write_text(BROKEN_POLICY, encoding="utf-8")
    with pytest.raises(divert.PolicyError) as caught:
        divert.Policy.from_file(path)
    assert str(caught.value).startswith(f"{path}: the policy has 2 problems")
    assert caught.value.source == str(path)


def test_syntax_errors_have_a_position_in_the_text() -> None:
    with pytest.raises(divert.PolicyError) as caught:
        divert.Policy.from_text('site_id: "x"\nversions {\n  version: 7 7\n}\n')
    issue = caught.value.issues[0]
    assert (issue.version, issue.rule_id) == ("", "")
    assert issue.line == 3 and issue.column > 0
    with pytest.raises(divert.PolicyError) as caught:
        divert.Policy.from_json('{"siteId": "x",\n  "versions": [')
    assert caught.value.issues[0].line == 2
    with pytest.raises(divert.PolicyError):
        divert.Policy.from_bytes(b"\xff\xff\xff")


def test_policy_errors_pickle() -> None:
    with pytest.raises(divert.PolicyError) as caught:
        divert.Policy.from_text(BROKEN_POLICY)
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.issues == caught.value.issues
    assert str(again) == str(caught.value)


# --- deciding -----------------------------------------------------------------------


def test_evaluate_a_dict(policy: divert.Policy) -> None:
    decision = policy.evaluate(PETIT_LARCENY)
    assert isinstance(decision, decision_pb2.Decision)
    assert outcome(decision) == "ELIGIBLE"
    assert decision.site_id == "nyc-example1"
    assert decision.policy_version == "2017-1"
    assert decision.encounter_id == "T-1"
    assert decision.decision_id.startswith("dec-")
    assert decision.summary.startswith("Eligible for arrest diversion under policy 2017-1")


def test_evaluate_a_message_decides_like_its_dict(policy: divert.Policy) -> None:
    message = json_format.ParseDict(ASSAULT, encounter_pb2.Encounter())
    from_message = policy.evaluate(message)
    assert from_message == policy.evaluate(ASSAULT)
    assert outcome(from_message) == "EXCLUDED"
    assert decisive(from_message) == {"exclusion.violent"}


def test_evaluate_reads_proto_field_names(policy: divert.Policy) -> None:
    encounter = {
        "occurred_at": "2017-12-28T10:00:00Z",
        "pathway": "SOCIAL_CONTACT",
        "person": {"needs": {"poverty": True}},
        "circumstances": {"on_supervision": False, "outstanding_warrants": False},
    }
    assert outcome(policy.evaluate(encounter)) == "ELIGIBLE"


def test_missing_facts_are_asked_for(policy: divert.Policy) -> None:
    encounter = copy.deepcopy(PETIT_LARCENY)
    del encounter["circumstances"]["ableToConsent"]
    decision = policy.evaluate(encounter)
    assert outcome(decision) == "NEEDS_INFORMATION"
    [fact] = decision.missing_facts
    assert fact.field_path == "encounter.circumstances.able_to_consent"
    assert fact.question.endswith("?")
    assert list(fact.rule_ids) == ["exclusion.unable_to_consent"]


def test_version_override(policy: divert.Policy) -> None:
    by_date = policy.evaluate(DRUGS_1_5_GRAMS)
    assert (by_date.policy_version, outcome(by_date)) == ("2017-1", "EXCLUDED")
    assert decisive(by_date) == {"exclusion.drug_quantity"}
    later = policy.evaluate(DRUGS_1_5_GRAMS, version="2018-1")
    assert (later.policy_version, outcome(later)) == ("2018-1", "ELIGIBLE")
    assert policy.evaluate(DRUGS_1_5_GRAMS, version=None) == by_date
    with pytest.raises(ValueError, match="no version '1999-9'"):
        policy.evaluate(DRUGS_1_5_GRAMS, version="1999-9")


def test_encounters_that_cannot_be_decided(policy: divert.Policy) -> None:
    with pytest.raises(divert.DecisionError) as caught:
        policy.evaluate({"pathway": "ARREST_DIVERSION"})
    assert caught.value.code == "INVALID_ARGUMENT"
    assert isinstance(caught.value, ValueError)

    with pytest.raises(divert.DecisionError) as caught:
        policy.evaluate(arrest("PL 155.25", when="2017-06-30T16:00:00Z"))
    assert caught.value.code == "NOT_FOUND"

    # A value of the wrong type names the field, never the value.
    bad = copy.deepcopy(PETIT_LARCENY)
    bad["person"]["age"] = "Jane Doe"
    with pytest.raises(divert.DecisionError) as caught:
        policy.evaluate(bad)
    assert "encounter.person.age" in str(caught.value)
    assert "Jane" not in str(caught.value)
    assert caught.value.__suppress_context__

    with pytest.raises(divert.DecisionError, match="unknown field 'nickname'"):
        policy.evaluate({"nickname": "x"})
    with pytest.raises(TypeError, match="not str"):
        policy.evaluate("{}")  # type: ignore[arg-type]


def test_decision_errors_pickle() -> None:
    error = divert.DecisionError("no version in force", code="NOT_FOUND")
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, str(again)) == ("NOT_FOUND", "no version in force")


def test_evaluate_many(policy: divert.Policy) -> None:
    decisions = policy.evaluate_many([PETIT_LARCENY, ASSAULT, DRUGS_1_5_GRAMS])
    assert [outcome(d) for d in decisions] == ["ELIGIBLE", "EXCLUDED", "EXCLUDED"]
    assert decisions[0] == policy.evaluate(PETIT_LARCENY)
    later = policy.evaluate_many(iter([DRUGS_1_5_GRAMS]), version="2018-1")
    assert outcome(later[0]) == "ELIGIBLE"
    assert policy.evaluate_many([]) == []
    with pytest.raises(divert.DecisionError, match="^encounter 1: ") as caught:
        policy.evaluate_many([PETIT_LARCENY, arrest("PL 155.25", when="2017-01-01T00:00:00Z")])
    assert caught.value.code == "NOT_FOUND"
    with pytest.raises(divert.DecisionError, match="^encounter 0: encounter.person.age"):
        policy.evaluate_many([{"person": {"age": "x"}}])


def test_many_threads_share_one_policy(policy: divert.Policy) -> None:
    encounters = [PETIT_LARCENY, ASSAULT, DRUGS_1_5_GRAMS] * 60
    expected = [policy.evaluate(e) for e in encounters]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(policy.evaluate, encounters))
        batches = list(pool.map(policy.evaluate_many, [encounters[i::8] for i in range(8)]))
    assert got == expected
    for i, batch in enumerate(batches):
        assert batch == expected[i::8]


# --- fidelity, rendering ------------------------------------------------------------


def test_check_returns_a_fidelity_report(policy: divert.Policy) -> None:
    report = policy.check()
    assert isinstance(report, decision_pb2.FidelityReport)
    assert report.site_id == "nyc-example1"
    assert {f.severity for f in report.findings} == {decision_pb2.FidelityFinding.NOTE}
    assert {f.policy_version for f in report.findings} == {"2017-1", "2018-1"}


def test_check_finds_violations() -> None:
    bare = divert.Policy.from_text(SMALL_POLICY % "")
    report = bare.check()
    codes = {f.code: f for f in report.findings}
    assert codes["intake_deadline_missing"].severity == decision_pb2.FidelityFinding.VIOLATION
    assert codes["intake_deadline_missing"].toolkit_section
    assert "no_review_for_supervision" in codes


def test_to_markdown_and_to_html(policy: divert.Policy) -> None:
    markdown = policy.to_markdown()
    assert "2018-1" in markdown and "max_drug_quantity_grams" in markdown
    assert "PL 155.25" in markdown
    older = policy.to_markdown("2017-1")
    assert "2017-1" in older and older != markdown
    page = policy.to_html(version="2018-1")
    assert "<html" in page and "</html>" in page
    assert policy._repr_html_() == policy.to_html()
    with pytest.raises(ValueError, match="no version"):
        policy.to_markdown("1999-9")
    with pytest.raises(ValueError, match="no version"):
        policy.to_html("1999-9")


# --- display ------------------------------------------------------------------------


def test_explain_a_decision(policy: divert.Policy) -> None:
    text = divert.explain(policy.evaluate(ASSAULT))
    lines = text.splitlines()
    assert lines[0] == "T-1: EXCLUDED (arrest diversion)"
    assert lines[1].startswith("Excluded from arrest diversion under policy 2017-1")
    assert "Policy nyc-example1, version 2017-1 (approved 2017-06-15); decision dec-" in text
    decisive_lines = [line for line in lines if line.startswith("  * ")]
    assert len(decisive_lines) == 1 and "exclusion.violent" in decisive_lines[0]
    review = divert.explain(policy.evaluate({**PETIT_LARCENY, "circumstances": {**CLEAR, "onSupervision": True}}))
    assert "Review by: the supervising agency" in review


def test_explain_a_fidelity_report(policy: divert.Policy) -> None:
    text = divert.explain(policy.check())
    assert text.startswith("Fidelity check of nyc-example1: 2 findings (0 violations, 0 warnings, 2 notes)")
    assert "\nNOTE:\n" in text
    assert "catalog_needs_verification [version 2017-1, toolkit" in text
    assert divert.explain(decision_pb2.FidelityReport(site_id="x")) == "Fidelity check of x: no findings."
    bare = divert.explain(divert.Policy.from_text(SMALL_POLICY % "").check())
    assert bare.index("VIOLATION:") < bare.index("WARNING:") < bare.index("NOTE:")
    with pytest.raises(TypeError):
        divert.explain("a decision")  # type: ignore[arg-type]


def test_html_is_escaped(policy: divert.Policy) -> None:
    decision = policy.evaluate(ASSAULT)
    card = divert.decision_html(decision)
    assert card.startswith('<div class="divert-decision"')
    assert "EXCLUDED" in card and "exclusion.violent" in card
    tricky = decision_pb2.Decision(summary="<script>alert(1)</script>", notes=["a & b"])
    tricky_card = divert.decision_html(tricky)
    assert "<script>" not in tricky_card
    assert "&lt;script&gt;" in tricky_card and "a &amp; b" in tricky_card
    report = divert.fidelity_html(policy.check())
    assert "catalog_needs_verification" in report and "NOTE" in report
    with pytest.raises(TypeError):
        divert.decision_html(policy.check())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        divert.fidelity_html(decision)  # type: ignore[arg-type]


class FakeFormatter:
    def __init__(self) -> None:
        self.registered: dict[type, object] = {}

    def for_type(self, cls: type, function: object) -> None:
        self.registered[cls] = function


class FakeShell:
    def __init__(self) -> None:
        self.html = FakeFormatter()
        self.display_formatter = type("DisplayFormatter", (), {})()
        self.display_formatter.formatters = {"text/html": self.html, "text/plain": FakeFormatter()}


def test_ipython_formatters_are_registered_with_a_shell() -> None:
    shell = FakeShell()
    assert divert.register_ipython_formatters(shell) is True
    assert shell.html.registered == {
        decision_pb2.Decision: divert.decision_html,
        decision_pb2.FidelityReport: divert.fidelity_html,
    }
    assert divert.register_ipython_formatters(object()) is False


def test_ipython_formatters_without_ipython(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert divert.register_ipython_formatters() is False

    # IPython imported, but not running a shell.
    fake_ipython = type(sys)("IPython")
    fake_ipython.get_ipython = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    assert divert.register_ipython_formatters() is False

    shell = FakeShell()
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    assert divert.register_ipython_formatters() is True
    assert decision_pb2.Decision in shell.html.registered


def test_a_real_ipython_html_formatter_shows_decisions(policy: divert.Policy) -> None:
    formatters = pytest.importorskip("IPython.core.formatters")
    formatter = formatters.HTMLFormatter()
    shell = FakeShell()
    shell.display_formatter.formatters["text/html"] = formatter
    assert divert.register_ipython_formatters(shell)
    decision = policy.evaluate(ASSAULT)
    assert formatter(decision) == divert.decision_html(decision)
    assert "catalog_needs_verification" in formatter(policy.check())
    # A policy shows as its rendered document through _repr_html_.
    assert formatter(policy) == policy.to_html()


def test_public_names() -> None:
    for name in ("Policy", "PolicyError", "PolicyIssue", "DecisionError", "explain", "decision_html"):
        assert name in divert.__all__
        assert getattr(divert, name).__doc__
    assert issubclass(divert.PolicyError, divert.Error)
    assert divert.v1.person_pb2 is person_pb2


def test_decisions_and_reports_repr_in_one_line(policy: divert.Policy) -> None:
    decision = policy.evaluate(arrest("PL 155.25"))
    assert repr(decision) == (
        f"<Decision {decision.decision_id}: ELIGIBLE under nyc-example1 2017-1, "
        f"{len(decision.rules)} rules>"
    )
    assert "rule_id" in str(decision), "str still shows every field"
    assert repr(policy.check()).startswith("<FidelityReport nyc-example1: ")
    assert "\n" not in repr(policy.check())
