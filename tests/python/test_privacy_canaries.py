"""Privacy canaries at the Python door: an encounter whose identifying fields
(those marked ``[(divert.v1.identifying) = true]``) hold unique canaries is
decided on every path — decisions, their plain-text and HTML renderings, and
errors — and no canary may appear in what comes back.

The same for published metric reports: a site's records whose person keys
and dates of birth are canaries are computed into reports (data frames,
JSON, the quarterly report's Markdown and HTML, the ``divert metrics``
command's CSV and JSON), re-arrest evaluations, and the errors of bad
records, and no canary may appear in any of them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

import divert
import divert.metrics as dm
from divert.metrics_report import quarterly_report
from divert.v1 import encounter_pb2, metrics_pb2, person_pb2, privacy_pb2

matplotlib.use("Agg")

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
BIRTH_YEAR = 1903


def is_identifying(field: Any) -> bool:
    """Whether `field` is marked ``[(divert.v1.identifying) = true]``."""
    return any(
        option.full_name == privacy_pb2.identifying.full_name and bool(value)
        for option, value in field.GetOptions().ListFields()
    )


def fill_canaries(message: Message, canaries: list[str]) -> None:
    """Fills every identifying field of `message`, and of the divert.v1
    messages inside it, with a unique canary."""
    for field in message.DESCRIPTOR.fields:
        if field.is_repeated:
            continue
        identifying = is_identifying(field)
        if field.type == FieldDescriptor.TYPE_STRING and identifying:
            canary = f"Canary{len(canaries)}Zq{field.name}"
            setattr(message, field.name, canary)
            canaries.append(canary)
        elif field.message_type is person_pb2.Date.DESCRIPTOR and identifying:
            date = getattr(message, field.name)
            date.year, date.month, date.day = BIRTH_YEAR, 4, 27
            canaries.append(str(BIRTH_YEAR))
        elif field.message_type is not None and field.message_type.full_name.startswith("divert.v1."):
            fill_canaries(getattr(message, field.name), canaries)


def encounter(canaries: list[str], **changes: Any) -> encounter_pb2.Encounter:
    plain: dict[str, Any] = {
        "encounterId": "enc-1",
        "occurredAt": "2017-12-14T15:20:00Z",
        "pathway": "ARREST_DIVERSION",
        "person": {"age": 41, "needs": {"drugs": True}},
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
    plain.update(changes)
    message = json_format.ParseDict(plain, encounter_pb2.Encounter())
    fill_canaries(message, canaries)
    return message


@pytest.fixture(scope="module")
def policy() -> divert.Policy:
    return divert.Policy.from_file(EXAMPLE1)


def assert_no_canary(text: str, canaries: list[str], where: str) -> None:
    for canary in canaries:
        assert canary not in text, f"{where} repeats the identifying value {canary}"


def test_every_identifying_field_gets_a_canary() -> None:
    canaries: list[str] = []
    encounter(canaries)
    assert len(canaries) >= 7  # keys, names, birth date, SSN, two addresses


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"charges": [{"statuteCode": "PL 155.25"}, {"statuteCode": "PL 120.00"}]},
        {"person": {"age": 41}},
        {"charges": [{"statuteCode": "XX 999.99"}]},
        {"pathway": "SOCIAL_CONTACT", "charges": []},
    ],
    ids=["eligible", "excluded", "needs-information", "outside-catalog", "social-contact"],
)
def test_decisions_never_repeat_them(policy: divert.Policy, changes: dict[str, Any]) -> None:
    canaries: list[str] = []
    decision = policy.evaluate(encounter(canaries, **changes))
    assert_no_canary(str(decision), canaries, "the decision")
    assert_no_canary(json_format.MessageToJson(decision), canaries, "the decision as JSON")
    assert_no_canary(divert.explain(decision), canaries, "the explanation")


@pytest.mark.parametrize(
    "changes",
    [{"occurredAt": None}, {"pathway": "PATHWAY_UNSPECIFIED"}, {"occurredAt": "1970-01-01T00:00:00Z"}],
    ids=["no-date", "no-pathway", "before-any-version"],
)
def test_errors_never_repeat_them(policy: divert.Policy, changes: dict[str, Any]) -> None:
    canaries: list[str] = []
    message = encounter(canaries, **{k: v for k, v in changes.items() if v is not None})
    if changes.get("occurredAt", "") is None:
        message.ClearField("occurred_at")
    with pytest.raises(divert.DecisionError) as caught:
        policy.evaluate(message)
    assert_no_canary(str(caught.value), canaries, "the error")
    assert_no_canary(repr(caught.value), canaries, "the error's repr")


def test_values_of_the_wrong_type_are_not_quoted(policy: divert.Policy) -> None:
    canary = "Canary0ZqGivenName"
    for bad in (
        {"person": {"age": canary}},
        {"person": {"dateOfBirth": canary}},
        {"pathway": canary},
        {"person": {"givenName": [canary]}},
    ):
        with pytest.raises(divert.DecisionError) as caught:
            policy.evaluate({"occurredAt": "2017-12-14T15:20:00Z", **bad})
        assert canary not in str(caught.value), bad


# --- published metric reports ------------------------------------------------


def fill_record_canaries(message: Message, canaries: dict[str, str]) -> None:
    """Replaces every identifying value in `message` and the divert.v1 messages
    inside it (repeated ones too) with a canary; the same value gets the same
    canary everywhere (`canaries` maps value to canary), so records still join
    on person_key. Dates of birth move to BIRTH_YEAR."""
    for field in message.DESCRIPTOR.fields:
        identifying = is_identifying(field)
        if field.message_type is not None and field.message_type.full_name.startswith("divert.v1."):
            if field.is_repeated:
                for item in getattr(message, field.name):
                    fill_record_canaries(item, canaries)
            elif identifying and field.message_type is person_pb2.Date.DESCRIPTOR:
                if message.HasField(field.name):
                    getattr(message, field.name).year = BIRTH_YEAR
            elif message.HasField(field.name):
                fill_record_canaries(getattr(message, field.name), canaries)
        elif identifying and field.type == FieldDescriptor.TYPE_STRING and not field.is_repeated:
            value = getattr(message, field.name)
            if value:
                canary = canaries.setdefault(value, f"Canary{len(canaries)}ZqKey")
                setattr(message, field.name, canary)


_EMBEDDED_IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")
_BIRTH_YEAR = re.compile(rf"(?<![0-9.]){BIRTH_YEAR}(?![0-9])")


def assert_no_record_canary(text: str, canaries: dict[str, str], where: str) -> None:
    """Fails when `text` (embedded images left out) holds a canary or spells
    the birth year as a number of its own."""
    text = _EMBEDDED_IMAGE.sub("", text)
    assert text, where
    for canary in canaries.values():
        assert canary not in text, f"{where} repeats the identifying value {canary}"
    assert not _BIRTH_YEAR.search(text), f"{where} spells the birth year {BIRTH_YEAR}"


@pytest.fixture(scope="module")
def canary_site() -> tuple[metrics_pb2.MetricRecords, dict[str, str]]:
    records = dm.synthetic_site(seed=5, referrals=800)
    canaries: dict[str, str] = {}
    fill_record_canaries(records, canaries)
    return records, canaries


@pytest.fixture(scope="module")
def catalog() -> dm.Catalog:
    return dm.lead_catalog()


def test_every_identifying_record_field_gets_a_canary(
    canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]],
) -> None:
    records, canaries = canary_site
    assert len(canaries) >= len(records.people) > 0
    assert all(person.person_key.startswith("Canary") for person in records.people)
    assert all(arrest.person_key.startswith("Canary") for arrest in records.arrests)
    assert all(p.date_of_birth.year == BIRTH_YEAR for p in records.people if p.HasField("date_of_birth"))


@pytest.mark.parametrize("disclosure", ["published", "internal"])
@pytest.mark.parametrize(
    "by", [[], ["race", "gender", "age"], ["pathway", "source", "area"], ["precinct", "case_manager", "need"]]
)
def test_metric_reports_never_repeat_them(
    catalog: dm.Catalog,
    canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]],
    disclosure: str,
    by: list[str],
) -> None:
    records, canaries = canary_site
    report = dm.compute_report(catalog, records, ("2023-07-01", "2024-06-30"), by, disclosure=disclosure)
    assert len(report.results) == len(catalog)
    assert_no_record_canary(str(report), canaries, "the report")
    assert_no_record_canary(dm.report_json(report), canaries, "the report as JSON")
    assert_no_record_canary(dm.report_frame(report).to_csv(index=False), canaries, "the report's frame")


def test_the_quarterly_report_never_repeats_them(
    catalog: dm.Catalog, canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]]
) -> None:
    records, canaries = canary_site
    report = quarterly_report(catalog, records, "2024Q1")
    assert_no_record_canary(report.markdown(), canaries, "the quarterly report in Markdown")
    assert_no_record_canary(report.html(), canaries, "the quarterly report in HTML")
    assert_no_record_canary(report.history.to_csv(index=False), canaries, "the quarterly report's history")


def test_rearrest_evaluations_never_repeat_them(
    canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]],
) -> None:
    records, canaries = canary_site
    for min_group_size in (11, 1_000_000):
        evaluation = dm.evaluate_rearrest(records, "2023", min_group_size=min_group_size)
        assert evaluation.reportable == (min_group_size == 11)
        assert_no_record_canary(str(evaluation), canaries, "the evaluation")
        assert_no_record_canary(json_format.MessageToJson(evaluation), canaries, "the evaluation as JSON")


def _bad_records(good: metrics_pb2.MetricRecords) -> dict[str, metrics_pb2.MetricRecords]:
    """Records that do not fold, each holding the canaries."""
    bad = {name: metrics_pb2.MetricRecords() for name in ("twice", "no-date", "orphan")}
    for records in bad.values():
        records.CopyFrom(good)
    bad["twice"].people.append(good.people[0])
    bad["no-date"].events[3].ClearField("occurred_at")
    orphan = bad["orphan"].events.add()
    orphan.CopyFrom(good.events[len(good.events) - 1])
    orphan.referral_id = "no-such-referral"
    orphan.ClearField("eligibility_recorded")
    orphan.ClearField("social_contact_referred")
    return bad


def test_errors_from_bad_records_never_repeat_them(
    catalog: dm.Catalog, canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]]
) -> None:
    records, canaries = canary_site
    for name, bad in _bad_records(records).items():
        with pytest.raises(dm.MetricsError) as caught:
            dm.compute_report(catalog, bad, "2024Q1", ["race"])
        assert_no_record_canary(str(caught.value), canaries, f"the report's error ({name})")
        with pytest.raises(dm.MetricsError) as caught:
            dm.evaluate_rearrest(bad, "2023")
        assert_no_record_canary(str(caught.value), canaries, f"the evaluation's error ({name})")


def test_filters_failing_on_a_key_never_repeat_it(
    canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]],
) -> None:
    records, canaries = canary_site
    for records_kind, variable, test in [
        ("PARTICIPANTS", "participant", "int({}.person_key) > 0"),
        ("ARRESTS", "arrest", "timestamp({}.person_key) > timestamp(0)"),
        ("DECISIONS", "decision", "{0}.person_key.matches({0}.person_key + '((')"),
    ]:
        text = f'metrics {{ id: "m" records: {records_kind} kind: COUNT filter: "{test.format(variable)}" }}'
        with pytest.raises(dm.MetricsError) as caught:
            dm.compute_report(dm.Catalog.from_text(text), records, "2024", disclosure="internal")
        assert "filter '" in str(caught.value)
        assert_no_record_canary(str(caught.value), canaries, f"the error of a {records_kind} filter")


def test_malformed_record_files_never_repeat_them(tmp_path: Path) -> None:
    canary = "Canary0ZqKey"
    canaries = {"key": canary}
    for i, bad in enumerate([
        {"people": [{"personKey": [canary]}]},
        {"people": [{"dateOfBirth": canary}]},
        {"arrests": [{"personKey": canary, "jailDays": canary}]},
        {"arrests": [{"personKey": canary, "citation": canary}]},
    ]):
        path = tmp_path / f"bad{i}.json"
        path.write_text(json.dumps(bad))
        with pytest.raises(dm.MetricsError) as caught:
            dm.load_records(path)
        assert_no_record_canary(str(caught.value), canaries, f"the error of {bad}")
        assert path.name in str(caught.value)


def test_the_metrics_command_never_repeats_them(
    canary_site: tuple[metrics_pb2.MetricRecords, dict[str, str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from divert.cli import main

    records, canaries = canary_site
    path = tmp_path / "site.binpb"
    path.write_bytes(records.SerializeToString())
    for args in (["--by", "race", "--by", "age"], ["--format", "json", "--by", "precinct"],
                 ["--format", "csv", "--internal", "--by", "case_manager"], ["--format", "markdown"]):
        assert main(["metrics", str(path), "--period", "2024Q1", *args]) == 0, args
        assert_no_record_canary(capsys.readouterr().out, canaries, f"divert metrics {' '.join(args)}")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"arrests": [{"personKey": "Canary0ZqKey", "jailDays": "Canary0ZqKey"}]}))
    assert main(["metrics", str(bad), "--period", "2024Q1"]) == 2
    assert_no_record_canary(capsys.readouterr().err, canaries | {"key": "Canary0ZqKey"}, "the command's error")
