"""Screening through the C ABI (divert_screener_*, divert_policy_screen) with
ctypes, the Arrow streams made and read by pyarrow: what a vendor's program
in any language sees.

Each check runs in a fresh interpreter (this file run as a script), since
libdivert.so and the Python extension cannot share a process (see
test_capi_ctypes.py).
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
NUL_TERMINATED = ctypes.c_size_t(-1).value
DIVERT_OK = 0
DIVERT_ERROR_INVALID_ARGUMENT = 1
DIVERT_FORMAT_TEXT = 0
DIVERT_FORMAT_JSON = 1


def _library() -> ctypes.CDLL:
    configured = os.environ.get("DIVERT_LIBRARY")
    path = Path(configured) if configured else REPO_ROOT / "build" / "libdivert.so"
    assert path.exists(), f"the shared library is missing: {path}"
    lib = ctypes.CDLL(str(path))
    p = ctypes.c_void_p
    lib.divert_last_error.restype = ctypes.c_char_p
    lib.divert_policy_compile.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(p)]
    lib.divert_policy_destroy.argtypes = [p]
    lib.divert_screener_create.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.POINTER(p)]
    lib.divert_screener_screen.argtypes = [p, p, p]
    lib.divert_screener_summary.argtypes = [
        p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t)]
    lib.divert_screener_destroy.argtypes = [p]
    lib.divert_policy_screen.argtypes = [p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, p, p]
    lib.divert_buffer_free.argtypes = [p]
    return lib


def _export(table: Any) -> Any:
    """`table`'s Arrow stream as a PyCapsule (the PyCapsule interface)."""
    return getattr(table, "__arrow_c_stream__")()


def _stream_pointer(capsule: Any) -> int:
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    return int(get(capsule, b"arrow_array_stream"))


def _compile(lib: ctypes.CDLL) -> ctypes.c_void_p:
    policy = ctypes.c_void_p()
    text = EXAMPLE1.read_bytes()
    assert lib.divert_policy_compile(text, len(text), DIVERT_FORMAT_TEXT, ctypes.byref(policy)) == DIVERT_OK
    return policy


def check_screener_screens_the_nypd_month() -> None:
    import pyarrow
    import pyarrow.csv

    lib = _library()
    policy = _compile(lib)
    screener = ctypes.c_void_p()
    mapping = NYPD_MAPPING.read_bytes()
    assert lib.divert_screener_create(policy, mapping, len(mapping), DIVERT_FORMAT_TEXT, ctypes.byref(screener)) == DIVERT_OK
    lib.divert_policy_destroy(policy)  # the screener keeps its own reference

    arrests = pyarrow.csv.read_csv(NYPD_DATA)
    capsule = _export(arrests)
    output = (ctypes.c_byte * 64)()  # an ArrowArrayStream (5 pointers)
    code = lib.divert_screener_screen(screener, _stream_pointer(capsule), ctypes.addressof(output))
    assert code == DIVERT_OK, lib.divert_last_error()
    results = pyarrow.RecordBatchReader._import_from_c(ctypes.addressof(output)).read_all()
    assert results.num_rows == arrests.num_rows
    assert results.column_names[: arrests.num_columns] == arrests.column_names
    outcomes = results.column("outcome").to_pylist()
    assert None not in outcomes
    assert set(outcomes) == {"NEEDS_INFORMATION", "NOT_ELIGIBLE", "EXCLUDED"}

    summary = ctypes.c_void_p()
    length = ctypes.c_size_t()
    assert lib.divert_screener_summary(screener, DIVERT_FORMAT_JSON, ctypes.byref(summary), ctypes.byref(length)) == DIVERT_OK
    counts = json.loads(ctypes.string_at(summary, length.value))
    lib.divert_buffer_free(summary)
    assert counts["rows"] == str(arrests.num_rows)  # int64 is a string in proto3 JSON
    by_outcome = {k: int(v) for k, v in counts["arrestsByOutcome"].items()}
    assert by_outcome == {o: outcomes.count(o) for o in set(outcomes)}
    lib.divert_screener_destroy(screener)


def check_one_call_screen_and_errors() -> None:
    import pyarrow

    lib = _library()
    policy = _compile(lib)
    table = pyarrow.table({"LAW_CODE": ["PL 1552500", "PL 1200001"], "ARREST_DATE": ["12/05/2017", "12/06/2017"]})
    mapping = (b'shape: ARREST_PER_ROW defaults { pathway: ARREST_DIVERSION } '
               b'columns { column: "LAW_CODE" field: "charges.statute_code" } '
               b'columns { column: "ARREST_DATE" field: "occurred_at" time_format: "%m/%d/%Y" }')
    output = (ctypes.c_byte * 64)()
    capsule = _export(table)
    assert lib.divert_policy_screen(policy, mapping, NUL_TERMINATED, DIVERT_FORMAT_TEXT,
                                    _stream_pointer(capsule), ctypes.addressof(output)) == DIVERT_OK
    results = pyarrow.RecordBatchReader._import_from_c(ctypes.addressof(output)).read_all()
    assert results.column("outcome").to_pylist() == ["NEEDS_INFORMATION", "EXCLUDED"]
    assert results.column("decisive_rules").to_pylist()[1] == "exclusion.violent"

    # A mapping naming a column the table lacks: an error, and the input
    # stream is released all the same.
    bad = b'shape: ARREST_PER_ROW columns { column: "LAW" field: "charges.statute_code" }'
    capsule = _export(table)
    code = lib.divert_policy_screen(policy, bad, NUL_TERMINATED, DIVERT_FORMAT_TEXT,
                                    _stream_pointer(capsule), ctypes.addressof(output))
    assert code == DIVERT_ERROR_INVALID_ARGUMENT
    assert b"column 'LAW'" in lib.divert_last_error()
    release = ctypes.cast(_stream_pointer(capsule) + 24, ctypes.POINTER(ctypes.c_void_p))
    assert release.contents.value is None  # released (moved) by the library

    code = lib.divert_policy_screen(policy, b"shape: NO_SUCH_SHAPE", NUL_TERMINATED, DIVERT_FORMAT_TEXT,
                                    None, ctypes.addressof(output))
    assert code == DIVERT_ERROR_INVALID_ARGUMENT
    assert b"mapping 1:" in lib.divert_last_error()
    lib.divert_policy_destroy(policy)


def check_alike_statute_codes_are_decided_once() -> None:
    import pyarrow

    # Example 1 reads a code itself only through startsWith('PL '): codes
    # missing from the catalog are alike when they agree on that prefix.
    lib = _library()
    policy = _compile(lib)
    screener = ctypes.c_void_p()
    mapping = (b'shape: ARREST_PER_ROW defaults { pathway: ARREST_DIVERSION } '
               b'columns { column: "LAW_CODE" field: "charges.statute_code" } '
               b'columns { column: "ARREST_DATE" field: "occurred_at" time_format: "%m/%d/%Y" }')
    assert lib.divert_screener_create(policy, mapping, len(mapping), DIVERT_FORMAT_TEXT, ctypes.byref(screener)) == DIVERT_OK
    lib.divert_policy_destroy(policy)
    codes = ["PL 9999999", "PL 8888888", "VTL 0511", "AC 0100"]
    table = pyarrow.table({"LAW_CODE": codes, "ARREST_DATE": ["12/05/2017"] * 4})
    capsule = _export(table)
    output = (ctypes.c_byte * 64)()
    assert lib.divert_screener_screen(screener, _stream_pointer(capsule), ctypes.addressof(output)) == DIVERT_OK
    results = pyarrow.RecordBatchReader._import_from_c(ctypes.addressof(output)).read_all()
    for column in ("outcome", "decisive_rules", "missing_facts", "rule:criterion.offense"):
        values = results.column(column).to_pylist()
        assert values[0] == values[1] and values[2] == values[3], column

    summary = ctypes.c_void_p()
    length = ctypes.c_size_t()
    assert lib.divert_screener_summary(screener, DIVERT_FORMAT_JSON, ctypes.byref(summary), ctypes.byref(length)) == DIVERT_OK
    counts = json.loads(ctypes.string_at(summary, length.value))
    lib.divert_buffer_free(summary)
    assert counts["distinctInputs"] == "2"
    # Each code is still counted as missing from the catalog on its own.
    assert sorted(issue["value"] for issue in counts["issues"]) == sorted(codes)
    lib.divert_screener_destroy(screener)


CHECKS = {name: f for name, f in globals().items() if name.startswith("check_")}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_capi_screening(check: str) -> None:
    result = subprocess.run([sys.executable, __file__, check], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


if __name__ == "__main__":
    CHECKS[sys.argv[1]]()
