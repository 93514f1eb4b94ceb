"""The installed divert package: the compiled module and the divert.v1 messages."""

import divert
from divert import _core


def test_version_comes_from_the_compiled_library() -> None:
    assert divert.__version__ == "0.1.0"
    assert divert.__version__ == _core.__version__


def test_encounter_round_trips_through_the_wire_format() -> None:
    from divert.v1 import charge_pb2, encounter_pb2, person_pb2

    encounter = encounter_pb2.Encounter(
        encounter_id="E-2024-000117",
        pathway=encounter_pb2.ARREST_DIVERSION,
        officer_id="4471",
        agency="Example County Sheriff",
        place=encounter_pb2.Place(precinct="North 3", area="Example County"),
        person=person_pb2.Person(
            person_key="P-88213",
            age=34,
            needs=person_pb2.ContributingNeeds(drugs=True, homelessness=True),
        ),
        charges=[
            charge_pb2.Charge(
                statute_code="PL 220.03",
                description="Criminal possession of a controlled substance, 7th degree",
                offense_category="drug possession",
                level=charge_pb2.MISDEMEANOR,
                drug_possession=True,
                drug_quantity_grams=0.4,
            )
        ],
        circumstances=encounter_pb2.Circumstances(outstanding_warrants=False),
    )
    encounter.occurred_at.FromJsonString("2024-03-14T22:05:00Z")

    wire = encounter.SerializeToString()
    assert wire

    decoded = encounter_pb2.Encounter()
    decoded.ParseFromString(wire)

    assert decoded == encounter
    assert decoded.person.age == 34
    assert decoded.person.HasField("age")
    assert decoded.person.needs.drugs
    assert len(decoded.charges) == 1
    charge = decoded.charges[0]
    assert charge.statute_code == "PL 220.03"
    assert charge.level == charge_pb2.MISDEMEANOR
    assert charge.HasField("drug_possession") and charge.drug_possession
    assert not charge.HasField("violent")  # unset means not known
    assert charge.drug_quantity_grams == 0.4
    # An explicit false is kept apart from unset.
    assert decoded.circumstances.HasField("outstanding_warrants")
    assert not decoded.circumstances.outstanding_warrants
    assert decoded.occurred_at.ToJsonString() == "2024-03-14T22:05:00Z"


def test_identifying_fields_are_marked_in_the_descriptor() -> None:
    from divert.v1 import person_pb2, privacy_pb2

    def identifying(name: str) -> bool:
        options = person_pb2.Person.DESCRIPTOR.fields_by_name[name].GetOptions()
        return any(
            option.full_name == privacy_pb2.identifying.full_name and bool(value)
            for option, value in options.ListFields()
        )

    assert identifying("family_name")
    assert not identifying("age")
