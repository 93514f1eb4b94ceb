#!/usr/bin/env bash
# Records the C ABI of a built libdivert.so as the baseline abi/libdivert.abi
# that abi/check.sh compares every build with (see CONTRIBUTING.md):
#
#   abi/update-baseline.sh build/libdivert.so
#
# Build with debug information (the default RelWithDebInfo): abidw reads the
# types of the functions from it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/abidw.sh" "$1" "$here/libdivert.abi"
echo "abi/libdivert.abi: $(grep -c '<function-decl ' "$here/libdivert.abi") functions"
