#!/usr/bin/env bash
# The ABI check: the built libdivert.so against the committed baseline
# abi/libdivert.abi (libabigail's abidw/abidiff, Debian's abigail-tools).
#
#   abi/check.sh <libdivert.so> [baseline.abi]
#
# Within a major version the C ABI may only grow: functions added to divert.h
# are compatible and pass (the report lists them); a function removed, or
# changed in its parameters, return type or the types they reach, fails.
# CONTRIBUTING.md says how a deliberate addition updates the baseline.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$1"
baseline="${2:-$here/libdivert.abi}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$here/abidw.sh" "$lib" "$work/current.abi"
set +e
abidiff "$baseline" "$work/current.abi" >"$work/report" 2>&1
rc=$?
set -e
cat "$work/report"

# abidiff's exit code is a bit mask: 1 error, 2 usage error, 4 an ABI change
# (an added function is one), 8 an incompatible change (a removed function).
# A changed signature only sets 4, so the summaries decide:
#   Functions changes summary: 0 Removed, 1 Changed, 2 Added functions
if (( rc & 3 )); then
  echo "FAIL: abidiff could not compare $lib with $baseline (exit code $rc)" >&2
  exit 1
fi
if (( rc & 8 )) || grep -qE '[1-9][0-9]* (Removed|Changed)' "$work/report"; then
  echo "FAIL: $lib is not compatible with the baseline $baseline: see the removed or changed" \
       "functions above. Only a new major version may remove or change a function." >&2
  exit 1
fi
added="$(grep -oE '[0-9]+ Added function' "$work/report" | grep -oE '^[0-9]+' | head -n 1 || true)"
functions="$(grep -c '<function-decl ' "$work/current.abi" || true)"
echo "ABI check: $functions functions, compatible with the baseline" \
     "(${added:-0} added since it was recorded)"
