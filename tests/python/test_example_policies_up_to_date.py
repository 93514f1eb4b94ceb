"""The generated example policies are what their scripts produce now.

examples/policies/catalogs/new_york.textproto comes from
examples/policies/tools/build_catalog.py (NYPD arrests CSV + ny_statutes.tsv),
and the three example policies from tools/build_policies.py (the parts and the
catalog). Edit the inputs, rerun the scripts, and commit the outputs together:

    python3 examples/policies/tools/build_catalog.py
    python3 examples/policies/tools/build_policies.py

Runs with the other Python tests (scripts/test.sh).
"""

import importlib.util
import json
import os
from types import ModuleType

import pytest

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TOOLS = os.path.join(REPO, "examples", "policies", "tools")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, os.path.join(TOOLS, f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_catalog = _load("build_catalog")
build_policies = _load("build_policies")


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_new_york_catalog_is_up_to_date() -> None:
    csv_path = build_catalog.default_csv_path()
    assert _read(build_catalog.DEFAULT_OUT) == build_catalog.build(csv_path), (
        "catalogs/new_york.textproto is stale: run python3 examples/policies/tools/build_catalog.py")


@pytest.mark.parametrize("name", sorted(build_policies.POLICIES))
def test_policy_is_up_to_date(name: str) -> None:
    assert _read(build_policies.output_path(name)) == build_policies.build(name), (
        f"{name}.textproto is stale: run python3 examples/policies/tools/build_policies.py")


def test_catalog_covers_every_nypd_code_once() -> None:
    csv_path = build_catalog.default_csv_path()
    stats = build_catalog.read_csv(csv_path)
    entries = build_catalog.build_entries(stats, build_catalog.read_statutes(build_catalog.DEFAULT_STATUTES))
    aliases = [a for e in entries for a in e.aliases]
    assert sorted(aliases) == sorted(stats)
    assert len(stats) == 547
    # Every entry it is unsure of says why.
    assert all(e.notes for e in entries if e.needs_verification)


def test_citation_rule() -> None:
    parse = build_catalog.parse_code
    assert parse("PL 1552500")[1] == "PL 155.25"
    assert parse("PL 1200001")[1] == "PL 120.00(1)"
    assert parse("PL 140100A")[1] == "PL 140.10(a)"
    assert parse("PL 140251A")[1] == "PL 140.25(1)(a)"
    assert parse("PL 120003H")[1] == "PL 120.00(3) (hate crime)"
    assert parse("PL 12005A3")[1] == "PL 120.05 [A3]"
    assert parse("VTL0511001")[1] == "VTL 511(1)"
    assert parse("ABC0064B00")[1] == "ABC 64-b"
    assert parse("VTL1229C03")[1] == "VTL 1229-c(3)"
    assert parse("FOA9000049")[1] == "FOA 9000049"


def test_scenarios_name_known_policies_and_rules() -> None:
    with open(os.path.join(REPO, "tests", "eligibility", "scenarios.json"), encoding="utf-8") as f:
        scenarios = json.load(f)["scenarios"]
    assert len(scenarios) >= 40
    names = [s["name"] for s in scenarios]
    assert len(names) == len(set(names))
    rule_ids = {}
    for name in build_policies.POLICIES:
        path = f"examples/policies/{name}.textproto"
        text = build_policies.build(name)
        rule_ids[path] = set(line.split('"')[1] for line in text.splitlines()
                             if line.strip().startswith("id:") and "." in line.split('"')[1])
    for s in scenarios:
        assert s["policy"] in rule_ids, s["name"]
        expect = s["expect"]
        assert ("outcome" in expect) != ("error" in expect), s["name"]
        for key in ("decisive", "unknown", "not_applicable"):
            for rule in expect.get(key, []):
                assert rule in rule_ids[s["policy"]], f"{s['name']}: unknown rule {rule}"
