#!/usr/bin/env bash
# The installed package, used by a separate project as a vendor would:
#
#   run.sh <divert build dir> <repository root> <scratch dir>
#
# installs the build into a prefix, moves the prefix (the package must be
# relocatable), then builds and runs
#   - this directory's CMake project (find_package(divert): C and C++), and
#   - decide.c alone with `cc $(pkg-config --cflags --libs divert)`,
# and checks that each decides the same encounter the same way.
set -euo pipefail

build="$1"
root="$2"
work="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/staging" >"$work/install.log"
mv "$work/staging" "$work/prefix"
prefix="$work/prefix"

policy="$root/examples/policies/example1_new_york.textproto"
# A violent offense: excluded under Example 1 (tests/eligibility/scenarios.json
# has it with every rule's result).
encounter='{"occurredAt": "2017-12-14T15:20:00Z", "pathway": "ARREST_DIVERSION",
  "person": {"needs": {"drugs": true}}, "charges": [{"statuteCode": "PL 120.00"}],
  "circumstances": {"ableToConsent": true}}'
expected="EXCLUDED"

status=0
expect() {  # expect <what> <command...>
  local what="$1" got
  shift
  if ! got="$("$@")"; then
    echo "FAIL: $what: exit code $?" >&2
    status=1
  elif [[ "$got" != "$expected" ]]; then
    echo "FAIL: $what decided '$got', expected '$expected'" >&2
    status=1
  else
    echo "ok: $what: $got"
  fi
}

# find_package(divert)
cmake -S "$here" -B "$work/app" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >"$work/app-configure.log"
cmake --build "$work/app" >"$work/app-build.log"
expect "find_package(divert), C (divert::divert)" "$work/app/decide_c" "$policy" "$encounter"
expect "find_package(divert), C++ (divert::divert_static)" "$work/app/decide_cxx" "$policy" "$encounter"

# pkg-config
pcdir="$(dirname "$(find "$prefix" -name divert.pc -print -quit)")"
export PKG_CONFIG_PATH="$pcdir"
libdir="$(pkg-config --variable=libdir divert)"
# shellcheck disable=SC2046  # word splitting is what pkg-config output needs
cc -std=c99 -Wall -Wextra -pedantic -o "$work/decide_pc" "$here/decide.c" \
  $(pkg-config --cflags --libs divert) -Wl,-rpath,"$libdir"
expect "pkg-config divert, C" "$work/decide_pc" "$policy" "$encounter"

# Each program loaded the installed library, not the build tree's.
libraries="$(ldd "$work/decide_pc")"
if ! grep -q "libdivert.so.* => $prefix" <<<"$libraries"; then
  echo "FAIL: decide_pc did not load libdivert.so from $prefix" >&2
  echo "$libraries" >&2
  status=1
fi
exit "$status"
