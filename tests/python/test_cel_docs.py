"""The examples in the docstrings of divert.cel and divert.errors run as written."""

import doctest
from types import ModuleType

import pytest

import divert
import divert.cel
import divert.errors


@pytest.mark.parametrize("module", [divert, divert.cel, divert.errors], ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    globs = {"divert": divert, "cel": divert.cel, "CelIssue": divert.CelIssue}
    result = doctest.testmod(module, extraglobs=globs, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
