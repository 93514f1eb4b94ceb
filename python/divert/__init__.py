"""divert: the rules of LEAD (Law Enforcement Assisted Diversion) programs, executable.

A site's eligibility criteria, referral workflow and metrics, compiled once and
evaluated the same way from C++, C and Python.

    >>> import divert
    >>> divert.cel.evaluate("age >= 18", {"age": 34})
    True

A site policy decides encounters, and every decision explains itself::

    policy = divert.Policy.from_file("examples/policies/example1_new_york.textproto")
    decision = policy.evaluate({"occurredAt": "2017-12-14T15:20:00Z",
                                "pathway": "ARREST_DIVERSION", ...})
    print(divert.explain(decision))

In Jupyter, decisions and fidelity reports display as HTML cards.
"""

from divert._core import __version__
from divert import cel
from divert.display import (
    decision_html,
    explain,
    fidelity_html,
    install_short_reprs,
    register_ipython_formatters,
)
from divert.errors import (
    CelError,
    CelEvaluationError,
    CelIssue,
    CelLimitError,
    CelSyntaxError,
    CelTypeError,
    DecisionError,
    Error,
    PolicyError,
    PolicyIssue,
)
from divert.policy import Policy
from divert.store import EventStore, EventStoreError
from divert.referral import Referral, ReferralError, Referrals
from divert.screen import Mapping, Screener, ScreeningSummary
from divert.report import PlanningReport, planning_report
from divert import metrics
from divert.metrics import MetricsError
from divert.batches import BatchScreen, screen_batches
from divert import v1  # noqa: F401  (divert.v1.decision_pb2 and the other messages)

__all__ = [
    "__version__",
    "cel",
    "Policy",
    "explain",
    "decision_html",
    "fidelity_html",
    "register_ipython_formatters",
    "Error",
    "CelError",
    "CelIssue",
    "CelSyntaxError",
    "CelTypeError",
    "CelLimitError",
    "CelEvaluationError",
    "PolicyError",
    "PolicyIssue",
    "DecisionError",
    "Referrals",
    "Referral",
    "ReferralError",
    "EventStore",
    "EventStoreError",
    "Mapping",
    "Screener",
    "ScreeningSummary",
    "PlanningReport",
    "planning_report",
    "metrics",
    "MetricsError",
    "BatchScreen",
    "screen_batches",
]

# Decisions and fidelity reports: one line as repr, HTML in IPython or Jupyter.
install_short_reprs()
try:
    register_ipython_formatters()
except Exception:  # pragma: no cover - a display nicety must never break the import
    pass
