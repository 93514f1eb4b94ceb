#!/usr/bin/env bash
# The README's main job: install divert, then screen the real NYPD arrests of
# December 2017 (examples/data/, from NYC Open Data: "NYPD Arrests Data
# (Historic)", dataset 8h9b-rp9u) against the LEAD toolkit's Example 1 with
# the New York offense catalog, print the planning summary, and write the
# planning report to build/planning-report.html.
#
# PYTHON (default python3) is the interpreter to install into; when it is
# Debian's own (PEP 668), a virtual environment build/venv is made and used.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PYTHON="${PYTHON:-python3}"
mkdir -p "$root/build"

if "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix else 1)'; then
  "$PYTHON" -m venv "$root/build/venv" 2>/dev/null || { bash scripts/bootstrap.sh || true; "$PYTHON" -m venv "$root/build/venv"; }
  PYTHON="$root/build/venv/bin/python"
fi
PYTHON="$PYTHON" bash scripts/bootstrap.sh
"$PYTHON" -m pip install --quiet ".[screen]"
bin="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
cd /tmp  # run the installed package, not the source tree
"$bin/divert" screen \
  --policy "$root/examples/policies/example1_new_york.textproto" \
  --data "$root/examples/data/nypd_arrests_2017-12.csv" \
  --mapping "$root/examples/mappings/nypd_arrests.textproto" \
  --report "$root/build/planning-report.html"
