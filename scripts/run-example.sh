#!/usr/bin/env bash
# The README's main job: install divert, then decide the bundled example
# encounters under the toolkit's Example 1 policy (New York City, two
# versions), printing each decision's outcome and summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
python3 -m pip install --quiet .
root=$(pwd)
cd /tmp  # run the installed package, not the source tree
divert evaluate "$root/examples/policies/example1_new_york.textproto" "$root"/examples/encounters/*.json
