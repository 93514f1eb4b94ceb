#!/usr/bin/env bash
# abi/check.sh itself: it passes the library against its own ABI, and fails
# when the baseline records a function the library no longer has, or one
# whose return type was different. The altered baselines are made from the
# library's own ABI, so the test does not depend on abi/libdivert.abi.
#
#   abi/check_test.sh <libdivert.so>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
lib="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bash "$here/abidw.sh" "$lib" "$work/same.abi"
status=0

if ! bash "$here/check.sh" "$lib" "$work/same.abi" >"$work/log" 2>&1; then
  cat "$work/log" >&2
  echo "FAIL: the library is not compatible with its own ABI" >&2
  status=1
fi

# A baseline with one more function (divert_version_number, renamed): the
# library "removed" it.
sed "s/divert_version_number/divert_version_number_gone/g" "$work/same.abi" >"$work/removed.abi"
if bash "$here/check.sh" "$lib" "$work/removed.abi" >"$work/log" 2>&1 ||
   ! grep -q 'divert_version_number_gone' "$work/log"; then
  cat "$work/log" >&2
  echo "FAIL: a removed function was not reported as incompatible" >&2
  status=1
fi

# A baseline where divert_version_number returned what
# divert_version_string returns: its return type "changed".
string_type="$(grep -A1 "<function-decl name='divert_version_string'" "$work/same.abi" |
  grep -oE "<return type-id='[^']+'/>")"
awk -v replacement="$string_type" '
  /<function-decl name=.divert_version_number./ { in_decl = 1 }
  in_decl && /<return type-id=/ { sub(/<return type-id=.[^ ]+.\/>/, replacement); in_decl = 0 }
  { print }' "$work/same.abi" >"$work/changed.abi"
if cmp -s "$work/same.abi" "$work/changed.abi"; then
  echo "FAIL: could not make the changed baseline" >&2
  status=1
elif bash "$here/check.sh" "$lib" "$work/changed.abi" >"$work/log" 2>&1; then
  cat "$work/log" >&2
  echo "FAIL: a changed return type was not reported as incompatible" >&2
  status=1
fi

(( status == 0 )) && echo "abi/check.sh passes the same ABI, fails a removed and a changed function"
exit "$status"
