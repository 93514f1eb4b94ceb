"""divert: the rules of LEAD (Law Enforcement Assisted Diversion) programs, executable.

A site's eligibility criteria, referral workflow and metrics, compiled once and
evaluated the same way from C++, C and Python.

    >>> import divert
    >>> divert.cel.evaluate("age >= 18", {"age": 34})
    True
"""

from divert._core import __version__
from divert import cel
from divert.errors import (
    CelError,
    CelEvaluationError,
    CelIssue,
    CelLimitError,
    CelSyntaxError,
    CelTypeError,
    Error,
)

__all__ = [
    "__version__",
    "cel",
    "Error",
    "CelError",
    "CelIssue",
    "CelSyntaxError",
    "CelTypeError",
    "CelLimitError",
    "CelEvaluationError",
]
