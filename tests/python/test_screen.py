"""Screening tables of arrests: divert.Policy.screen and divert.Screener.

The bundled month of real NYPD arrests (examples/data/, NYC Open Data) is
screened against the toolkit's Example 1 with the New York catalog, through
pyarrow, pandas and polars, in one piece and as a stream of small batches;
a sample of its decisions is checked by hand; and every screened row of a
sample agrees with Policy.evaluate on the encounter the row stands for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas
import polars
import pyarrow
import pyarrow.csv
import pytest

import divert

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"


@pytest.fixture(scope="module")
def policy() -> divert.Policy:
    return divert.Policy.from_file(EXAMPLE1)


@pytest.fixture(scope="module")
def arrests() -> pyarrow.Table:
    return pyarrow.csv.read_csv(NYPD_DATA)


@pytest.fixture(scope="module")
def screened(policy: divert.Policy, arrests: pyarrow.Table) -> pyarrow.Table:
    result = policy.screen(arrests, NYPD_MAPPING)
    assert isinstance(result, pyarrow.Table)
    return result


def _row(table: pyarrow.Table, arrest_key: int) -> dict[str, Any]:
    keys = table.column("ARREST_KEY").to_pylist()
    assert keys.count(arrest_key) == 1
    row: dict[str, Any] = table.slice(keys.index(arrest_key), 1).to_pylist()[0]
    return row


# Checked by hand against the policy and the catalog (December 2017: version
# 2017-1). Nothing in the data says whether the person has needs, consents,
# is on supervision: a charge the policy can divert leaves the arrest
# NEEDS_INFORMATION (the officer would ask), never ELIGIBLE.
HAND_CHECKED = [
    # PL 155.25 petit larceny, a non-violent Penal Law misdemeanor.
    (173127006, "NEEDS_INFORMATION", "HOLDS", ""),
    # PL 120.00(1) assault in the third degree: violent, so excluded (and
    # not a *non-violent* misdemeanor either).
    (173123523, "EXCLUDED", "DOES_NOT_HOLD", "exclusion.violent"),
    # VTL 511(1) aggravated unlicensed operation: a misdemeanor, not Penal Law.
    (173114450, "NOT_ELIGIBLE", "DOES_NOT_HOLD", "criterion.offense"),
    # PL 220.39(1) sale in the third degree: a felony (and a drug sale, but
    # whether it was for profit is unknown, so that exclusion does not hold).
    (173085770, "NOT_ELIGIBLE", "DOES_NOT_HOLD", "criterion.offense"),
    # AC 10-125(b) alcohol in public: a city ordinance offense.
    (173111969, "NEEDS_INFORMATION", "HOLDS", ""),
    # PL 220.03 possession in the seventh degree: a misdemeanor; the quantity
    # limit cannot be checked without the quantity.
    (173128438, "NEEDS_INFORMATION", "HOLDS", ""),
    # PL 155.35(2) with no level in NYPD's row: the catalog's FELONY decides.
    (172958858, "NOT_ELIGIBLE", "DOES_NOT_HOLD", "criterion.offense"),
    # PL 215.51 criminal contempt 1: an order of protection violation (and a
    # felony).
    (173116540, "EXCLUDED", "DOES_NOT_HOLD", "exclusion.order_of_protection"),
    # PL 240.20(1) disorderly conduct: a non-violent Penal Law violation.
    (173097583, "NEEDS_INFORMATION", "HOLDS", ""),
]


@pytest.mark.parametrize("arrest_key,outcome,offense,decisive", HAND_CHECKED)
def test_hand_checked_nypd_decisions(
    screened: pyarrow.Table, arrest_key: int, outcome: str, offense: str, decisive: str
) -> None:
    row = _row(screened, arrest_key)
    assert row["outcome"] == outcome
    assert row["policy_version"] == "2017-1"
    assert row["rule:criterion.offense"] == offense
    if decisive:
        assert row["decisive_rules"] == decisive
    if outcome == "NEEDS_INFORMATION":
        assert "encounter.circumstances.able_to_consent" in row["missing_facts"]


def test_every_arrest_is_decided_and_counted(policy: divert.Policy, arrests: pyarrow.Table) -> None:
    screener = divert.Screener(policy, NYPD_MAPPING)
    screened = screener.screen(arrests)
    assert screened.num_rows == arrests.num_rows == 19452
    assert screened.column_names == arrests.column_names + screener.result_columns
    assert screened.column("outcome").null_count == 0
    counts = screened.column("outcome").value_counts().to_pylist()
    summary = screener.summary
    assert summary.rows == summary.arrests == 19452
    assert {c["values"]: c["counts"] for c in counts} == dict(summary.arrests_by_outcome)
    # The catalog covers every LAW_CODE of the month; every race label and
    # sex is translated.
    assert list(summary.issues) == []
    # The month's arrests hold few distinct combinations of what the policy
    # reads (26 in all: of a statute code, Example 1 reads only its catalog
    # entry's level and flags and whether it starts with 'PL '; hundreds
    # with the codes themselves as keys).
    assert summary.distinct_inputs < 50


def test_rows_agree_with_per_record_evaluation(policy: divert.Policy, screened: pyarrow.Table) -> None:
    sample = screened.slice(0, 19452).take(list(range(0, 19452, 97))).to_pylist()
    boroughs = {"B": "Bronx", "K": "Brooklyn", "M": "Manhattan", "Q": "Queens", "S": "Staten Island"}
    for row in sample:
        month, day, year = row["ARREST_DATE"].split("/")
        decision = policy.evaluate({
            "occurredAt": f"{year}-{month}-{day}T05:00:00Z",  # local midnight, New York (EST)
            "pathway": "ARREST_DIVERSION",
            "place": {"precinct": str(row["ARREST_PRECINCT"]), "area": boroughs[row["ARREST_BORO"]]},
            "charges": [{"statuteCode": row["LAW_CODE"]}],
        })
        assert row["outcome"] == divert.v1.decision_pb2.Outcome.Name(decision.outcome)
        for rule in decision.rules:
            result = divert.v1.decision_pb2.RuleResult.Name(rule.result).removeprefix("RULE_")
            assert row[f"rule:{rule.rule_id}"] == result
        assert (row["missing_facts"] or "") == "; ".join(f.field_path for f in decision.missing_facts)


def test_pandas_and_polars_give_the_same_answers(
    policy: divert.Policy, arrests: pyarrow.Table, screened: pyarrow.Table
) -> None:
    expected = screened.column("outcome").to_pylist()
    frame = policy.screen(arrests.to_pandas(), NYPD_MAPPING)
    assert isinstance(frame, pandas.DataFrame)
    assert frame["outcome"].astype(str).tolist() == expected
    assert isinstance(frame["outcome"].dtype, pandas.CategoricalDtype)

    pl_frame = policy.screen(polars.from_arrow(arrests), NYPD_MAPPING)
    assert isinstance(pl_frame, polars.DataFrame)
    assert pl_frame["outcome"].cast(polars.String).to_list() == expected


def test_a_stream_of_small_batches_is_screened_lazily(policy: divert.Policy, screened: pyarrow.Table) -> None:
    reader = pyarrow.csv.open_csv(NYPD_DATA, read_options=pyarrow.csv.ReadOptions(block_size=64 * 1024))
    result = policy.screen(reader, NYPD_MAPPING)
    assert isinstance(result, pyarrow.RecordBatchReader)
    outcomes: list[Any] = []
    batches = 0
    for batch in result:
        batches += 1
        outcomes.extend(batch.column("outcome").to_pylist())
    assert batches > 10
    assert outcomes == screened.column("outcome").to_pylist()


def test_one_row_per_charge(policy: divert.Policy) -> None:
    charges = pyarrow.table({
        "arrest": [1, 1, 2, 3, 3],
        "date": ["2017-12-05T12:00:00Z"] * 5,
        "code": ["PL 155.25", "PL 120.00(1)", "PL 155.25", "PL 240.20(1)", "AC 10-125(b)"],
    })
    mapping = divert.Mapping.from_text("""
        shape: CHARGE_PER_ROW arrest_key_column: "arrest"
        defaults { pathway: ARREST_DIVERSION }
        columns { column: "date" field: "occurred_at" }
        columns { column: "code" field: "charges.statute_code" }
    """)
    result = policy.screen(charges, mapping)
    assert result.column("charge_index").to_pylist() == [0, 1, 0, 0, 1]
    assert result.column("outcome").to_pylist() == [
        "EXCLUDED", "EXCLUDED", "NEEDS_INFORMATION", "NEEDS_INFORMATION", "NEEDS_INFORMATION"]


def test_alike_statute_codes_are_decided_once(policy: divert.Policy) -> None:
    # Example 1 reads a code itself only through startsWith('PL '): codes
    # missing from the catalog are alike when they agree on that prefix,
    # and charges of alike codes give an arrest the same key.
    charges = pyarrow.table({
        "arrest": [1, 1, 2, 2, 3, 4],
        "date": ["2017-12-05T12:00:00Z"] * 6,
        "code": ["PL 9999999", "VTL 0511", "PL 8888888", "AC 0100", "PL 7777777", "VTL 1192"],
    })
    mapping = divert.Mapping.from_text("""
        shape: CHARGE_PER_ROW arrest_key_column: "arrest"
        defaults { pathway: ARREST_DIVERSION }
        columns { column: "date" field: "occurred_at" }
        columns { column: "code" field: "charges.statute_code" }
    """)
    screener = divert.Screener(policy, mapping)
    result = screener.screen(charges).to_pylist()
    assert screener.summary.distinct_inputs == 3
    for arrest, codes in ((1, ["PL 9999999", "VTL 0511"]), (2, ["PL 8888888", "AC 0100"]),
                          (3, ["PL 7777777"]), (4, ["VTL 1192"])):
        decision = policy.evaluate({
            "occurredAt": "2017-12-05T12:00:00Z", "pathway": "ARREST_DIVERSION",
            "charges": [{"statuteCode": code} for code in codes],
        })
        for row in result:
            if row["arrest"] == arrest:
                assert row["outcome"] == divert.v1.decision_pb2.Outcome.Name(decision.outcome)
    assert result[0]["outcome"] == result[2]["outcome"]
    assert result[0]["rule:criterion.offense"] == result[2]["rule:criterion.offense"]


def test_unusable_values_are_counted_by_column(policy: divert.Policy) -> None:
    table = pyarrow.table({
        "date": ["12/05/2017", "12/05/2017", "5 Dec", None],
        "code": ["PL 1552500", "PL 9999999", "PL 1552500", "PL 1552500"],
        "level": ["M", "M", "Q", "Q"],
    })
    mapping = divert.Mapping.from_text("""
        shape: ARREST_PER_ROW defaults { pathway: ARREST_DIVERSION }
        columns { column: "date" field: "occurred_at" time_format: "%m/%d/%Y" }
        columns { column: "code" field: "charges.statute_code" }
        columns { column: "level" field: "charges.level" values { from: "M" to: "MISDEMEANOR" } }
    """)
    screener = divert.Screener(policy, mapping)
    result = screener.screen(table)
    issues = {(i.column, divert.v1.screening_pb2.ColumnIssue.Kind.Name(i.kind), i.value): i.rows
              for i in screener.summary.issues}
    assert issues == {
        ("date", "UNPARSEABLE_VALUE", "5 Dec"): 1,
        ("code", "NOT_IN_CATALOG", "PL 9999999"): 1,
        ("level", "UNMAPPED_VALUE", "Q"): 2,
    }
    # Rows without a usable date cannot be decided, and say why.
    assert result.column("outcome").to_pylist()[2:] == [None, None]
    not_decided = result.column("not_decided").to_pylist()
    assert not_decided[:2] == [None, None]
    assert not_decided[2] == not_decided[3]
    assert not_decided[3].startswith("the encounter has no date (occurred_at)")


def test_mistakes_are_named(policy: divert.Policy, arrests: pyarrow.Table) -> None:
    with pytest.raises(ValueError, match=r"mapping 2:\d+"):
        divert.Mapping.from_text('name: "x"\ncolumns { colum: "a" }')
    with pytest.raises(ValueError, match="column 'X' feeds 'person.shoe_size'"):
        divert.Screener(policy, 'shape: ARREST_PER_ROW columns { column: "X" field: "person.shoe_size" }')
    with pytest.raises(ValueError, match="reads column 'NOPE', which the input does not have"):
        policy.screen(arrests, 'shape: ARREST_PER_ROW columns { column: "NOPE" field: "charges.statute_code" }')
    with pytest.raises(TypeError, match="does not export an Arrow stream"):
        policy.screen([1, 2, 3], NYPD_MAPPING)


def test_fields_read(policy: divert.Policy) -> None:
    fields = divert.Screener(policy, NYPD_MAPPING).fields_read
    assert "divert.v1.Charge.violent" in fields
    assert "divert.v1.Person.race_ethnicity" not in fields


def test_dictionary_encoded_columns_give_the_same_answers(
    policy: divert.Policy, arrests: pyarrow.Table, screened: pyarrow.Table
) -> None:
    index = arrests.schema.get_field_index("LAW_CODE")
    encoded = arrests.set_column(index, "LAW_CODE", arrests.column("LAW_CODE").dictionary_encode())
    result = policy.screen(encoded, NYPD_MAPPING)
    assert result.column("outcome").to_pylist() == screened.column("outcome").to_pylist()
    assert result.column("decisive_rules").to_pylist() == screened.column("decisive_rules").to_pylist()


def test_unlisted_values_can_pass_through(policy: divert.Policy) -> None:
    table = pyarrow.table({
        "date": ["12/05/2017"] * 3,
        "code": ["PL 1552500"] * 3,
        "level": ["M", "FELONY", "Q"],
    })
    mapping = divert.Mapping.from_text("""
        shape: ARREST_PER_ROW defaults { pathway: ARREST_DIVERSION }
        columns { column: "date" field: "occurred_at" time_format: "%m/%d/%Y" }
        columns { column: "code" field: "charges.statute_code" }
        columns { column: "level" field: "charges.level" pass_through_unlisted: true
                  values { from: "M" to: "MISDEMEANOR" } }
    """)
    screener = divert.Screener(policy, mapping)
    result = screener.screen(table)
    # "FELONY" passes through as the level (an explicit level overrides the
    # catalog's); "Q" is neither listed nor a level: unknown, so the
    # catalog's MISDEMEANOR stands, and it is counted.
    assert result.column("rule:criterion.offense").to_pylist() == ["HOLDS", "DOES_NOT_HOLD", "HOLDS"]
    assert [(i.column, i.value, i.rows) for i in screener.summary.issues] == [("level", "Q", 1)]
