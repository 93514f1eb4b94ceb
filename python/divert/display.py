"""Decisions and fidelity reports for people: plain text and HTML.

:func:`explain` turns a ``divert.v1.Decision`` (or ``FidelityReport``) into
text a sergeant or a county analyst can read; :func:`decision_html` and
:func:`fidelity_html` into HTML. In Jupyter, importing divert registers the
HTML forms with IPython, so a decision or report at the end of a cell shows
as a readable card instead of protobuf text::

    >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
    >>> decision = policy.evaluate({
    ...     "encounterId": "E-1",
    ...     "occurredAt": "2017-12-14T15:20:00Z",
    ...     "pathway": "ARREST_DIVERSION",
    ...     "person": {"needs": {"drugs": True}},
    ...     "charges": [{"statuteCode": "PL 120.00"}],
    ...     "circumstances": {"ableToConsent": True},
    ... })
    >>> print(divert.explain(decision).splitlines()[0])
    E-1: EXCLUDED (arrest diversion)

Nothing here adds personal data: the text is built from the decision, which
never holds a person's identifying values.
"""

from __future__ import annotations

import html
import sys
from typing import Any, Union

from divert.v1 import decision_pb2, encounter_pb2, policy_pb2

__all__ = [
    "explain",
    "decision_html",
    "fidelity_html",
    "register_ipython_formatters",
    "OUTCOME_WORDS",
]

Decision = decision_pb2.Decision
FidelityReport = decision_pb2.FidelityReport
Severity = decision_pb2.FidelityFinding.Severity

#: Each outcome in words, e.g. ``OUTCOME_WORDS[divert.v1.decision_pb2.EXCLUDED]``.
OUTCOME_WORDS: dict[int, str] = {
    decision_pb2.OUTCOME_UNSPECIFIED: "no outcome",
    decision_pb2.ELIGIBLE: "eligible",
    decision_pb2.NOT_ELIGIBLE: "not eligible",
    decision_pb2.EXCLUDED: "excluded",
    decision_pb2.NEEDS_REVIEW: "needs review",
    decision_pb2.NEEDS_INFORMATION: "needs information",
}

_RESULT_WORDS: dict[int, str] = {
    decision_pb2.RULE_RESULT_UNSPECIFIED: "-",
    decision_pb2.RULE_HOLDS: "holds",
    decision_pb2.RULE_DOES_NOT_HOLD: "does not hold",
    decision_pb2.RULE_UNKNOWN: "unknown",
    decision_pb2.RULE_ERROR: "error",
    decision_pb2.RULE_NOT_APPLICABLE: "not applicable",
}

_KIND_WORDS: dict[int, str] = {
    policy_pb2.RULE_KIND_UNSPECIFIED: "rule",
    policy_pb2.CRITERION: "criterion",
    policy_pb2.EXCLUSION: "exclusion",
    policy_pb2.REVIEW_TRIGGER: "review trigger",
}

_REVIEW_WORDS: dict[int, str] = {
    policy_pb2.REVIEW_BODY_UNSPECIFIED: "unspecified",
    policy_pb2.OPERATIONS_WORK_GROUP: "Operations Work Group",
    policy_pb2.DIVERSION_PANEL: "Diversion Panel",
    policy_pb2.SUPERVISING_AGENCY: "the supervising agency",
    policy_pb2.ISSUING_COURT: "the issuing court",
    policy_pb2.PROSECUTOR: "the prosecutor",
}

_PATHWAY_WORDS: dict[int, str] = {
    encounter_pb2.PATHWAY_UNSPECIFIED: "no pathway",
    encounter_pb2.ARREST_DIVERSION: "arrest diversion",
    encounter_pb2.SOCIAL_CONTACT: "social contact referral",
}

# Badge colours (white text on these).
_OUTCOME_COLOURS: dict[int, str] = {
    decision_pb2.ELIGIBLE: "#2e7d32",
    decision_pb2.NOT_ELIGIBLE: "#616161",
    decision_pb2.EXCLUDED: "#c62828",
    decision_pb2.NEEDS_REVIEW: "#e65100",
    decision_pb2.NEEDS_INFORMATION: "#1565c0",
}
_SEVERITY_COLOURS: dict[int, str] = {
    Severity.VIOLATION: "#c62828",
    Severity.WARNING: "#e65100",
    Severity.NOTE: "#1565c0",
}
_SEVERITY_ORDER = (Severity.VIOLATION, Severity.WARNING, Severity.NOTE, Severity.SEVERITY_UNSPECIFIED)


def decision_repr(decision: Decision) -> str:
    """A decision in one line, as ``repr`` shows it (``str`` and ``print``
    show every field). Importing divert makes it the Decision's ``repr``.

        >>> decision_repr(divert.v1.decision_pb2.Decision(
        ...     decision_id="dec-1", site_id="nyc", policy_version="2018-1", outcome=1))
        '<Decision dec-1: ELIGIBLE under nyc 2018-1, 0 rules>'
    """
    return (
        f"<Decision {decision.decision_id or '(no id)'}: {_outcome_name(decision.outcome)}"
        f" under {decision.site_id or '?'} {decision.policy_version or '?'},"
        f" {len(decision.rules)} rules>"
    )


def fidelity_report_repr(report: FidelityReport) -> str:
    """A fidelity report in one line, as ``repr`` shows it.

        >>> fidelity_report_repr(divert.v1.decision_pb2.FidelityReport(site_id="nyc"))
        '<FidelityReport nyc: 0 findings (0 violations, 0 warnings, 0 notes)>'
    """
    return f"<FidelityReport {report.site_id or '?'}: {_count_line(report)}>"


def install_short_reprs() -> None:
    """Gives decisions and fidelity reports the one-line ``repr`` of
    :func:`decision_repr` and :func:`fidelity_report_repr`, so that a list
    of decisions in a notebook stays readable. Importing divert calls it.

        >>> repr(divert.v1.decision_pb2.Decision(outcome=2)).startswith("<Decision")
        True
    """
    setattr(Decision, "__repr__", decision_repr)
    setattr(FidelityReport, "__repr__", fidelity_report_repr)


def _outcome_name(outcome: int) -> str:
    try:
        return decision_pb2.Outcome.Name(outcome)
    except ValueError:
        return str(outcome)


def _severity_name(severity: int) -> str:
    try:
        return Severity.Name(severity)
    except ValueError:
        return str(severity)


def _date(date: Any) -> str:
    if not date.year:
        return ""
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def _policy_line(decision: Decision) -> str:
    approved = _date(decision.policy_approved_on)
    line = f"Policy {decision.site_id or '?'}, version {decision.policy_version or '?'}"
    if approved:
        line += f" (approved {approved})"
    return line + (f"; decision {decision.decision_id}" if decision.decision_id else "")


def _rule_result(rule: decision_pb2.RuleOutcome) -> str:
    words = _RESULT_WORDS.get(rule.result, str(rule.result))
    if rule.alternative_id:
        words += f" ({rule.alternative_id})"
    return words


def _show_charges(rule: decision_pb2.RuleOutcome) -> bool:
    """Whether to list a rule's per-charge results: when there are several
    charges and they differ, or the rule decided the outcome."""
    if len(rule.charges) < 2:
        return False
    return rule.decisive or len({(c.result, c.alternative_id) for c in rule.charges}) > 1


def _explain_decision(decision: Decision) -> str:
    title = decision.encounter_id or "encounter"
    pathway = _PATHWAY_WORDS.get(decision.pathway, "unknown pathway")
    lines = [f"{title}: {_outcome_name(decision.outcome)} ({pathway})"]
    if decision.summary:
        lines.append(decision.summary)
    if decision.review_by:
        bodies = ", ".join(_REVIEW_WORDS.get(b, str(b)) for b in decision.review_by)
        lines.append(f"Review by: {bodies}")
    lines.append(_policy_line(decision))
    if decision.missing_facts:
        lines.append("")
        lines.append("Still needed:")
        for fact in decision.missing_facts:
            rules = f"; for {', '.join(fact.rule_ids)}" if fact.rule_ids else ""
            lines.append(f"  - {fact.question or fact.field_path} ({fact.field_path}{rules})")
    if decision.rules:
        lines.append("")
        lines.append("Rules (* = decided the outcome):")
        width = max(len(rule.rule_id) for rule in decision.rules)
        results = [_rule_result(rule) for rule in decision.rules]
        result_width = max(len(result) for result in results)
        for rule, result in zip(decision.rules, results):
            mark = "*" if rule.decisive else " "
            lines.append(f"  {mark} {rule.rule_id:<{width}}  {result:<{result_width}}  {rule.text}".rstrip())
            if rule.error:
                lines.append(f"      error: {rule.error}")
            if _show_charges(rule):
                for charge in rule.charges:
                    alternative = f" ({charge.alternative_id})" if charge.alternative_id else ""
                    lines.append(
                        f"      charge {charge.charge_index + 1} {charge.statute_code}: "
                        f"{_RESULT_WORDS.get(charge.result, str(charge.result))}{alternative}"
                    )
    if decision.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {note}" for note in decision.notes)
    return "\n".join(lines)


def _by_severity(report: FidelityReport) -> list[tuple[int, list[decision_pb2.FidelityFinding]]]:
    groups: list[tuple[int, list[decision_pb2.FidelityFinding]]] = []
    for severity in _SEVERITY_ORDER:
        findings = [f for f in report.findings if f.severity == severity]
        if findings:
            groups.append((severity, findings))
    others = [f for f in report.findings if f.severity not in _SEVERITY_ORDER]
    if others:
        groups.append((Severity.SEVERITY_UNSPECIFIED, others))
    return groups


def _finding_where(finding: decision_pb2.FidelityFinding) -> str:
    parts = []
    if finding.policy_version:
        parts.append(f"version {finding.policy_version}")
    if finding.rule_id:
        parts.append(f"rule {finding.rule_id}")
    if finding.toolkit_section:
        parts.append(f"toolkit {finding.toolkit_section}")
    return ", ".join(parts)


def _count_line(report: FidelityReport) -> str:
    counts = {severity: 0 for severity in _SEVERITY_ORDER}
    for finding in report.findings:
        counts[finding.severity if finding.severity in counts else Severity.SEVERITY_UNSPECIFIED] += 1
    n = len(report.findings)
    words = [
        f"{counts[Severity.VIOLATION]} violation{'s' if counts[Severity.VIOLATION] != 1 else ''}",
        f"{counts[Severity.WARNING]} warning{'s' if counts[Severity.WARNING] != 1 else ''}",
        f"{counts[Severity.NOTE]} note{'s' if counts[Severity.NOTE] != 1 else ''}",
    ]
    return f"{n} finding{'s' if n != 1 else ''} ({', '.join(words)})"


def _explain_report(report: FidelityReport) -> str:
    site = report.site_id or "the policy"
    if not report.findings:
        return f"Fidelity check of {site}: no findings."
    lines = [f"Fidelity check of {site}: {_count_line(report)}"]
    for severity, findings in _by_severity(report):
        lines.append("")
        lines.append(f"{_severity_name(severity)}:")
        for finding in findings:
            where = _finding_where(finding)
            lines.append(f"  - {finding.code}" + (f" [{where}]" if where else ""))
            lines.append(f"    {finding.message}")
    return "\n".join(lines)


def explain(item: Union[Decision, FidelityReport]) -> str:
    """A decision (or a fidelity report) as plain text.

    For a decision: the encounter id, outcome and pathway; the summary; who
    reviews; the policy version; the facts still needed with the question
    to ask; every rule with its result (``*`` marks those that decided the
    outcome); notes. For a fidelity report: the findings grouped by
    severity, worst first.

        >>> policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
        >>> decision = policy.evaluate({
        ...     "encounterId": "E-7",
        ...     "occurredAt": "2017-12-14T15:20:00Z",
        ...     "pathway": "ARREST_DIVERSION",
        ...     "person": {"needs": {"drugs": True}},
        ...     "charges": [{"statuteCode": "PL 140.10"}],
        ...     "circumstances": {"victimPresent": False, "imminentDanger": False,
        ...                       "onSupervision": False, "outstandingWarrants": False,
        ...                       "exploitsMinorsOrOthers": False,
        ...                       "offenseRelatedToNeeds": True},
        ... })
        >>> print(divert.explain(decision))  # doctest: +ELLIPSIS
        E-7: NEEDS_INFORMATION (arrest diversion)
        Needs information under policy 2017-1, ...
        Policy nyc-example1, version 2017-1 (approved 2017-06-15); decision dec-...
        <BLANKLINE>
        Still needed:
          - ... (encounter.circumstances.able_to_consent; for exclusion.unable_to_consent)
        <BLANKLINE>
        Rules (* = decided the outcome):
        ...
          * exclusion.unable_to_consent ... unknown ...
        ...
    """
    if isinstance(item, Decision):
        return _explain_decision(item)
    if isinstance(item, FidelityReport):
        return _explain_report(item)
    raise TypeError(
        f"explain takes a divert.v1.Decision or FidelityReport, not {type(item).__name__}"
    )


# --- HTML ----------------------------------------------------------------------------

_E = html.escape
_CARD = (
    "font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 13px; "
    "line-height: 1.4; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; "
    "max-width: 60em"
)
_TABLE = "border-collapse: collapse; margin-top: 6px; width: 100%"
_CELL = "text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #eee"
_MUTED = "color: #666; font-size: 12px"


def _badge(text: str, colour: str) -> str:
    return (
        f'<span style="background: {colour}; color: #fff; padding: 2px 8px; border-radius: 10px; '
        f'font-weight: 600; font-size: 12px; letter-spacing: 0.02em">{_E(text)}</span>'
    )


def decision_html(decision: Decision) -> str:
    """A decision as an HTML card (what Jupyter shows for one): the outcome
    as a coloured badge, the summary, who reviews, the questions still to
    ask, every rule with its result (the decisive ones highlighted), notes.
    Every text is escaped.

        >>> card = divert.decision_html(divert.v1.decision_pb2.Decision(
        ...     outcome=divert.v1.decision_pb2.ELIGIBLE, summary="Eligible <for> diversion."))
        >>> "ELIGIBLE" in card and "Eligible &lt;for&gt; diversion." in card
        True
    """
    if not isinstance(decision, Decision):
        raise TypeError(f"decision_html takes a divert.v1.Decision, not {type(decision).__name__}")
    colour = _OUTCOME_COLOURS.get(decision.outcome, "#616161")
    pathway = _PATHWAY_WORDS.get(decision.pathway, "unknown pathway")
    head = f"{decision.encounter_id} · {pathway}" if decision.encounter_id else pathway
    parts = [
        f'<div class="divert-decision" style="{_CARD}">',
        f"<div>{_badge(_outcome_name(decision.outcome), colour)} "
        f'<span style="margin-left: 6px; font-weight: 600">{_E(head)}</span></div>',
    ]
    if decision.summary:
        parts.append(f'<p style="margin: 8px 0">{_E(decision.summary)}</p>')
    if decision.review_by:
        bodies = ", ".join(_REVIEW_WORDS.get(b, str(b)) for b in decision.review_by)
        parts.append(f'<p style="margin: 4px 0"><b>Review by:</b> {_E(bodies)}</p>')
    if decision.missing_facts:
        parts.append('<p style="margin: 8px 0 2px 0"><b>Still needed</b></p><ul style="margin: 0">')
        for fact in decision.missing_facts:
            parts.append(
                f"<li>{_E(fact.question or fact.field_path)} "
                f'<code style="{_MUTED}">{_E(fact.field_path)}</code></li>'
            )
        parts.append("</ul>")
    if decision.rules:
        parts.append(
            f'<table style="{_TABLE}"><thead><tr>'
            f'<th style="{_CELL}">Rule</th><th style="{_CELL}">Kind</th>'
            f'<th style="{_CELL}">Result</th><th style="{_CELL}">Text</th></tr></thead><tbody>'
        )
        for rule in decision.rules:
            style = _CELL + ("; background: #fff8e1; font-weight: 600" if rule.decisive else "")
            text = _E(rule.text)
            if rule.error:
                text += f'<br><span style="color: #c62828">error: {_E(rule.error)}</span>'
            if _show_charges(rule):
                charges = "; ".join(
                    f"{_E(c.statute_code or f'charge {c.charge_index + 1}')}: "
                    f"{_E(_RESULT_WORDS.get(c.result, str(c.result)))}"
                    for c in rule.charges
                )
                text += f'<br><span style="{_MUTED}">{charges}</span>'
            parts.append(
                f'<tr title="{"decided the outcome" if rule.decisive else ""}">'
                f'<td style="{style}"><code>{_E(rule.rule_id)}</code></td>'
                f'<td style="{style}">{_E(_KIND_WORDS.get(rule.kind, ""))}</td>'
                f'<td style="{style}">{_E(_rule_result(rule))}</td>'
                f'<td style="{style}">{text}</td></tr>'
            )
        parts.append("</tbody></table>")
    if decision.notes:
        parts.append('<p style="margin: 8px 0 2px 0"><b>Notes</b></p><ul style="margin: 0">')
        parts.extend(f"<li>{_E(note)}</li>" for note in decision.notes)
        parts.append("</ul>")
    parts.append(f'<div style="{_MUTED}; margin-top: 6px">{_E(_policy_line(decision))}</div>')
    parts.append("</div>")
    return "".join(parts)


def fidelity_html(report: FidelityReport) -> str:
    """A fidelity report as an HTML table, worst findings first (what
    Jupyter shows for one).

        >>> report = divert.v1.decision_pb2.FidelityReport(site_id="demo")
        >>> "no findings" in divert.fidelity_html(report)
        True
    """
    if not isinstance(report, FidelityReport):
        raise TypeError(f"fidelity_html takes a divert.v1.FidelityReport, not {type(report).__name__}")
    site = report.site_id or "the policy"
    parts = [
        f'<div class="divert-fidelity" style="{_CARD}">',
        f'<div style="font-weight: 600">Fidelity check of {_E(site)}: '
        f'{_E(_count_line(report) if report.findings else "no findings")}</div>',
    ]
    if report.findings:
        parts.append(
            f'<table style="{_TABLE}"><thead><tr>'
            f'<th style="{_CELL}">Severity</th><th style="{_CELL}">Finding</th>'
            f'<th style="{_CELL}">Where</th><th style="{_CELL}">Message</th></tr></thead><tbody>'
        )
        for severity, findings in _by_severity(report):
            colour = _SEVERITY_COLOURS.get(severity, "#616161")
            for finding in findings:
                parts.append(
                    f'<tr><td style="{_CELL}">{_badge(_severity_name(severity), colour)}</td>'
                    f'<td style="{_CELL}"><code>{_E(finding.code)}</code></td>'
                    f'<td style="{_CELL}">{_E(_finding_where(finding))}</td>'
                    f'<td style="{_CELL}">{_E(finding.message)}</td></tr>'
                )
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


def register_ipython_formatters(shell: Any = None) -> bool:
    """Makes IPython and Jupyter show decisions and fidelity reports as HTML
    (:func:`decision_html`, :func:`fidelity_html`). Importing divert calls
    it; call it yourself for a shell started later. ``shell`` is the
    IPython shell (default: the running one, if IPython is already
    imported). Returns whether the formatters were registered.

        >>> divert.register_ipython_formatters(shell=object())
        False
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # never import IPython just for this
        get_ipython = getattr(ipython, "get_ipython", None)
        shell = get_ipython() if get_ipython is not None else None
        if shell is None:
            return False
    try:
        formatter = shell.display_formatter.formatters["text/html"]
    except (AttributeError, KeyError, TypeError):
        return False
    formatter.for_type(Decision, decision_html)
    formatter.for_type(FidelityReport, fidelity_html)
    return True
