#!/usr/bin/env bash
# The C ABI of a libdivert.so as libabigail XML: the exported functions and
# the types they reach as declared in include/divert/, without source
# locations or build paths (so that the same ABI built anywhere gives the same
# file), with type ids that are hashes (so that adding a function adds lines
# to the baseline instead of renumbering it).
#
#   abi/abidw.sh <libdivert.so> <out.abi>
#
# The library must have debug information (RelWithDebInfo, the default).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
abidw --no-corpus-path --no-comp-dir-path --no-show-locs --no-elf-needed \
  --exported-interfaces-only --drop-private-types --type-id-style hash \
  --headers-dir "$here/../include/divert" --out-file "$2" "$1"
