"""The PCG's quarterly report from the LEAD catalog, over the SYNTHETIC site."""

from __future__ import annotations

import matplotlib
import pytest

import divert.metrics as dm
from divert.metrics_report import quarterly_report

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def report() -> object:
    return quarterly_report(dm.lead_catalog(), dm.synthetic_site(seed=1, referrals=4000), "2024Q1")


def test_markdown_names_the_quarter_says_synthetic_and_embeds_charts(report: object) -> None:
    text = report.markdown()  # type: ignore[attr-defined]
    assert text.startswith("# LEAD quarterly report: Lakeside County LEAD (SYNTHETIC), 2024 Q1\n")
    assert "SYNTHETIC DATA" in text
    assert "## Outputs: what the program delivers" in text
    assert "| Referrals made |" in text
    assert "## Race and ethnicity at every stage" in text
    assert text.count("](data:image/png;base64,") == 2


def test_html_is_a_standalone_page(report: object) -> None:
    page = report.html()  # type: ignore[attr-defined]
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    assert page.count('src="data:image/png;base64,') == 2
    assert "Participants per case manager" in page
    assert "<script" not in page


def test_history_has_the_four_quarters_up_to_the_report(report: object) -> None:
    history = report.history  # type: ignore[attr-defined]
    starts = sorted(set(history.period_start))
    assert [f"{d:%Y-%m}" for d in starts] == ["2023-04", "2023-07", "2023-10", "2024-01"]
