"""The examples in the docstrings of divert.policy, divert.display and
divert.cli run as written, from the root of the repository (they read the
example policies in examples/policies/)."""

import doctest
from types import ModuleType
from pathlib import Path

import pytest

import divert
import divert.cli
import divert.display
import divert.policy

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module", [divert.policy, divert.display, divert.cli], ids=lambda m: m.__name__
)
def test_docstring_examples(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    result = doctest.testmod(module, extraglobs={"divert": divert}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_every_public_name_has_an_example() -> None:
    names = [divert.Policy, divert.explain, divert.decision_html, divert.fidelity_html,
             divert.register_ipython_formatters, divert.PolicyError, divert.PolicyIssue,
             divert.DecisionError]
    names += [getattr(divert.Policy, name) for name in (
        "from_file", "from_text", "from_json", "from_bytes", "from_message", "site_id",
        "versions", "site_policy", "evaluate", "evaluate_many", "check", "to_markdown",
        "to_html")]
    for item in names:
        doc = item.__doc__ or ""
        assert ">>>" in doc, f"{getattr(item, '__qualname__', item)} has no example"
