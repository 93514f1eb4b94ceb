#!/usr/bin/env bash
# Install what building and testing divert needs on Debian 12 (bookworm).
#
# Idempotent and quick when nothing is missing: Debian packages are checked
# with dpkg first (apt-get runs, with one `apt-get update`, only when something
# must be installed); Python packages come from pyproject.toml and
# requirements-dev.txt, and pip is only asked when one of them is missing.
#
# Works as root or, through sudo, as a user. Environment:
#   PYTHON            the interpreter to install into (default: python3)
#   DIVERT_NO_APT=1   skip the Debian packages (e.g. on a machine you manage)
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
cd "$(dirname "$SELF")/.."
PYTHON="${PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive

log() { printf 'bootstrap: %s\n' "$*"; }

# --- Debian packages ---------------------------------------------------------
APT_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # the library's dependencies
  libabsl-dev libprotobuf-dev protobuf-compiler libre2-dev
  # the embedded event store (src/store/)
  libsqlite3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # fuzzing (libFuzzer, sanitizers) and ABI checks
  clang-14 libclang-rt-14-dev llvm-14 abigail-tools
  # time zone data for absl::time
  tzdata
  # the C ABI's consumers in other languages (tests/consumers/): Java with
  # JNA, Go with cgo
  default-jdk-headless libjna-java golang-go
)

# The C++ extension needs Python.h. A pyenv/venv interpreter has its own; the
# system interpreter needs python3-dev.
if ! "$PYTHON" - <<'EOF' 2>/dev/null
import os, sysconfig, sys
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
EOF
then
  APT_PACKAGES+=(python3-dev python3-venv python3-pip)
fi

missing_apt_packages() {
  local pkg status
  for pkg in "${APT_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "installed" ]] || printf '%s\n' "$pkg"
  done
}

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else
    echo "bootstrap: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

if [[ "${DIVERT_NO_APT:-0}" != 1 ]]; then
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "bootstrap: this script installs Debian packages; dpkg-query not found" >&2
    exit 1
  fi
  mapfile -t MISSING < <(missing_apt_packages)
  if [[ ${#MISSING[@]} -gt 0 ]]; then
    log "installing Debian packages: ${MISSING[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${MISSING[@]}"
  else
    log "Debian packages: all ${#APT_PACKAGES[@]} present"
  fi
fi

# --- Python packages ---------------------------------------------------------
# Requirements: pyproject.toml's [build-system] requires and
# [project] dependencies + the `test` extra, then requirements-dev.txt.
# Print the ones not satisfied in this interpreter, one a line.
py_missing="$("$PYTHON" - <<'EOF'
import sys
try:
    import tomllib
except ImportError:  # Python 3.10
    try:
        import tomli as tomllib
    except ImportError:
        tomllib = None
from importlib import metadata

reqs = []
if tomllib is None:
    reqs.append("tomli")
else:
    with open("pyproject.toml", "rb") as f:
        data = tomllib.load(f)
    reqs += data["build-system"]["requires"]
    reqs += data["project"].get("dependencies", [])
    reqs += data["project"].get("optional-dependencies", {}).get("test", [])
with open("requirements-dev.txt") as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if line:
            reqs.append(line)

try:
    from packaging.requirements import Requirement
except ImportError:
    try:
        from pip._vendor.packaging.requirements import Requirement
    except ImportError:
        Requirement = None

for req in dict.fromkeys(reqs):
    if Requirement is None:
        print(req)
        continue
    r = Requirement(req)
    if r.marker is not None and not r.marker.evaluate():
        continue
    try:
        version = metadata.version(r.name)
    except metadata.PackageNotFoundError:
        print(req)
        continue
    if r.specifier and not r.specifier.contains(version, prereleases=True):
        print(req)
EOF
)"
PY_MISSING=()
[[ -n "$py_missing" ]] && mapfile -t PY_MISSING <<<"$py_missing"

if [[ ${#PY_MISSING[@]} -gt 0 ]]; then
  if "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix else 1)'; then
    echo "bootstrap: $PYTHON is managed by Debian (PEP 668); make a virtual environment and use it:" >&2
    echo "  python3 -m venv .venv && PYTHON=\$PWD/.venv/bin/python bash scripts/bootstrap.sh" >&2
    exit 1
  fi
  log "installing Python packages: ${PY_MISSING[*]}"
  "$PYTHON" -m pip install --disable-pip-version-check --root-user-action=ignore -q "${PY_MISSING[@]}"
  if [[ " ${PY_MISSING[*]} " == *" tomli "* ]]; then
    exec bash "$SELF"  # now pyproject.toml can be read
  fi
else
  log "Python packages: all present"
fi
