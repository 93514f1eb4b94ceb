"""The examples in the docstrings of divert.referral run as written."""

import doctest

import divert
import divert.referral


def test_docstring_examples() -> None:
    result = doctest.testmod(divert.referral, extraglobs={"divert": divert},
                             optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
