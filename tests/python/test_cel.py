"""divert.cel: CEL conditions from Python (compile, evaluate, values, errors)."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest

import divert
from divert import cel
from divert.v1 import charge_pb2, encounter_pb2, person_pb2

UTC = datetime.timezone.utc


def make_encounter(*levels: charge_pb2.OffenseLevel, age: int | None = 34) -> encounter_pb2.Encounter:
    encounter = encounter_pb2.Encounter(
        encounter_id="E-1",
        pathway=encounter_pb2.ARREST_DIVERSION,
        person=person_pb2.Person(person_key="P-1"),
        charges=[charge_pb2.Charge(statute_code=f"PL {i}", level=level) for i, level in enumerate(levels)],
    )
    if age is not None:
        encounter.person.age = age
    encounter.occurred_at.FromJsonString("2024-03-14T22:05:00Z")
    return encounter


# --- evaluate and compile ------------------------------------------------------


def test_evaluate_with_bindings() -> None:
    assert cel.evaluate("age >= 18 && !('felony' in charges)", {"age": 34, "charges": ["theft"]}) is True
    assert cel.evaluate("1 + 2") == 3
    assert cel.evaluate("x", {"x": None}) is None


def test_compile_once_evaluate_many() -> None:
    program = cel.compile("age >= 18", {"age": "int"})
    assert program.result_type == "bool"
    assert program.expression == "age >= 18"
    assert [program.evaluate({"age": age}) for age in (17, 18, 40)] == [False, True, True]
    assert repr(program) == "<divert.cel.Program 'age >= 18' -> bool>"


def test_long_expressions_have_a_short_repr() -> None:
    program = cel.compile(" || ".join(["x == 1"] * 20), {"x": "int"})
    assert len(repr(program)) < 80


def test_result_types() -> None:
    assert cel.compile("[1, 2]").result_type == "list(int)"
    assert cel.compile("{'a': x}", {"x": "double"}).result_type == "map(string, double)"
    assert cel.compile("x", {"x": "dyn"}).result_type == "dyn"


def test_bindings_may_be_any_mapping_and_extra_names_are_ignored() -> None:
    from types import MappingProxyType

    program = cel.compile("age", {"age": "int"})
    assert program.evaluate(MappingProxyType({"age": 5, "unused": object()})) == 5
    assert cel.evaluate("1", {"unused": object()}) == 1


def test_declarations_that_are_not_types_raise_value_error() -> None:
    with pytest.raises(ValueError, match="age"):
        cel.compile("age", {"age": "integer"})
    with pytest.raises(TypeError):
        cel.compile("age", {"age": 5})  # type: ignore[dict-item]


def test_container_resolves_enum_names() -> None:
    program = cel.compile(
        "encounter.charges.exists(c, c.level == OffenseLevel.FELONY)",
        {"encounter": "divert.v1.Encounter"},
        container="divert.v1",
    )
    assert program.evaluate({"encounter": make_encounter(charge_pb2.FELONY)}) is True
    assert program.evaluate({"encounter": make_encounter(charge_pb2.MISDEMEANOR)}) is False


def test_fully_qualified_enum_names_need_no_container() -> None:
    program = cel.compile(
        "encounter.charges.exists(c, c.level == divert.v1.OffenseLevel.FELONY)",
        {"encounter": "divert.v1.Encounter"},
    )
    assert program.evaluate({"encounter": make_encounter(charge_pb2.MISDEMEANOR, charge_pb2.FELONY)}) is True


# --- Python values to CEL and back -------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -(2**63),
        2**63 - 1,
        1.5,
        float("inf"),
        "",
        "café ☕ 𝄞",
        b"\x00\xff",
        [1, "two", None],
        {"a": 1, "b": [True]},
        {1: "one", 2: "two"},
        {True: 1},
        datetime.datetime(2024, 3, 14, 22, 5, 0, 123456, tzinfo=UTC),
        datetime.timedelta(days=-1, seconds=5, microseconds=7),
        datetime.timedelta(hours=36),
    ],
    ids=repr,
)
def test_values_round_trip(value: Any) -> None:
    result = cel.evaluate("x", {"x": value})
    assert result == value
    assert type(result) is type(value)


def test_nan_round_trips() -> None:
    result = cel.evaluate("x", {"x": float("nan")})
    assert result != result


def test_ints_beyond_int64_are_uints() -> None:
    assert cel.evaluate("x", {"x": 2**64 - 1}) == 2**64 - 1
    assert cel.evaluate("x + 1u", {"x": 2**63}) == 2**63 + 1  # uint + uint
    with pytest.raises(ValueError, match="bindings.x"):
        cel.evaluate("x", {"x": 2**64})
    with pytest.raises(ValueError, match="bindings.x"):
        cel.evaluate("x", {"x": -(2**63) - 1})


def test_declared_types_guide_conversion() -> None:
    assert cel.compile("u + 1u", {"u": "uint"}).evaluate({"u": 5}) == 6
    assert cel.compile("d / 2.0", {"d": "double"}).evaluate({"d": 3}) == 1.5
    assert cel.compile("size(b)", {"b": "bytes"}).evaluate({"b": bytearray(b"abc")}) == 3
    assert cel.compile("size(b)", {"b": "bytes"}).evaluate({"b": memoryview(b"abcd")}) == 4
    assert cel.compile("xs[1]", {"xs": "list(int)"}).evaluate({"xs": (4, 5)}) == 5
    assert cel.compile("m[2]", {"m": "map(int, string)"}).evaluate({"m": {2: "b"}}) == "b"
    assert cel.compile("l == divert.v1.OffenseLevel.FELONY", {"l": "divert.v1.OffenseLevel"}).evaluate(
        {"l": charge_pb2.FELONY}
    )
    assert cel.compile("l", {"l": "divert.v1.OffenseLevel"}).evaluate({"l": "VIOLATION"}) == charge_pb2.VIOLATION


def test_tuples_become_lists() -> None:
    assert cel.evaluate("x", {"x": (1, 2)}) == [1, 2]


def test_bindings_of_the_wrong_type_name_the_path_not_the_value() -> None:
    program = cel.compile("size(names) > 0 && age > 1", {"names": "list(string)", "age": "int"})
    with pytest.raises(TypeError) as info:
        program.evaluate({"names": ["Jane", 7], "age": 3})
    assert str(info.value) == "bindings.names[1]: expected a str, got an int"
    with pytest.raises(TypeError, match=r"^bindings\.age: expected an int, got a str$") as info:
        program.evaluate({"names": [], "age": "Jane Doe"})
    assert "Jane" not in str(info.value)
    with pytest.raises(TypeError, match="bindings.age: expected an int, got a bool"):
        program.evaluate({"names": [], "age": True})
    with pytest.raises(TypeError, match="has no CEL value"):
        cel.evaluate("x", {"x": object()})
    with pytest.raises(TypeError, match="binding names must be str"):
        cel.evaluate("x", {1: 2})  # type: ignore[dict-item]  # what is refused


def test_strings_and_bytes_are_copied_before_evaluation() -> None:
    payload = bytearray(b"abc")
    program = cel.compile("b + b'!'", {"b": "bytes"})
    assert program.evaluate({"b": payload}) == b"abc!"


def test_datetimes() -> None:
    naive = datetime.datetime(2024, 3, 14, 22, 5)
    aware = datetime.datetime(2024, 3, 14, 23, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    program = cel.compile("t", {"t": "google.protobuf.Timestamp"})
    expected = datetime.datetime(2024, 3, 14, 22, 5, tzinfo=UTC)
    assert program.evaluate({"t": naive}) == expected
    assert program.evaluate({"t": aware}) == expected
    result = program.evaluate({"t": aware})
    assert result.tzinfo is UTC
    assert cel.evaluate("t.getFullYear()", {"t": naive}) == 2024
    assert cel.evaluate("t + d", {"t": naive, "d": datetime.timedelta(minutes=5)}) == expected.replace(minute=10)
    assert cel.evaluate("timestamp('2024-03-14T22:05:00Z')") == expected
    assert cel.evaluate("duration('1.5s')") == datetime.timedelta(seconds=1.5)


def test_timestamp_messages_bind_as_timestamps() -> None:
    from google.protobuf import duration_pb2, timestamp_pb2

    ts = timestamp_pb2.Timestamp()
    ts.FromJsonString("2024-03-14T22:05:00Z")
    assert cel.compile("t", {"t": "google.protobuf.Timestamp"}).evaluate({"t": ts}) == datetime.datetime(
        2024, 3, 14, 22, 5, tzinfo=UTC
    )
    d = duration_pb2.Duration(seconds=90)
    assert cel.evaluate("d", {"d": d}) == datetime.timedelta(seconds=90)


# --- protobuf messages ---------------------------------------------------------


def test_encounter_field_selection() -> None:
    program = cel.compile(
        "encounter.person.age >= 18 && encounter.pathway == Pathway.ARREST_DIVERSION && "
        "!encounter.charges.exists(c, c.level == OffenseLevel.FELONY)",
        {"encounter": "divert.v1.Encounter"},
        container="divert.v1",
    )
    assert program.evaluate({"encounter": make_encounter(charge_pb2.MISDEMEANOR)}) is True
    assert program.evaluate({"encounter": make_encounter(charge_pb2.FELONY)}) is False
    assert program.evaluate({"encounter": make_encounter(age=16)}) is False


def test_message_results_are_divert_v1_messages() -> None:
    encounter = make_encounter(charge_pb2.VIOLATION)
    person = cel.compile("encounter.person", {"encounter": "divert.v1.Encounter"}).evaluate({"encounter": encounter})
    assert isinstance(person, person_pb2.Person)
    assert person == encounter.person
    charges = cel.evaluate("e.charges", {"e": encounter})
    assert [type(c) for c in charges] == [charge_pb2.Charge]
    assert charges[0].level == charge_pb2.VIOLATION
    assert cel.evaluate("e.occurred_at", {"e": encounter}) == datetime.datetime(2024, 3, 14, 22, 5, tzinfo=UTC)


def test_a_message_of_another_type_is_a_type_error() -> None:
    program = cel.compile("encounter.person.age", {"encounter": "divert.v1.Encounter"})
    with pytest.raises(TypeError, match="expected a divert.v1.Encounter message, got a divert.v1.Person"):
        program.evaluate({"encounter": person_pb2.Person()})


def test_messages_in_lists_and_maps() -> None:
    people = [person_pb2.Person(age=20), person_pb2.Person(age=15)]
    assert cel.evaluate("people.filter(p, p.age >= 18).size()", {"people": people}) == 1
    assert cel.evaluate("m['a'].age", {"m": {"a": people[1]}}) == 15


# --- errors --------------------------------------------------------------------


def test_syntax_errors_carry_line_and_column() -> None:
    with pytest.raises(divert.CelSyntaxError) as info:
        cel.compile("age >=\n  (1 + ", {"age": "int"})
    error = info.value
    assert isinstance(error, divert.CelError)
    assert isinstance(error, divert.Error)
    assert error.line == 2
    assert error.column is not None and error.column >= 3
    assert error.message
    assert error.issues[0].kind == "syntax"
    assert "^" in str(error)
    assert "<input>:2:" in str(error)


def test_type_errors_list_every_issue() -> None:
    with pytest.raises(divert.CelTypeError) as info:
        cel.compile("agee >= 18 && name + 1 == 'x'", {"age": "int", "name": "string"})
    error = info.value
    assert (error.line, error.column) == (1, 1)
    assert "agee" in error.message
    assert len(error.issues) == 2
    assert all(issue.kind == "type" for issue in error.issues)
    assert error.issues[1].column > 1
    assert str(error).count("^") == 2
    assert repr(error).startswith("CelTypeError(")


def test_limit_errors() -> None:
    with pytest.raises(divert.CelLimitError) as info:
        cel.evaluate("(" * 500 + "1" + ")" * 500)
    assert info.value.issues[0].kind == "limit"


def test_evaluation_errors_have_no_position() -> None:
    with pytest.raises(divert.CelEvaluationError) as info:
        cel.evaluate("1 / 0")
    error = info.value
    assert error.line is None and error.column is None
    assert "division by zero" in error.message
    assert error.issues == ()
    with pytest.raises(divert.CelEvaluationError):
        cel.compile("m['missing']", {"m": "map(string, int)"}).evaluate({"m": {}})


def test_unchecked_type_mismatches_are_evaluation_errors() -> None:
    with pytest.raises(divert.CelEvaluationError, match="no matching overload"):
        cel.evaluate("x + 1", {"x": "a"})


def test_error_classes_are_exported_from_divert_and_divert_cel() -> None:
    for name in ("CelError", "CelSyntaxError", "CelTypeError", "CelLimitError", "CelEvaluationError"):
        assert getattr(divert, name) is getattr(cel, name)
        assert issubclass(getattr(divert, name), divert.Error)


def test_errors_pickle() -> None:
    import pickle

    try:
        cel.compile("agee", {"age": "int"})
    except divert.CelTypeError as error:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is divert.CelTypeError
        assert (copy.line, copy.column, copy.message, copy.issues) == (
            error.line,
            error.column,
            error.message,
            error.issues,
        )
        assert str(copy) == str(error)


# --- unknowns ------------------------------------------------------------------


def test_unknown_results_name_the_attributes() -> None:
    result = cel.evaluate("age >= 18 || veteran", {"age": 17}, unknown=["veteran"])
    assert result == cel.Unknown(("veteran",))
    assert cel.evaluate("age >= 18 || veteran", {"age": 40}, unknown=["veteran"]) is True
    assert cel.evaluate("veteran && false", unknown=["veteran"]) is False


def test_unknown_field_paths() -> None:
    program = cel.compile("encounter.person.age >= 18", {"encounter": "divert.v1.Encounter"})
    result = program.evaluate({"encounter": make_encounter()}, unknown=["encounter.person.age"])
    assert isinstance(result, cel.Unknown)
    assert result.attributes == ("encounter.person.age",)


def test_unset_fields_are_unknown() -> None:
    program = cel.compile("encounter.person.age >= 18", {"encounter": "divert.v1.Encounter"})
    unset = make_encounter(age=None)
    assert program.evaluate({"encounter": unset}) is False  # the default, 0
    result = program.evaluate({"encounter": unset}, unset_fields_are_unknown=True)
    assert result == cel.Unknown(("encounter.person.age",))


def test_malformed_unknown_paths_raise() -> None:
    with pytest.raises(ValueError):
        cel.evaluate("x", unknown=["not a path"])
    with pytest.raises(TypeError):
        cel.evaluate("x", unknown="x")


def test_unknown_is_a_frozen_dataclass() -> None:
    import dataclasses

    unknown = cel.Unknown(("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        unknown.attributes = ()  # type: ignore[misc]


# --- threads -------------------------------------------------------------------


def test_one_program_from_eight_threads() -> None:
    program = cel.compile(
        "encounter.charges.filter(c, c.level == OffenseLevel.MISDEMEANOR).size() * k",
        {"encounter": "divert.v1.Encounter", "k": "int"},
        container="divert.v1",
    )
    levels = [charge_pb2.MISDEMEANOR, charge_pb2.FELONY, charge_pb2.MISDEMEANOR]
    encounter = make_encounter(*levels)
    expected = [program.evaluate({"encounter": encounter, "k": k}) for k in range(200)]
    assert expected[3] == 6
    results: dict[int, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(index: int) -> None:
        try:
            start.wait()
            results[index] = [program.evaluate({"encounter": encounter, "k": k}) for k in range(200)]
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 8
    for result in results.values():
        assert result == expected


def test_bindings_that_refer_to_themselves_are_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested more than"):
        cel.evaluate("size(x)", {"x": loop})


def test_python_code_run_during_conversion_cannot_break_it() -> None:
    class Shifty(datetime.tzinfo):
        """A time zone that empties the containers being converted."""

        def __init__(self, victims: list[list[Any] | dict[str, Any]]) -> None:
            self.victims = victims

        def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
            for victim in self.victims:
                victim.clear()
            return datetime.timedelta(hours=1)

        def dst(self, dt: datetime.datetime | None) -> None:
            return None

        def tzname(self, dt: datetime.datetime | None) -> str:
            return "Shifty"

    expected = datetime.datetime(2024, 1, 1, 0, 0, tzinfo=UTC)
    items: list[Any] = []
    items.extend([datetime.datetime(2024, 1, 1, 1, 0, tzinfo=Shifty([items])), "after"])
    assert cel.evaluate("x", {"x": items}) == [expected]  # the list ended early
    mapping: dict[str, Any] = {}
    mapping.update({"a": datetime.datetime(2024, 1, 1, 1, 0, tzinfo=Shifty([mapping])), "b": "after"})
    assert cel.evaluate("m", {"m": mapping}) == {"a": expected, "b": "after"}  # a snapshot
