"""The guides' Python examples run, so that they cannot rot: every `>>>`
example of docs/python.md and docs/policy-authors.md is a doctest, run from
the root of the repository (the C guide's program runs under ctest:
tests/docs/c_examples.py)."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GUIDES = ["docs/python.md", "docs/policy-authors.md"]


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_examples_run(guide: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    result = doctest.testfile(
        str(REPO_ROOT / guide),
        module_relative=False,
        optionflags=doctest.ELLIPSIS,
        raise_on_error=False,
    )
    assert result.attempted > 5, f"{guide} has too few examples"
    assert result.failed == 0, f"{result.failed} examples of {guide} failed (printed above)"
