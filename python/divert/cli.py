"""The ``divert`` command line, for county IT scripts and quick checks.

Commands:
  divert check POLICY [--strict]
      Compiles a site policy. Prints every problem with its version, rule
      id and line:column and exits 1 when it does not compile; otherwise
      prints the fidelity check's findings grouped by severity and exits 0
      (3 with --strict when a finding is a VIOLATION).
  divert explain POLICY [--version V] [--format markdown|html] [-o FILE]
      Writes a version of the policy (the newest by default) as a document
      for the Policy Coordinating Group.
  divert evaluate POLICY ENCOUNTER.json... [--json] [--version V] [--verbose]
      Decides each encounter (a JSON file holding one encounter, or a list
      of them; "-" reads standard input) and prints its id, outcome and
      summary, or with --json each Decision as proto3 JSON, one per line.
  divert screen --policy POLICY --data FILE [--mapping M] [--report OUT]
      Screens every arrest of a CSV or Parquet file (in batches, in bounded
      memory) and prints the planning summary; --report writes the planning
      report (.md, .html or .json). See divert.screen_cli.
  divert metrics RECORDS --period 2024Q1 [--by race ...] [--format F]
      Computes the LEAD logic-model metrics (or --catalog FILE) over a
      site's records: CSV, JSON, or the PCG's quarterly report in Markdown
      or HTML. See divert.metrics_cli.

POLICY is a text format (.textproto, .txtpb, .pbtxt), JSON (.json) or binary
(.binpb, .pb) divert.v1.SitePolicy. Exit status: 0 success, 1 a policy that
does not compile or an encounter that cannot be decided, 2 bad usage or an
unreadable file, 3 fidelity violations under --strict.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Sequence

from google.protobuf import json_format

from divert.display import explain
from divert.errors import DecisionError, Error, PolicyError
from divert.policy import Policy
from divert.screen_cli import add_screen_command
from divert.referral_cli import add_commands as _add_referral_commands
from divert.metrics_cli import add_metrics_command
from divert.v1 import decision_pb2

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_VIOLATIONS = 3


class _PolicyDoesNotCompile(Exception):
    """Raised by _load_policy after printing the issues."""


def _print_issues(error: PolicyError, path: str, out: Any) -> None:
    issues = error.issues
    if not issues:
        print(f"{path}: {error.message}", file=out)
        return
    count = f"{len(issues)} problem{'s' if len(issues) != 1 else ''}"
    print(f"{path}: the policy does not compile ({count}):", file=out)
    for issue in issues:
        print(f"  {issue}", file=out)


def _load_policy(path: str, out: Any = None) -> Policy:
    try:
        return Policy.from_file(path)
    except PolicyError as error:
        _print_issues(error, path, out if out is not None else sys.stderr)
        raise _PolicyDoesNotCompile() from None


# --- divert check -------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    policy = _load_policy(args.policy, out=sys.stdout)
    report = policy.check()
    versions = ", ".join(policy.versions)
    print(f"{args.policy}: compiles (site {policy.site_id}; versions {versions})")
    print(explain(report))
    violations = any(f.severity == decision_pb2.FidelityFinding.VIOLATION for f in report.findings)
    return EXIT_VIOLATIONS if (violations and args.strict) else EXIT_OK


# --- divert explain -----------------------------------------------------------------


def _explain(args: argparse.Namespace) -> int:
    policy = _load_policy(args.policy)
    if args.format == "html":
        document = policy.to_html(args.version)
    else:
        document = policy.to_markdown(args.version)
    if args.output and args.output != "-":
        Path(args.output).write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document if document.endswith("\n") else document + "\n")
    return EXIT_OK


# --- divert evaluate ----------------------------------------------------------------


def _read_encounters(path: str) -> Iterator[tuple[str, Any]]:
    """(label, encounter dict) for each encounter in a file: one JSON object,
    or a JSON array of them. The label names the encounter in messages."""
    if path == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        text, name = Path(path).read_text(encoding="utf-8"), path
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{name}:{error.lineno}:{error.colno}: not JSON ({error.msg})") from None
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield f"{name}[{index}]", item
    else:
        yield name, data


def _evaluate(args: argparse.Namespace) -> int:
    policy = _load_policy(args.policy)
    if args.version is not None and args.version not in policy.versions:
        raise ValueError(
            f"{args.policy} has no version {args.version!r} (versions: {', '.join(policy.versions)})"
        )
    status = EXIT_OK
    first = True
    for path in args.encounters:
        for label, encounter in _read_encounters(path):
            if not isinstance(encounter, dict):
                print(f"divert: {label}: an encounter is a JSON object", file=sys.stderr)
                status = EXIT_FAILED
                continue
            try:
                decision = policy.evaluate(encounter, version=args.version)
            except DecisionError as error:
                print(f"divert: {label}: {error}", file=sys.stderr)
                status = EXIT_FAILED
                continue
            if args.json:
                print(json_format.MessageToJson(decision, indent=None))
            elif args.verbose:
                if not first:
                    print()
                print(explain(decision))
            else:
                outcome = decision_pb2.Outcome.Name(decision.outcome)
                print(f"{decision.encounter_id or label}: {outcome}")
                print(f"  {decision.summary}")
            first = False
    return status


# --- the parser ---------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="divert",
        description="Executable rules for LEAD diversion programs.",
        epilog="Exit status: 0 success, 1 a policy that does not compile or an encounter that "
        "cannot be decided, 2 bad usage or an unreadable file, 3 fidelity violations (--strict).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="compile a policy and run the fidelity check",
        description="Compile a site policy and check it against LEAD's non-negotiables.",
    )
    check.add_argument("policy", metavar="POLICY", help="a divert.v1.SitePolicy file")
    check.add_argument(
        "--strict", action="store_true", help="exit 3 when a finding is a VIOLATION"
    )
    check.set_defaults(run=_check)

    explain_cmd = commands.add_parser(
        "explain",
        help="write a policy version as a readable document",
        description="Write one version of a policy (the newest by default) as Markdown or HTML.",
    )
    explain_cmd.add_argument("policy", metavar="POLICY", help="a divert.v1.SitePolicy file")
    explain_cmd.add_argument("--version", metavar="V", help="the version label (default: newest)")
    explain_cmd.add_argument(
        "--format", choices=("markdown", "html"), default="markdown", help="default: markdown"
    )
    explain_cmd.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )
    explain_cmd.set_defaults(run=_explain)

    evaluate = commands.add_parser(
        "evaluate",
        help="decide encounters under a policy",
        description="Decide each encounter (proto3 JSON: one object, or a list of them, per "
        "file; '-' is standard input) and print its id, outcome and summary.",
    )
    evaluate.add_argument("policy", metavar="POLICY", help="a divert.v1.SitePolicy file")
    evaluate.add_argument(
        "encounters", metavar="ENCOUNTER.json", nargs="+", help="encounters as proto3 JSON"
    )
    evaluate.add_argument(
        "--json", action="store_true", help="print each Decision as proto3 JSON, one per line"
    )
    evaluate.add_argument(
        "--version", metavar="V", help="decide under this version, whatever the encounter's date"
    )
    evaluate.add_argument(
        "-v", "--verbose", action="store_true", help="explain every rule of each decision"
    )
    evaluate.set_defaults(run=_evaluate)
    add_screen_command(commands, _load_policy)
    _add_referral_commands(commands)
    add_metrics_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line with ``argv`` (default: ``sys.argv[1:]``) and
    returns the exit status.

        >>> main(["check", "examples/policies/santa_fe_variant.textproto"])  # doctest: +ELLIPSIS
        examples/policies/santa_fe_variant.textproto: compiles (site santa-fe; versions 2014-1)
        Fidelity check of santa-fe: ...
        0
    """
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except _PolicyDoesNotCompile:
        return EXIT_FAILED
    except (Error, OSError, ValueError, KeyError) as error:
        print(f"divert: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
