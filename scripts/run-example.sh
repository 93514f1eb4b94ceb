#!/usr/bin/env bash
# The README's main job: install divert, then evaluate the bundled example
# conditions (the toolkit's Example 1 criteria and exclusions, as CEL) over
# the bundled example encounters, printing each condition's result.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
python3 -m pip install --quiet .
root=$(pwd)
cd /tmp  # run the installed package, not the source tree
divert conditions "$root/examples/conditions/example1.json" "$root"/examples/encounters/*.json
