"""Writes the consumers' cases: tests/eligibility/scenarios.json (the table the
C++ tests decide) as one line per scenario that any language reads without a
JSON library.

    python3 make_cases.py <repository root> <cases.tsv>

Each line has seven tab-separated fields:

    name  policy  status  outcome  version  decisive  encounter

- policy: the policy file, relative to the repository root;
- status: the DIVERT_* status code divert_policy_evaluate() must return
  (0, or 6 for a scenario that expects NOT_FOUND);
- outcome: the divert.v1.Outcome name the decision must have ("-" when the
  status is not 0);
- version: the policy version that must decide ("-" when the scenario does
  not say);
- decisive: the ids of the rules the decision must mark decisive, sorted
  and joined with commas ("-" when the status is not 0);
- encounter: the divert.v1.Encounter as proto3 JSON on one line (JSON
  escapes tabs and newlines inside strings, so none appears raw).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# divert.h's status codes for the absl codes scenarios.json may expect.
STATUS_CODES = {"INVALID_ARGUMENT": 1, "NOT_FOUND": 6}


def case_line(scenario: dict[str, object]) -> str:
    expect = scenario["expect"]
    assert isinstance(expect, dict)
    if "error" in expect:
        status, outcome, decisive = STATUS_CODES[str(expect["error"])], "-", "-"
    else:
        status, outcome = 0, str(expect["outcome"])
        decisive = ",".join(sorted(str(rule) for rule in expect["decisive"]))
    version = str(expect.get("policy_version", "-"))
    encounter = json.dumps(scenario["encounter"], separators=(",", ":"), ensure_ascii=True)
    fields = [str(scenario["name"]), str(scenario["policy"]), str(status), outcome, version, decisive, encounter]
    return "\t".join(fields)


def main() -> int:
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    scenarios = json.loads((root / "tests/eligibility/scenarios.json").read_text(encoding="utf-8"))["scenarios"]
    lines = [case_line(scenario) for scenario in scenarios]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} cases from tests/eligibility/scenarios.json -> {out}")
    return 0 if lines else 1


if __name__ == "__main__":
    sys.exit(main())
