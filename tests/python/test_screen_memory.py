"""`divert screen` streams: its memory does not grow with the file.

The bundled NYPD month (examples/data/, NYC Open Data) repeated 2 and 32
times (6 MB and 100 MB) is screened by the command line with the planning
report, each in its own process; the maximum resident memory of the larger
run stays within a few MB of the smaller one's, and both under the 200 MB
that issue 7 allows a 10 GB file. benchmarks/screen_memory.py measures the
10 GB file itself.

The figure is the process's own high-water mark (VmHWM, read at its end):
ru_maxrss would also count the pages it shared with this large pytest
process between fork and exec.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE1 = REPO_ROOT / "examples" / "policies" / "example1_new_york.textproto"
NYPD_MAPPING = REPO_ROOT / "examples" / "mappings" / "nypd_arrests.textproto"
NYPD_DATA = REPO_ROOT / "examples" / "data" / "nypd_arrests_2017-12.csv"
MB = 1 << 20


def _repeated(path: Path, copies: int) -> Path:
    header, _, body = NYPD_DATA.read_bytes().partition(b"\n")
    path.write_bytes(header + b"\n" + body * copies)
    return path


# `divert screen ARGS`, then its high-water mark on stderr.
_MEASURED_CLI = """
import sys
from divert.cli import main
code = main(sys.argv[1:])
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")), file=sys.stderr)
sys.exit(code)
"""


def _screen_rss(data: Path, report: Path) -> int:
    """Runs `divert screen` on `data`; returns its maximum resident bytes."""
    command = [sys.executable, "-c", _MEASURED_CLI, "screen", "--policy", str(EXAMPLE1), "--mapping",
               str(NYPD_MAPPING), "--data", str(data), "--report", str(report), "--no-progress"]
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 0, result.stderr
    high_water = re.search(r"VmHWM:\s+(\d+) kB", result.stderr)
    assert high_water, result.stderr
    return int(high_water.group(1)) * 1024


def test_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    small = _screen_rss(_repeated(tmp_path / "small.csv", 2), tmp_path / "small.json")
    large_csv = _repeated(tmp_path / "large.csv", 32)
    assert large_csv.stat().st_size > 90 * MB
    large = _screen_rss(large_csv, tmp_path / "large.json")

    assert '"arrests": 622464' in (tmp_path / "large.json").read_text(encoding="utf-8")
    assert large - small < 16 * MB, f"{small / MB:.0f} MB for 6 MB of CSV, {large / MB:.0f} MB for 100 MB"
    assert large < 200 * MB
