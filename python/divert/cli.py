"""The ``divert`` command line, for county IT scripts and quick checks.

Commands:
  divert conditions CONDITIONS.json ENCOUNTER.json [...]
      Evaluates named CEL conditions over encounters and prints, for each
      encounter, every condition's result: true, false, or which facts are
      still missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from google.protobuf import json_format

from divert import cel
from divert.errors import Error
from divert.v1 import encounter_pb2

_PATHWAY_NAMES = {
    encounter_pb2.ARREST_DIVERSION: "arrest diversion",
    encounter_pb2.SOCIAL_CONTACT: "social contact referral",
}


def _load_encounter(path: Path) -> encounter_pb2.Encounter:
    return json_format.Parse(path.read_text(encoding="utf-8"), encounter_pb2.Encounter())


def _describe(result: Any) -> str:
    if isinstance(result, cel.Unknown):
        return "unknown (missing: " + ", ".join(result.attributes) + ")"
    if isinstance(result, bool):
        return "true" if result else "false"
    return repr(result)


def _conditions(args: argparse.Namespace) -> int:
    spec = json.loads(Path(args.conditions).read_text(encoding="utf-8"))
    programs = []
    for condition in spec["conditions"]:
        program = cel.compile(
            condition["condition"],
            {"encounter": "divert.v1.Encounter"},
            container="divert.v1",
        )
        programs.append((condition["id"], program))
    width = max(len(condition_id) for condition_id, _ in programs)
    for path in args.encounters:
        encounter = _load_encounter(Path(path))
        charges = ", ".join(c.statute_code for c in encounter.charges) or "no charge"
        pathway = _PATHWAY_NAMES.get(encounter.pathway, "unknown pathway")
        print(f"{encounter.encounter_id}: {pathway}; {charges}")
        for condition_id, program in programs:
            try:
                result = program.evaluate(
                    {"encounter": encounter}, unset_fields_are_unknown=True
                )
                text = _describe(result)
            except Error as error:
                text = f"error: {error}"
            print(f"  {condition_id:<{width}}  {text}")
        print()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="divert", description="Executable rules for LEAD diversion programs."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    conditions = commands.add_parser(
        "conditions", help="evaluate named CEL conditions over encounters"
    )
    conditions.add_argument("conditions", help="a JSON file of named conditions")
    conditions.add_argument("encounters", nargs="+", help="encounters as proto3 JSON")
    conditions.set_defaults(run=_conditions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (Error, OSError, ValueError, KeyError) as error:
        print(f"divert: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
