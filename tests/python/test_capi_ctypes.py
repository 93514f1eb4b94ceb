"""The C ABI (include/divert/divert.h) through ctypes: what any language with a
C foreign-function interface sees. No compiler involved.

The shared library is $DIVERT_LIBRARY, or build/libdivert.so under the
repository root. Not finding it is a failure, not a skip.

Each check runs in a fresh interpreter (this file run as a script): the
shared library and the Python extension divert._core both register the
divert.v1 descriptors with the process's libprotobuf, so they cannot be
loaded into one process, and the pytest process imports divert._core for
the other tests.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

DIVERT_OK = 0
DIVERT_ERROR_INVALID_ARGUMENT = 1
DIVERT_ERROR_SYNTAX = 2
DIVERT_ERROR_TYPE = 3
DIVERT_ERROR_LIMIT = 4
DIVERT_ERROR_EVALUATION = 5
DIVERT_ERROR_NOT_FOUND = 6
DIVERT_ERROR_POLICY = 7
DIVERT_ERROR_INTERNAL = 99
DIVERT_FORMAT_TEXT = 0
DIVERT_FORMAT_JSON = 1
DIVERT_FORMAT_BINARY = 2
DIVERT_RENDER_MARKDOWN = 0
DIVERT_RENDER_HTML = 1
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NUL_TERMINATED = ctypes.c_size_t(-1).value


def library_path() -> Path:
    configured = os.environ.get("DIVERT_LIBRARY")
    if configured:
        return Path(configured)
    return REPO_ROOT / "build" / "libdivert.so"


def load_library() -> ctypes.CDLL:
    path = library_path()
    assert path.exists(), f"the shared library is missing: {path} (set DIVERT_LIBRARY or build into build/)"
    lib = ctypes.CDLL(str(path))
    c_char_pp = ctypes.POINTER(ctypes.c_char_p)
    size_p = ctypes.POINTER(ctypes.c_size_t)
    program_p = ctypes.c_void_p
    signatures = {
        "divert_version_number": (ctypes.c_int, []),
        "divert_version_string": (ctypes.c_char_p, []),
        "divert_last_error": (ctypes.c_char_p, []),
        "divert_buffer_free": (None, [ctypes.c_void_p]),
        "divert_cel_compile": (
            ctypes.c_int,
            [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(program_p)],
        ),
        "divert_cel_compile_unchecked": (
            ctypes.c_int,
            [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(program_p)],
        ),
        "divert_cel_program_destroy": (None, [program_p]),
        # Buffers come back as void* so that ctypes does not copy and lose
        # the pointer we must free.
        "divert_cel_program_evaluate": (
            ctypes.c_int,
            [program_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p), size_p],
        ),
        "divert_cel_evaluate": (
            ctypes.c_int,
            [
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.POINTER(ctypes.c_void_p),
                size_p,
            ],
        ),
        "divert_cel_result_type": (ctypes.c_int, [program_p, ctypes.POINTER(ctypes.c_void_p), size_p]),
        "divert_cel_check": (
            ctypes.c_int,
            [
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.POINTER(ctypes.c_void_p),
                size_p,
            ],
        ),
        "divert_policy_compile": (
            ctypes.c_int,
            [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)],
        ),
        "divert_policy_check": (
            ctypes.c_int,
            [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), size_p],
        ),
        "divert_policy_destroy": (None, [ctypes.c_void_p]),
        "divert_policy_evaluate": (
            ctypes.c_int,
            [
                ctypes.c_void_p,
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.POINTER(ctypes.c_void_p),
                size_p,
            ],
        ),
        "divert_policy_evaluate_version": (
            ctypes.c_int,
            [
                ctypes.c_void_p,
                ctypes.c_char_p,
                ctypes.c_size_t,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.POINTER(ctypes.c_void_p),
                size_p,
            ],
        ),
        "divert_policy_check_fidelity": (
            ctypes.c_int,
            [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), size_p],
        ),
        "divert_policy_render": (
            ctypes.c_int,
            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), size_p],
        ),
        "divert_policy_site_policy": (
            ctypes.c_int,
            [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), size_p],
        ),
    }
    del c_char_pp
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def take_buffer(lib: ctypes.CDLL, buffer: ctypes.c_void_p, length: ctypes.c_size_t) -> str:
    """Copies a library buffer, checks its length and NUL, and frees it."""
    assert buffer.value is not None
    data = ctypes.string_at(buffer.value, length.value + 1)
    assert data[-1:] == b"\0"
    lib.divert_buffer_free(buffer)
    return data[:-1].decode("utf-8")


def last_error(lib: ctypes.CDLL) -> str:
    message: bytes = lib.divert_last_error()
    return message.decode("utf-8")


def compile_checked(lib: ctypes.CDLL, expr: str, declarations: dict[str, str] | None) -> tuple[int, ctypes.c_void_p]:
    program = ctypes.c_void_p()
    source = expr.encode()
    decls = None if declarations is None else json.dumps(declarations).encode()
    status = lib.divert_cel_compile(source, len(source), decls, 0 if decls is None else len(decls), ctypes.byref(program))
    return status, program


def evaluate_program(lib: ctypes.CDLL, program: ctypes.c_void_p, bindings: object) -> tuple[int, Any]:
    data = json.dumps(bindings).encode()
    buffer = ctypes.c_void_p()
    length = ctypes.c_size_t(777)
    status = lib.divert_cel_program_evaluate(program, data, len(data), ctypes.byref(buffer), ctypes.byref(length))
    if status != DIVERT_OK:
        assert buffer.value is None and length.value == 0
        return status, last_error(lib)
    return status, json.loads(take_buffer(lib, buffer, length))


def evaluate_once(lib: ctypes.CDLL, expr: str, bindings: object = None) -> tuple[int, Any]:
    source = expr.encode()
    data = None if bindings is None else json.dumps(bindings).encode()
    buffer = ctypes.c_void_p()
    length = ctypes.c_size_t()
    status = lib.divert_cel_evaluate(
        source, len(source), data, 0 if data is None else len(data), ctypes.byref(buffer), ctypes.byref(length)
    )
    if status != DIVERT_OK:
        return status, last_error(lib)
    return status, json.loads(take_buffer(lib, buffer, length))


def check_version(lib: ctypes.CDLL) -> None:
    version = lib.divert_version_string().decode()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    major, minor, patch = (int(part) for part in version.split("."))
    assert lib.divert_version_number() == major * 10000 + minor * 100 + patch
    header = (REPO_ROOT / "include" / "divert" / "version.h").read_text()
    assert f'#define DIVERT_VERSION_STRING "{version}"' in header


def check_only_the_c_abi_is_exported(lib: ctypes.CDLL) -> None:
    for name in ("divert_cel_compile", "divert_last_error", "divert_buffer_free", "divert_policy_compile"):
        assert hasattr(lib, name)
    with pytest.raises(AttributeError):
        lib.CompileImpl  # noqa: B018 - internal C++ helpers stay hidden


def check_compile_and_evaluate(lib: ctypes.CDLL) -> None:
    status, program = compile_checked(lib, "age >= 18 && size(charges) < 3", {"age": "int", "charges": "list(string)"})
    assert status == DIVERT_OK, last_error(lib)
    assert last_error(lib) == ""
    try:
        assert evaluate_program(lib, program, {"age": 34, "charges": ["theft"]}) == (DIVERT_OK, {"value": True})
        assert evaluate_program(lib, program, {"age": 12, "charges": []}) == (DIVERT_OK, {"value": False})
        assert evaluate_program(lib, program, {"age": "9223372036854775807", "charges": []}) == (
            DIVERT_OK,
            {"value": True},
        )
        buffer = ctypes.c_void_p()
        length = ctypes.c_size_t()
        assert lib.divert_cel_result_type(program, ctypes.byref(buffer), ctypes.byref(length)) == DIVERT_OK
        assert take_buffer(lib, buffer, length) == "bool"
    finally:
        lib.divert_cel_program_destroy(program)


def check_bindings_that_do_not_fit(lib: ctypes.CDLL) -> None:
    status, program = compile_checked(lib, "age > 1", {"age": "int"})
    assert status == DIVERT_OK
    try:
        status, message = evaluate_program(lib, program, {"age": "Jane Doe"})
        assert status == DIVERT_ERROR_INVALID_ARGUMENT
        assert message.startswith("bindings.age: expected an int, got a string"), message
        assert "Jane" not in message
        status, message = evaluate_program(lib, program, {"age": 1.5})
        assert status == DIVERT_ERROR_INVALID_ARGUMENT
        assert message == "bindings.age: expected an int, got a number with a fraction", message
        status, message = evaluate_program(lib, program, [1, 2])
        assert status == DIVERT_ERROR_INVALID_ARGUMENT
        assert message.startswith("bindings: not a JSON object")
    finally:
        lib.divert_cel_program_destroy(program)


def check_results_as_json(lib: ctypes.CDLL) -> None:
    assert evaluate_once(lib, "[1, 2.0, 'x', b'\\x01', null, {'k': true}]") == (
        DIVERT_OK,
        {"value": [1, 2.0, "x", "AQ==", None, {"k": True}]},
    )
    assert evaluate_once(lib, "9223372036854775807") == (DIVERT_OK, {"value": 9223372036854775807})
    assert evaluate_once(lib, "timestamp('2024-03-14T22:05:00Z') + duration('90m')") == (
        DIVERT_OK,
        {"value": "2024-03-14T23:35:00Z"},
    )
    assert evaluate_once(lib, "x.y + 1", {"x": {"y": 41}}) == (DIVERT_OK, {"value": 42})


def check_encounter_messages(lib: ctypes.CDLL) -> None:
    status, program = compile_checked(
        lib,
        "encounter.charges.exists(c, c.level == divert.v1.OffenseLevel.FELONY)",
        {"encounter": "divert.v1.Encounter"},
    )
    assert status == DIVERT_OK, last_error(lib)
    try:
        felony = {"encounter": {"charges": [{"level": "MISDEMEANOR"}, {"level": "FELONY"}]}}
        assert evaluate_program(lib, program, felony) == (DIVERT_OK, {"value": True})
        assert evaluate_program(lib, program, {"encounter": {}}) == (DIVERT_OK, {"value": False})
    finally:
        lib.divert_cel_program_destroy(program)


def check_syntax_error(lib: ctypes.CDLL) -> None:
    status, program = compile_checked(lib, "age >= ", {"age": "int"})
    assert status == DIVERT_ERROR_SYNTAX
    assert program.value is None
    message = last_error(lib)
    assert "<input>:1:" in message
    assert " | age >= " in message
    assert "^" in message


def check_type_error(lib: ctypes.CDLL) -> None:
    status, program = compile_checked(lib, "agee >= 18", {"age": "int"})
    assert status == DIVERT_ERROR_TYPE
    assert program.value is None
    assert "agee" in last_error(lib)


def check_limit_error(lib: ctypes.CDLL) -> None:
    status, _ = compile_checked(lib, "(" * 500 + "1" + ")" * 500, None)
    assert status == DIVERT_ERROR_LIMIT


def check_evaluation_error(lib: ctypes.CDLL) -> None:
    status, message = evaluate_once(lib, "1 / 0")
    assert status == DIVERT_ERROR_EVALUATION
    assert "division by zero" in message
    # The next successful call clears the last error.
    assert evaluate_once(lib, "true") == (DIVERT_OK, {"value": True})
    assert last_error(lib) == ""


def check_check_lists_issues(lib: ctypes.CDLL) -> None:
    expr = b"age >= \n  agee"
    decls = b'{"age": "int"}'
    buffer = ctypes.c_void_p()
    length = ctypes.c_size_t()
    assert lib.divert_cel_check(expr, len(expr), decls, len(decls), ctypes.byref(buffer), ctypes.byref(length)) == 0
    issues = json.loads(take_buffer(lib, buffer, length))
    assert issues[0]["kind"] == "type"
    assert (issues[0]["line"], issues[0]["column"]) == (2, 3)
    assert "agee" in issues[0]["message"]
    ok = b"age >= 1"
    assert lib.divert_cel_check(ok, len(ok), decls, len(decls), ctypes.byref(buffer), ctypes.byref(length)) == 0
    assert take_buffer(lib, buffer, length) == "[]"


def check_nul_terminated_lengths_and_null_arguments(lib: ctypes.CDLL) -> None:
    program = ctypes.c_void_p()
    assert lib.divert_cel_compile_unchecked(b"1 + 1", NUL_TERMINATED, ctypes.byref(program)) == DIVERT_OK
    try:
        assert evaluate_program(lib, program, {}) == (DIVERT_OK, {"value": 2})
    finally:
        lib.divert_cel_program_destroy(program)
    assert lib.divert_cel_compile(None, 0, None, 0, ctypes.byref(program)) == DIVERT_ERROR_INVALID_ARGUMENT
    assert lib.divert_cel_compile(b"1", 1, None, 0, None) == DIVERT_ERROR_INVALID_ARGUMENT
    buffer = ctypes.c_void_p()
    assert lib.divert_cel_program_evaluate(None, None, 0, ctypes.byref(buffer), None) == DIVERT_ERROR_INVALID_ARGUMENT
    assert "program" in last_error(lib)
    lib.divert_cel_program_destroy(None)
    lib.divert_buffer_free(None)


def check_last_error_is_per_thread(lib: ctypes.CDLL) -> None:
    assert evaluate_once(lib, "1 / 0")[0] == DIVERT_ERROR_EVALUATION
    seen: list[str] = []

    def other() -> None:
        seen.append(last_error(lib))
        evaluate_once(lib, "1")

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [""]
    assert "division by zero" in last_error(lib)


# --- eligibility policies ------------------------------------------------------------

PETIT_LARCENY = {
    "encounterId": "ctypes-1",
    "occurredAt": "2017-12-14T15:20:00Z",
    "pathway": "ARREST_DIVERSION",
    "person": {"needs": {"drugs": True, "homelessness": True}},
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
ASSAULT = {**PETIT_LARCENY, "encounterId": "ctypes-2", "charges": [{"statuteCode": "PL 120.00"}]}


def compile_policy(lib: ctypes.CDLL, data: bytes, fmt: int) -> tuple[int, ctypes.c_void_p]:
    policy = ctypes.c_void_p()
    status = lib.divert_policy_compile(data, len(data), fmt, ctypes.byref(policy))
    return status, policy


def evaluate_encounter(
    lib: ctypes.CDLL, policy: ctypes.c_void_p, encounter: object, version: str | None = None
) -> tuple[int, Any]:
    data = json.dumps(encounter).encode()
    buffer = ctypes.c_void_p()
    length = ctypes.c_size_t()
    if version is None:
        status = lib.divert_policy_evaluate(
            policy, data, len(data), DIVERT_FORMAT_JSON, DIVERT_FORMAT_JSON, ctypes.byref(buffer), ctypes.byref(length)
        )
    else:
        status = lib.divert_policy_evaluate_version(
            policy,
            data,
            len(data),
            DIVERT_FORMAT_JSON,
            DIVERT_FORMAT_JSON,
            version.encode(),
            ctypes.byref(buffer),
            ctypes.byref(length),
        )
    if status != DIVERT_OK:
        assert buffer.value is None and length.value == 0
        return status, last_error(lib)
    return status, json.loads(take_buffer(lib, buffer, length))


def check_policy_compile_and_evaluate(lib: ctypes.CDLL) -> None:
    status, policy = compile_policy(lib, EXAMPLE1.read_bytes(), DIVERT_FORMAT_TEXT)
    assert status == DIVERT_OK, last_error(lib)
    try:
        status, decision = evaluate_encounter(lib, policy, PETIT_LARCENY)
        assert status == DIVERT_OK, decision
        assert decision["outcome"] == "ELIGIBLE"
        assert decision["policyVersion"] == "2017-1"
        assert decision["encounterId"] == "ctypes-1"
        assert decision["summary"].startswith("Eligible for arrest diversion under policy 2017-1")

        status, decision = evaluate_encounter(lib, policy, ASSAULT)
        assert decision["outcome"] == "EXCLUDED"
        assert [r["ruleId"] for r in decision["rules"] if r.get("decisive")] == ["exclusion.violent"]

        status, decision = evaluate_encounter(lib, policy, PETIT_LARCENY, version="2018-1")
        assert (status, decision["policyVersion"]) == (DIVERT_OK, "2018-1")
        status, message = evaluate_encounter(lib, policy, PETIT_LARCENY, version="1999-9")
        assert status == DIVERT_ERROR_NOT_FOUND and "1999-9" in message
        status, message = evaluate_encounter(lib, policy, {**PETIT_LARCENY, "occurredAt": "2017-06-30T16:00:00Z"})
        assert status == DIVERT_ERROR_NOT_FOUND
        status, message = evaluate_encounter(lib, policy, {"person": {"age": "Jane Doe"}})
        assert status == DIVERT_ERROR_INVALID_ARGUMENT
        assert "age" in message and "Jane" not in message

        # Binary out (the wire format; not decoded here: this process must not
        # load the divert.v1 Python messages, which import divert._core).
        data = json.dumps(PETIT_LARCENY).encode()
        buffer = ctypes.c_void_p()
        length = ctypes.c_size_t()
        assert (
            lib.divert_policy_evaluate(
                policy, data, len(data), DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY, ctypes.byref(buffer), ctypes.byref(length)
            )
            == DIVERT_OK
        )
        assert buffer.value is not None
        binary = ctypes.string_at(buffer.value, length.value)
        lib.divert_buffer_free(buffer)
        assert b"2017-1" in binary and b"criterion.offense" in binary
    finally:
        lib.divert_policy_destroy(policy)


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def check_binary_encodings_of_one_encounter_decide_alike(lib: ctypes.CDLL) -> None:
    # An Encounter written by hand: occurred_at (2), pathway (4), a charge (6),
    # in field order as protobuf writes it, and again with the pathway last.
    # Binary in and out is the engine's fast path, which decodes the first
    # directly and gives the second to protobuf's parser.
    occurred_at = b"\x12" + varint(len(b"\x08" + varint(1513264800))) + b"\x08" + varint(1513264800)
    pathway = b"\x20\x01"
    charge_body = b"\x0a\x09PL 155.25"
    charge = b"\x32" + varint(len(charge_body)) + charge_body
    canonical = occurred_at + pathway + charge
    reordered = occurred_at + charge + pathway
    status, policy = compile_policy(lib, EXAMPLE1.read_bytes(), DIVERT_FORMAT_TEXT)
    assert status == DIVERT_OK, last_error(lib)
    try:
        decisions = []
        for data in (canonical, reordered):
            buffer = ctypes.c_void_p()
            length = ctypes.c_size_t()
            status = lib.divert_policy_evaluate(
                policy, data, len(data), DIVERT_FORMAT_BINARY, DIVERT_FORMAT_BINARY, ctypes.byref(buffer), ctypes.byref(length)
            )
            assert status == DIVERT_OK, last_error(lib)
            assert buffer.value is not None
            decisions.append(ctypes.string_at(buffer.value, length.value))
            lib.divert_buffer_free(buffer)
        assert b"dec-" in decisions[0] and b"criterion.offense" in decisions[0]
        assert decisions[1] == decisions[0]
    finally:
        lib.divert_policy_destroy(policy)


def check_policy_compile_errors(lib: ctypes.CDLL) -> None:
    broken = (
        b'site_id: "broken" time_zone: "UTC"\n'
        b'versions { version: "2024-1" approved_on { year: 2024 month: 1 day: 2 }\n'
        b"  effective_from { year: 2024 month: 2 day: 1 }\n"
        b'  rules { id: "exclusion.violent" kind: EXCLUSION scope: EACH_CHARGE\n'
        b'          text: "Violent." condition: "charge.violnt" } }\n'
    )
    status, policy = compile_policy(lib, broken, DIVERT_FORMAT_TEXT)
    assert status == DIVERT_ERROR_POLICY
    assert policy.value is None
    assert "version 2024-1, rule exclusion.violent, 1:7: " in last_error(lib)
    buffer = ctypes.c_void_p()
    length = ctypes.c_size_t()
    assert lib.divert_policy_check(broken, len(broken), DIVERT_FORMAT_TEXT, ctypes.byref(buffer), ctypes.byref(length)) == 0
    [issue] = json.loads(take_buffer(lib, buffer, length))
    assert (issue["version"], issue["rule_id"], issue["line"], issue["column"]) == ("2024-1", "exclusion.violent", 1, 7)
    assert "violnt" in issue["message"]
    assert compile_policy(lib, b"{", DIVERT_FORMAT_JSON)[0] == DIVERT_ERROR_POLICY
    assert compile_policy(lib, b"x", 9)[0] == DIVERT_ERROR_INVALID_ARGUMENT
    lib.divert_policy_destroy(None)


def check_policy_fidelity_render_and_source(lib: ctypes.CDLL) -> None:
    status, policy = compile_policy(lib, EXAMPLE1.read_bytes(), DIVERT_FORMAT_TEXT)
    assert status == DIVERT_OK, last_error(lib)
    try:
        buffer = ctypes.c_void_p()
        length = ctypes.c_size_t()
        assert lib.divert_policy_check_fidelity(policy, DIVERT_FORMAT_JSON, ctypes.byref(buffer), ctypes.byref(length)) == 0
        report = json.loads(take_buffer(lib, buffer, length))
        assert report["siteId"] == "nyc-example1"
        assert {f["severity"] for f in report["findings"]} == {"NOTE"}

        assert lib.divert_policy_render(policy, None, DIVERT_RENDER_MARKDOWN, ctypes.byref(buffer), ctypes.byref(length)) == 0
        assert "max_drug_quantity_grams" in take_buffer(lib, buffer, length)
        assert lib.divert_policy_render(policy, b"2017-1", DIVERT_RENDER_HTML, ctypes.byref(buffer), ctypes.byref(length)) == 0
        assert "<html" in take_buffer(lib, buffer, length)
        assert lib.divert_policy_render(policy, b"1999-9", DIVERT_RENDER_HTML, ctypes.byref(buffer), None) == DIVERT_ERROR_NOT_FOUND

        assert lib.divert_policy_site_policy(policy, DIVERT_FORMAT_JSON, ctypes.byref(buffer), ctypes.byref(length)) == 0
        site_policy = json.loads(take_buffer(lib, buffer, length))
        assert [v["version"] for v in site_policy["versions"]] == ["2017-1", "2018-1"]
    finally:
        lib.divert_policy_destroy(policy)


# --- running the checks ----------------------------------------------------------

CHECKS = {name: check for name, check in sorted(globals().items()) if name.startswith("check_")}


def test_the_shared_library_exists() -> None:
    path = library_path()
    assert path.is_file(), f"the shared library is missing: {path} (set DIVERT_LIBRARY or build into build/)"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_c_abi(name: str) -> None:
    process = subprocess.run(
        [sys.executable, __file__, name],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == 0, f"{name} failed:\n{process.stdout}\n{process.stderr}"
    assert process.stdout.strip() == f"{name}: ok"


if __name__ == "__main__":
    check_name = sys.argv[1]
    CHECKS[check_name](load_library())
    print(f"{check_name}: ok")
