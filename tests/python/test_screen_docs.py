"""The examples in the docstrings of divert.screen, divert.report, divert.batches and
divert.screen_synthetic run as written (from the repository's root, on the bundled NYPD month)."""

from __future__ import annotations

import doctest
from pathlib import Path
from types import ModuleType

import pytest

import divert
import divert.batches
import divert.report
import divert.screen
import divert.screen_synthetic

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", [divert.screen, divert.report, divert.screen_synthetic, divert.batches], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    result = doctest.testmod(module, extraglobs={"divert": divert}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
