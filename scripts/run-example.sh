#!/usr/bin/env bash
# The README's main job: install divert, then screen the real NYPD arrests of
# December 2017 (examples/data/, from NYC Open Data: "NYPD Arrests Data
# (Historic)", dataset 8h9b-rp9u) against the LEAD toolkit's Example 1 with
# the New York offense catalog, print the planning summary, and write the
# planning report to build/planning-report.html.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
python3 -m pip install --quiet ".[screen]"
root=$(pwd)
mkdir -p "$root/build"
cd /tmp  # run the installed package, not the source tree
divert screen \
  --policy "$root/examples/policies/example1_new_york.textproto" \
  --data "$root/examples/data/nypd_arrests_2017-12.csv" \
  --mapping "$root/examples/mappings/nypd_arrests.textproto" \
  --report "$root/build/planning-report.html"
