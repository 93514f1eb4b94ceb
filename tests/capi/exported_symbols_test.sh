#!/usr/bin/env bash
# libdivert.so exports the C ABI and nothing else.
#
#   exported_symbols_test.sh <libdivert.so> <include/divert/divert.h>
#
# Reads the library's dynamic symbol table and fails on
#   - any defined symbol that is not divert_* (a leaked Abseil, protobuf,
#     RE2 or C++ standard library symbol: a vendor's process may load other
#     versions of those),
#   - any function declared DIVERT_EXPORT in divert.h that is not exported,
#   - any exported divert_* symbol that divert.h does not declare.
#
# libdivert.so does import Debian's shared libprotobuf, Abseil and RE2 (their
# static archives use local-exec TLS and cannot be linked into a shared
# library); docs/c-abi.md says what that means for a vendor's process.
set -euo pipefail

lib="$1"
header="$2"
status=0

# "0000000000012345 T divert_version_number@@DIVERT_0"; the version node
# itself ("0000000000000000 A DIVERT_0") is not a symbol anyone can bind to.
mapfile -t exported < <(nm -D --defined-only "$lib" |
  awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u)
mapfile -t declared < <(grep -oE 'DIVERT_EXPORT[^(]*[^A-Za-z0-9_]divert_[A-Za-z0-9_]+\(' "$header" |
  grep -oE 'divert_[A-Za-z0-9_]+' | sort -u)

if (( ${#exported[@]} == 0 )); then
  echo "FAIL: $lib exports nothing" >&2
  exit 1
fi

for symbol in "${exported[@]}"; do
  if [[ ! "$symbol" =~ ^divert_ ]]; then
    echo "FAIL: exported but not part of the C ABI: $symbol" >&2
    status=1
  fi
done

# Sets for lookups (a `printf | grep -q` pipeline would fail at random under
# pipefail: grep exits at the first match and printf gets SIGPIPE).
declare -A is_exported=() is_declared=()
for symbol in "${exported[@]}"; do is_exported["$symbol"]=1; done
for function in "${declared[@]}"; do is_declared["$function"]=1; done

for function in "${declared[@]}"; do
  if [[ -z "${is_exported[$function]:-}" ]]; then
    echo "FAIL: declared in divert.h but not exported: $function" >&2
    status=1
  fi
done

for symbol in "${exported[@]}"; do
  if [[ "$symbol" =~ ^divert_ && -z "${is_declared[$symbol]:-}" ]]; then
    echo "FAIL: exported but not declared DIVERT_EXPORT in divert.h: $symbol" >&2
    status=1
  fi
done

if (( status == 0 )); then
  echo "${#exported[@]} symbols exported, all divert_* and all declared in divert.h"
fi
exit "$status"
