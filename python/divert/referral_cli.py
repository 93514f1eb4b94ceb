"""The ``divert agenda`` and ``divert roster`` commands (see divert.cli).

  divert agenda POLICY STORE --meeting DATE [--previous DATE] [--next DATE] [--json]
      Writes the Operations Work Group's agenda for the meeting on DATE from
      the referral log in STORE (an event store file): referrals pending
      vetting, approved and denied since the previous meeting, new referrals,
      intakes, extensions and reviews due, cases to discuss. Markdown, or
      the divert.v1.OwgAgenda as proto3 JSON with --json.
  divert roster POLICY STORE --recipient AGENCY --purpose PURPOSE [--role ROLE]
                [--as-of DATE] [--json]
      Writes the participant roster as CSV, each participant limited to what
      their release of information allows AGENCY for PURPOSE
      (CARE_COORDINATION, OPERATIONS_REVIEW, PROSECUTORIAL_DECISION,
      EVALUATION), or the divert.v1.Roster as proto3 JSON with --json.

The program settings (deadline, case managers, ...) are those of the
policy version in force on the date, in the site's time zone.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from divert.policy import Policy
from divert.referral import Referrals, agenda_markdown, roster_csv
from divert.store import EventStore

__all__ = ["add_commands"]


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _load(policy_path: str, store_path: str, as_of: datetime.date) -> Referrals:
    if not Path(store_path).is_file():
        raise FileNotFoundError(f"{store_path}: no such event store")
    policy = Policy.from_file(policy_path)
    referrals = Referrals.from_policy(policy, as_of=as_of)
    with EventStore(store_path) as store:
        referrals.extend(store.read())
    return referrals


def _write(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _agenda(args: argparse.Namespace) -> int:
    referrals = _load(args.policy, args.store, args.meeting)
    agenda = referrals.agenda(args.meeting, previous=args.previous, next_meeting=args.next)
    if args.json:
        _write(json_format.MessageToJson(agenda, indent=None))
    else:
        _write(agenda_markdown(agenda))
    return 0


def _roster(args: argparse.Namespace) -> int:
    as_of = args.as_of or datetime.date.today()
    referrals = _load(args.policy, args.store, as_of)
    roster = referrals.roster(args.recipient, args.purpose, as_of, role=args.role)
    if args.json:
        _write(json_format.MessageToJson(roster, indent=None))
    else:
        sys.stdout.write(roster_csv(roster).replace("\r\n", "\n"))
    return 0


def add_commands(commands: Any) -> None:
    """Adds ``agenda`` and ``roster`` to the command line's subparsers."""
    agenda = commands.add_parser(
        "agenda",
        help="write the OWG meeting agenda from a referral log",
        description="Write the Operations Work Group's agenda (toolkit Appendix E.iv) for a "
        "meeting from the referral log in an event store.",
    )
    agenda.add_argument("policy", metavar="POLICY", help="a divert.v1.SitePolicy file")
    agenda.add_argument("store", metavar="STORE", help="an event store file")
    agenda.add_argument("--meeting", type=_date, required=True, metavar="DATE",
                        help="the meeting's date (YYYY-MM-DD)")
    agenda.add_argument("--previous", type=_date, metavar="DATE",
                        help="the previous meeting (default: 14 days before)")
    agenda.add_argument("--next", type=_date, metavar="DATE",
                        help="the next meeting (default: 14 days after)")
    agenda.add_argument("--json", action="store_true",
                        help="print the divert.v1.OwgAgenda as proto3 JSON")
    agenda.set_defaults(run=_agenda)

    roster = commands.add_parser(
        "roster",
        help="write the participant roster, limited by consent",
        description="Write the participant roster (toolkit V.B) as CSV, each participant "
        "limited to what their release of information allows the recipient.",
    )
    roster.add_argument("policy", metavar="POLICY", help="a divert.v1.SitePolicy file")
    roster.add_argument("store", metavar="STORE", help="an event store file")
    roster.add_argument("--recipient", required=True, metavar="AGENCY",
                        help="the agency receiving the roster")
    roster.add_argument("--role", default="", help="the role within the agency")
    roster.add_argument("--purpose", required=True,
                        choices=("CARE_COORDINATION", "OPERATIONS_REVIEW",
                                 "PROSECUTORIAL_DECISION", "EVALUATION"))
    roster.add_argument("--as-of", type=_date, metavar="DATE", help="default: today")
    roster.add_argument("--json", action="store_true",
                        help="print the divert.v1.Roster as proto3 JSON")
    roster.set_defaults(run=_roster)
