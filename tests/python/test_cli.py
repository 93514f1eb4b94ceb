"""The divert command line: check, explain, evaluate, and their exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import json_format

from divert.cli import main
from divert.v1 import decision_pb2

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = str(REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto")
ENCOUNTERS = sorted(str(p) for p in (REPO_ROOT / "examples" / "encounters").glob("*.json"))

BARE_POLICY = """
site_id: "bare"
time_zone: "America/New_York"
versions {
  version: "2024-1"
  approved_on { year: 2024 month: 1 day: 10 }
  effective_from { year: 2024 month: 2 day: 1 }
}
"""

BROKEN_POLICY = BARE_POLICY.replace(
    'effective_from { year: 2024 month: 2 day: 1 }',
    'effective_from { year: 2024 month: 2 day: 1 }\n'
    '  rules { id: "exclusion.violent" kind: EXCLUSION scope: EACH_CHARGE\n'
    '          text: "Violent." condition: "charge.violnt" }',
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture()
def bare_policy(tmp_path: Path) -> str:
    path = tmp_path / "bare.textproto"
    path.write_text(BARE_POLICY, encoding="utf-8")
    return str(path)


# --- divert check -------------------------------------------------------------------


def test_check_a_good_policy(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check", EXAMPLE1)
    assert status == 0, err
    assert out.startswith(f"{EXAMPLE1}: compiles (site nyc-example1; versions 2017-1, 2018-1)\n")
    assert "Fidelity check of nyc-example1: 2 findings (0 violations, 0 warnings, 2 notes)" in out
    assert "\nNOTE:\n" in out and "catalog_needs_verification" in out
    assert err == ""
    # --strict only matters for violations.
    assert run(capsys, "check", "--strict", EXAMPLE1)[0] == 0


def test_check_groups_findings_and_strict_fails_on_violations(capsys: pytest.CaptureFixture[str], bare_policy: str) -> None:
    status, out, _ = run(capsys, "check", bare_policy)
    assert status == 0
    assert out.index("VIOLATION:") < out.index("WARNING:") < out.index("NOTE:")
    assert "intake_deadline_missing [version 2024-1, toolkit VI]" in out
    status, _, _ = run(capsys, "check", "--strict", bare_policy)
    assert status == 3


def test_check_a_broken_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.textproto"
    path.write_text(BROKEN_POLICY, encoding="utf-8")
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    assert out.startswith(f"{path}: the policy does not compile (1 problem):\n")
    assert "  version 2024-1, rule exclusion.violent, 1:7: " in out
    assert "violnt" in out


def test_check_a_text_syntax_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "syntax.textproto"
    path.write_text('site_id: "x"\nversions {\n  version: 7 7\n}\n', encoding="utf-8")
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    assert "\n  3:" in out


def test_check_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = run(capsys, "check", str(tmp_path / "nope.textproto"))
    assert status == 2
    assert err.startswith("divert: ") and "nope.textproto" in err


# --- divert explain -----------------------------------------------------------------


def test_explain_markdown_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "explain", EXAMPLE1)
    assert status == 0
    assert "2018-1" in out and "max_drug_quantity_grams" in out
    status, older, _ = run(capsys, "explain", EXAMPLE1, "--version", "2017-1")
    assert status == 0 and older != out


def test_explain_html_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "policy.html"
    status, out, _ = run(capsys, "explain", EXAMPLE1, "--format", "html", "-o", str(target))
    assert status == 0 and out == ""
    page = target.read_text(encoding="utf-8")
    assert "<html" in page and "PL 155.25" in page


def test_explain_an_unknown_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "explain", EXAMPLE1, "--version", "1999-9")
    assert status == 2
    assert "1999-9" in err and out == ""


def test_explain_a_broken_policy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "broken.textproto"
    path.write_text(BROKEN_POLICY, encoding="utf-8")
    status, out, err = run(capsys, "explain", str(path))
    assert status == 1
    assert "rule exclusion.violent, 1:7" in err and out == ""


# --- divert evaluate ----------------------------------------------------------------


def test_evaluate_the_bundled_encounters(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "evaluate", EXAMPLE1, *ENCOUNTERS)
    assert status == 0, err
    lines = out.splitlines()
    outcomes = dict(line.split(": ", 1) for line in lines if not line.startswith("  "))
    assert outcomes == {
        "example-1": "ELIGIBLE",
        "example-2": "EXCLUDED",
        "example-3": "NEEDS_REVIEW",
        "example-4": "ELIGIBLE",
        "example-5": "NEEDS_INFORMATION",
    }
    summaries = [line.strip() for line in lines if line.startswith("  ")]
    assert len(summaries) == 5
    assert all("under policy 2017-1" in summary for summary in summaries)


def test_evaluate_json_prints_one_decision_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "evaluate", EXAMPLE1, *ENCOUNTERS, "--json")
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == len(ENCOUNTERS)
    for line in lines:
        decision = json_format.Parse(line, decision_pb2.Decision())
        assert decision.decision_id.startswith("dec-")
        assert json.loads(line)["siteId"] == "nyc-example1"


def test_evaluate_verbose_explains_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    social = [p for p in ENCOUNTERS if p.endswith("social_contact.json")]
    status, out, _ = run(capsys, "evaluate", EXAMPLE1, *social, "-v")
    assert status == 0
    assert out.startswith("example-4: ELIGIBLE (social contact referral)\n")
    assert "Rules (* = decided the outcome):" in out


def test_evaluate_under_a_version(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    encounter = json.loads(Path(ENCOUNTERS[0]).read_text(encoding="utf-8"))
    path = tmp_path / "e.json"
    path.write_text(json.dumps(encounter), encoding="utf-8")
    status, out, _ = run(capsys, "evaluate", EXAMPLE1, str(path), "--version", "2018-1", "--json")
    assert status == 0
    assert json.loads(out)["policyVersion"] == "2018-1"
    status, _, err = run(capsys, "evaluate", EXAMPLE1, str(path), "--version", "1999-9")
    assert status == 2 and "1999-9" in err


def test_evaluate_a_list_and_stdin(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encounters = [json.loads(Path(p).read_text(encoding="utf-8")) for p in ENCOUNTERS[:2]]
    listed = tmp_path / "two.json"
    listed.write_text(json.dumps(encounters), encoding="utf-8")
    status, out, _ = run(capsys, "evaluate", EXAMPLE1, str(listed))
    assert status == 0
    assert len([line for line in out.splitlines() if not line.startswith("  ")]) == 2

    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(encounters[0])))
    status, out, _ = run(capsys, "evaluate", EXAMPLE1, "-")
    assert status == 0 and out.startswith(encounters[0]["encounterId"] + ": ")


def test_evaluate_keeps_going_past_a_bad_encounter(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    undated = tmp_path / "undated.json"
    undated.write_text('{"encounterId": "u-1", "pathway": "SOCIAL_CONTACT"}', encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"person": {"age": "Jane Doe"}}', encoding="utf-8")
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    status, out, err = run(capsys, "evaluate", EXAMPLE1, str(undated), str(wrong), ENCOUNTERS[0])
    assert status == 1
    assert f"divert: {undated}: " in err
    assert f"divert: {wrong}: encounter.person.age" in err
    assert "Jane" not in err
    assert len(out.splitlines()) == 2  # the good encounter's line and its summary
    status, _, err = run(capsys, "evaluate", EXAMPLE1, str(not_json))
    assert status == 2 and f"{not_json}:1:2: not JSON" in err


def test_conditions_command_is_gone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["conditions", "a.json", "b.json"])
    assert caught.value.code == 2
    capsys.readouterr()


def test_the_installed_command_runs(tmp_path: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "divert", "evaluate", EXAMPLE1, *ENCOUNTERS],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    assert "example-2: EXCLUDED" in process.stdout
