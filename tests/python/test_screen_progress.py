"""A progress bar (tqdm) while screening: Policy.screen, Screener.screen and
Screener.screen_stream count the rows they screen on stderr when asked, and
print nothing otherwise; `divert screen` (screen_file) shows how much of a
CSV file it has read."""

from __future__ import annotations

from pathlib import Path

import pyarrow
import pyarrow.csv
import pytest

import divert
from divert.screen_cli import screen_file

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"


@pytest.fixture(scope="module")
def screener() -> divert.Screener:
    return divert.Screener(divert.Policy.from_file(EXAMPLE1), NYPD_MAPPING)


def test_a_table_shows_its_rows_out_of_the_total(screener: divert.Screener, capsys: pytest.CaptureFixture[str]) -> None:
    arrests = pyarrow.csv.read_csv(NYPD_DATA)
    screened = screener.screen(arrests, progress=True)
    assert screened.num_rows == 19452
    bar = capsys.readouterr().err
    assert "screening" in bar and "100%" in bar and "19.5k/19.5k" in bar


def test_a_stream_shows_its_rows_and_its_label(screener: divert.Screener, capsys: pytest.CaptureFixture[str]) -> None:
    reader = pyarrow.csv.open_csv(NYPD_DATA, read_options=pyarrow.csv.ReadOptions(block_size=1 << 18))
    screened = screener.screen_stream(reader, progress="December 2017")
    assert capsys.readouterr().err == ""  # nothing is read before the batches are
    rows = sum(batch.num_rows for batch in screened)
    assert rows == 19452
    bar = capsys.readouterr().err
    assert "December 2017" in bar and "19.5k rows" in bar


def test_no_bar_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    policy = divert.Policy.from_file(EXAMPLE1)
    frame = pyarrow.csv.read_csv(NYPD_DATA).slice(0, 100).to_pandas()
    assert len(policy.screen(frame, NYPD_MAPPING)) == 100
    assert capsys.readouterr().err == ""
    assert len(policy.screen(frame, NYPD_MAPPING, progress=True)) == 100
    assert "100/100" in capsys.readouterr().err


def test_a_csv_file_shows_the_bytes_read_and_the_rows(
        screener: divert.Screener, capsys: pytest.CaptureFixture[str]) -> None:
    report = screen_file(screener, NYPD_DATA, progress=True)
    assert report.arrests == 19452
    bar = capsys.readouterr().err
    size = f"{NYPD_DATA.stat().st_size / 2**20:.2f}M"
    assert "screening nypd_arrests_2017-12.csv" in bar and "100%" in bar
    assert f"{size}/{size}" in bar and "19,452 rows" in bar
    screen_file(screener, NYPD_DATA)
    assert capsys.readouterr().err == ""
