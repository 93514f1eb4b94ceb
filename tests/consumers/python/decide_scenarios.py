"""The eligibility scenarios through the C ABI from Python's ctypes: no
compiler, no extension module, only libdivert.so and divert.h's contract.

    python3 decide_scenarios.py <libdivert.so> <repository root> <cases.tsv>

cases.tsv comes from tests/consumers/make_cases.py. Each policy is compiled
once; each encounter is decided and its status, outcome and deciding version
compared with what the C++ tests expect, and so are the rules it marks
decisive. Exits 1 on any difference.
"""

from __future__ import annotations

import ctypes
import json
import sys
from pathlib import Path

DIVERT_OK = 0
DIVERT_FORMAT_TEXT = 0
DIVERT_FORMAT_JSON = 1


class Divert:
    """The few functions of divert.h this program needs, with their C types."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        lib.divert_version_string.restype = ctypes.c_char_p
        lib.divert_version_string.argtypes = []
        lib.divert_last_error.restype = ctypes.c_char_p
        lib.divert_last_error.argtypes = []
        lib.divert_buffer_free.restype = None
        lib.divert_buffer_free.argtypes = [ctypes.c_void_p]
        lib.divert_policy_compile.restype = ctypes.c_int
        lib.divert_policy_compile.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
        lib.divert_policy_destroy.restype = None
        lib.divert_policy_destroy.argtypes = [ctypes.c_void_p]
        # The decision comes back as void*, so that ctypes keeps the pointer
        # for divert_buffer_free() instead of copying it into bytes.
        lib.divert_policy_evaluate.restype = ctypes.c_int
        lib.divert_policy_evaluate.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
            ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
        self.lib = lib

    def last_error(self) -> str:
        return bytes(self.lib.divert_last_error()).decode("utf-8")

    def compile(self, text: bytes) -> ctypes.c_void_p:
        policy = ctypes.c_void_p()
        if self.lib.divert_policy_compile(text, len(text), DIVERT_FORMAT_TEXT, ctypes.byref(policy)) != DIVERT_OK:
            raise RuntimeError(self.last_error())
        return policy

    def evaluate(self, policy: ctypes.c_void_p, encounter: bytes) -> tuple[int, dict[str, object]]:
        buffer = ctypes.c_void_p()
        length = ctypes.c_size_t()
        status = self.lib.divert_policy_evaluate(
            policy, encounter, len(encounter), DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON,
            ctypes.byref(buffer), ctypes.byref(length))
        if status != DIVERT_OK:
            return status, {}
        try:
            return status, json.loads(ctypes.string_at(buffer, length.value))
        finally:
            self.lib.divert_buffer_free(buffer)


def decisive_rules(decision: dict[str, object]) -> str:
    """The ids of the rules the decision marks decisive, sorted, joined with commas."""
    rules = decision.get("rules", [])
    assert isinstance(rules, list)
    return ",".join(sorted(rule["ruleId"] for rule in rules if rule.get("decisive")))


def main() -> int:
    divert = Divert(sys.argv[1])
    root, cases = Path(sys.argv[2]), Path(sys.argv[3])
    policies: dict[str, ctypes.c_void_p] = {}
    checked = failures = 0
    for line in cases.read_text(encoding="utf-8").splitlines():
        name, policy_path, status_text, outcome, version, decisive, encounter = line.split("\t")
        if policy_path not in policies:
            policies[policy_path] = divert.compile((root / policy_path).read_bytes())
        status, decision = divert.evaluate(policies[policy_path], encounter.encode("utf-8"))
        checked += 1
        if status != int(status_text):
            print(f"FAIL {name}: status {status} ({divert.last_error()}), expected {status_text}",
                  file=sys.stderr)
            failures += 1
        elif status == DIVERT_OK and (
            decision.get("outcome") != outcome
            or (version != "-" and decision.get("policyVersion") != version)
        ):
            print(f"FAIL {name}: decided {decision.get('outcome')} under "
                  f"{decision.get('policyVersion')}, expected {outcome} under {version}",
                  file=sys.stderr)
            failures += 1
        elif status == DIVERT_OK and decisive_rules(decision) != decisive:
            print(f"FAIL {name}: decisive rules {decisive_rules(decision)}, expected {decisive}",
                  file=sys.stderr)
            failures += 1
    for policy in policies.values():
        divert.lib.divert_policy_destroy(policy)
    print(f"ctypes: {checked} scenarios decided, {checked - failures} as the C++ tests expect")
    return 0 if failures == 0 and checked > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
