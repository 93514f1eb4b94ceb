#!/usr/bin/env bash
# The one test command: bootstrap, build, C++ and C tests (ctest), the Python
# package (pip install . + pytest), the tests again under sanitizers with
# their line coverage, and the fuzzers.
#
# Ends with one line `N passed, M failed` (ctest tests + pytest tests + fuzz
# targets; a stage that breaks, like the build, counts as one failure) and
# exits non-zero when anything failed.
#
# Environment:
#   PYTHON            interpreter to build and test with (default: python3)
#   JOBS              parallel build/test jobs (default: all cores)
#   FUZZ_SECONDS      how long each fuzz target runs (default: 60)
#   DIVERT_SKIP_FUZZ=1  skip the fuzz stage
#   DIVERT_SKIP_SANITIZERS=1  skip the test suite under ASan + UBSan, its
#                     coverage, and the concurrency tests under TSan
#   DIVERT_PIP_ISOLATION=1  build the wheel in pip's isolated build environment
#                     (slower: its pybind11 lives in a new temporary folder
#                     each time, so the module is recompiled every run)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
BUILD_DIR="$ROOT/build"
FUZZ_DIR="$ROOT/build-fuzz"
TSAN_DIR="$ROOT/build-tsan"
LOG_DIR="$BUILD_DIR/test-logs"

passed=0
failed=0
skipped=0
stage="start"
done_summary=0
start_time=$SECONDS

print_summary() {
  done_summary=1
  echo
  echo "test.sh: finished in $((SECONDS - start_time)) s"
  if (( skipped > 0 )); then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
}
on_exit() {
  local rc=$?
  if (( ! done_summary )); then
    echo "test.sh: stopped during '$stage' (exit code $rc)" >&2
    (( rc != 0 )) && failed=$((failed + 1))
    print_summary
  fi
}
trap on_exit EXIT

step() {
  stage="$*"
  printf '\n==> %s\n' "$*"
}

# --- bootstrap, configure, build ----------------------------------------------
step "bootstrap"
bash scripts/bootstrap.sh

step "configure ($BUILD_DIR)"
# A build dir made with another generator cannot be reused.
if [[ -f "$BUILD_DIR/CMakeCache.txt" ]] &&
   ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$BUILD_DIR/CMakeCache.txt"; then
  rm -rf "$BUILD_DIR/CMakeCache.txt" "$BUILD_DIR/CMakeFiles"
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
mkdir -p "$LOG_DIR"

step "build"
cmake --build "$BUILD_DIR" -j "$JOBS"

# --- ctest ----------------------------------------------------------------------
step "ctest"
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 -j "$JOBS" 2>&1 | tee "$LOG_DIR/ctest.log"
ctest_rc=${PIPESTATUS[0]}
set -e
# "100% tests passed, 0 tests failed out of 12"  /  "No tests were found!!!"
ctest_line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$LOG_DIR/ctest.log" | tail -n 1 || true)"
if [[ -n "$ctest_line" ]]; then
  ctest_failed="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$ctest_line")"
  ctest_total="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$ctest_line")"
  passed=$((passed + ctest_total - ctest_failed))
  failed=$((failed + ctest_failed))
  if (( ctest_rc != 0 && ctest_failed == 0 )); then
    failed=$((failed + 1))  # ctest failed for another reason
  fi
elif grep -q 'No tests were found' "$LOG_DIR/ctest.log" && (( ctest_rc == 0 )); then
  echo "ctest: no tests yet (0)"
else
  echo "ctest: failed without a summary (exit code $ctest_rc)" >&2
  failed=$((failed + 1))
fi
# The CEL specification's conformance vectors ran above as one test; show
# their own count ("conformance: N passed, M failed, K skipped").
"$BUILD_DIR/divert_tests" --gtest_filter='CelConformanceTest.*' 2>/dev/null |
  grep -E '^conformance: ' || true

# --- the Python package -----------------------------------------------------
# Adds the results in a pytest JUnit XML file to the counts; sets py_failed.
count_pytest_xml() {
  read -r py_passed py_failed py_skipped < <("$PYTHON" - "$1" <<'EOF'
import sys, os
import xml.etree.ElementTree as ET
path = sys.argv[1]
if not os.path.exists(path):
    print(0, 0, 0)
    sys.exit()
root = ET.parse(path).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failures = errors = skipped = 0
for s in suites:
    tests += int(s.get("tests", 0))
    failures += int(s.get("failures", 0))
    errors += int(s.get("errors", 0))
    skipped += int(s.get("skipped", 0))
print(tests - failures - errors - skipped, failures + errors, skipped)
EOF
  )
  passed=$((passed + py_passed))
  failed=$((failed + py_failed))
  skipped=$((skipped + py_skipped))
}

step "pip install ."
pip_log="$LOG_DIR/pip-install.log"
pip_ok=1
# bootstrap.sh installed pyproject.toml's build requirements into this
# interpreter, so by default build without isolation: the persistent build
# tree (build/wheel) then rebuilds only what changed.
pip_args=(--disable-pip-version-check --root-user-action=ignore)
[[ "${DIVERT_PIP_ISOLATION:-0}" == 1 ]] || pip_args+=(--no-build-isolation)
if ! "$PYTHON" -m pip install "${pip_args[@]}" . >"$pip_log" 2>&1; then
  pip_ok=0
  tail -n 150 "$pip_log" >&2
  echo "pip install . failed (full log: $pip_log)" >&2
  failed=$((failed + 1))
else
  grep -E '^Successfully installed' "$pip_log" || true
fi

if (( pip_ok )); then
  step "pytest tests/python"
  junit="$LOG_DIR/pytest.xml"
  rm -f "$junit"
  # Run from an empty directory so that `import divert` finds the installed
  # package, never the source tree.
  run_dir="$(mktemp -d)"
  # The C ABI tests through ctypes load the shared library built above.
  export DIVERT_LIBRARY="$BUILD_DIR/libdivert.so"
  set +e
  (cd "$run_dir" && "$PYTHON" -m pytest -q -p no:cacheprovider --rootdir="$ROOT" \
     --junitxml="$junit" "$ROOT/tests/python")
  pytest_rc=$?
  set -e
  rm -rf "$run_dir"
  count_pytest_xml "$junit"
  case "$pytest_rc" in
    0) ;;
    5) echo "pytest: no tests collected (0)" ;;
    *) if (( py_failed == 0 )); then
         echo "pytest failed with exit code $pytest_rc" >&2
         failed=$((failed + 1))
       fi ;;
  esac

  # The installed package (with its stubs and generated .pyi) and the tests,
  # type-checked from an empty directory: one test in the count.
  step "mypy --strict (divert, tests/python)"
  mypy_dir="$(mktemp -d)"
  mypy_args=(--config-file "$ROOT/pyproject.toml" --cache-dir "$BUILD_DIR/mypy-cache")
  if (cd "$mypy_dir" && "$PYTHON" -m mypy "${mypy_args[@]}" -p divert &&
      "$PYTHON" -m mypy "${mypy_args[@]}" "$ROOT/tests/python") >"$LOG_DIR/mypy.log" 2>&1; then
    tail -n 1 "$LOG_DIR/mypy.log"
    passed=$((passed + 1))
  else
    tail -n 60 "$LOG_DIR/mypy.log" >&2
    echo "mypy --strict failed (log: $LOG_DIR/mypy.log)" >&2
    failed=$((failed + 1))
  fi
  rm -rf "$mypy_dir"
fi

# --- sanitizers, coverage and fuzzers (clang-14) ---------------------------
# One tree, build-fuzz, instrumented for ASan + UBSan, libFuzzer and gcov:
# the C++ tests, the concurrency tests and the C ABI's C tests run there
# under the sanitizers (each counts as a test), then the C ABI's Python
# tests against its instrumented libdivert.so, their line coverage of src/
# is printed, then each fuzz target runs. A second tree, build-tsan, builds
# only the concurrency tests, under ThreadSanitizer.

# Adds the results in a gtest XML file to the counts.
count_gtest_xml() {
  local counts
  counts="$("$PYTHON" - "$1" <<'EOF'
import sys, os
import xml.etree.ElementTree as ET
path = sys.argv[1]
if not os.path.exists(path):
    print(0, 1)
    sys.exit()
root = ET.parse(path).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failures = 0
for s in suites:
    tests += int(s.get("tests", 0)) - int(s.get("disabled", 0)) - int(s.get("skipped", 0))
    failures += int(s.get("failures", 0)) + int(s.get("errors", 0))
print(tests - failures, failures)
EOF
  )"
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

# ctest in `dir`, counted like the first ctest stage.
run_ctest() {
  local dir="$1" log="$2"
  set +e
  ctest --test-dir "$dir" --output-on-failure --timeout 900 -j "$JOBS" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local line f t
  line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)"
  if [[ -z "$line" ]]; then
    echo "ctest ($dir): failed without a summary (exit code $rc)" >&2
    failed=$((failed + 1))
    return
  fi
  f="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
  t="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
  passed=$((passed + t - f))
  failed=$((failed + f))
  if (( rc != 0 && f == 0 )); then failed=$((failed + 1)); fi
}

fresh_generator() {  # a build dir made with another generator cannot be reused
  if [[ -f "$1/CMakeCache.txt" ]] &&
     ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$1/CMakeCache.txt"; then
    rm -rf "$1/CMakeCache.txt" "$1/CMakeFiles"
  fi
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
run_sanitizers=0
[[ "${DIVERT_SKIP_SANITIZERS:-0}" != 1 ]] && run_sanitizers=1
run_fuzz=0
[[ "${DIVERT_SKIP_FUZZ:-0}" != 1 && -d tests/fuzz ]] && run_fuzz=1

if (( run_sanitizers || run_fuzz )); then
  step "sanitizers: build ($FUZZ_DIR, clang-14, ASan + UBSan + libFuzzer + gcov)"
  stage_start=$SECONDS
  fresh_generator "$FUZZ_DIR"
  cmake -S . -B "$FUZZ_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DDIVERT_FUZZ=ON -DDIVERT_BUILD_TESTS=ON -DDIVERT_COVERAGE=ON \
    -DDIVERT_CONSUMER_TESTS=OFF -DDIVERT_BUILD_BENCHMARKS=OFF
  cmake --build "$FUZZ_DIR" -j "$JOBS"
  echo "sanitizers: built in $((SECONDS - stage_start)) s"
fi

if (( run_sanitizers )); then
  step "sanitizers: ctest under ASan + UBSan ($FUZZ_DIR)"
  stage_start=$SECONDS
  find "$FUZZ_DIR" -name '*.gcda' -delete
  run_ctest "$FUZZ_DIR" "$LOG_DIR/ctest-asan.log"
  echo "sanitizers: ran in $((SECONDS - stage_start)) s"

  # The C ABI's Python tests (ctypes) against the instrumented library: the
  # sanitizers' runtime is preloaded into the interpreter, which is not
  # instrumented itself (so no leak check: the interpreter keeps memory).
  if (( pip_ok )); then
    step "sanitizers: the C ABI from Python (ctypes) under ASan + UBSan"
    asan_runtime="$(clang-14 -print-file-name=libclang_rt.asan-x86_64.so)"
    junit="$LOG_DIR/pytest-asan.xml"
    rm -f "$junit"
    run_dir="$(mktemp -d)"
    set +e
    (cd "$run_dir" &&
     LD_PRELOAD="$asan_runtime" ASAN_OPTIONS=detect_leaks=0 \
     DIVERT_LIBRARY="$FUZZ_DIR/libdivert.so" \
     "$PYTHON" -m pytest -q -p no:cacheprovider --rootdir="$ROOT" --junitxml="$junit" \
       "$ROOT/tests/python/test_capi_ctypes.py" "$ROOT/tests/python/test_screen_capi.py" \
       "$ROOT/tests/python/test_metrics.py")
    asan_pytest_rc=$?
    set -e
    rm -rf "$run_dir"
    count_pytest_xml "$junit"
    if (( asan_pytest_rc != 0 && py_failed == 0 )); then
      echo "pytest under ASan + UBSan failed with exit code $asan_pytest_rc" >&2
      failed=$((failed + 1))
    fi
  fi

  step "coverage: lines of src/ (gcovr, the tests above)"
  if "$PYTHON" -m gcovr --root "$ROOT" --object-directory "$FUZZ_DIR" \
       --gcov-executable 'llvm-cov-14 gcov' --filter "$ROOT/src/" \
       --exclude '.*_test\.cc$' --exclude '.*/testing/.*' --exclude '.*/test_[a-z_]*\.h$' \
       --txt "$LOG_DIR/coverage.txt" --print-summary >"$LOG_DIR/gcovr.log" 2>&1; then
    grep -E '^(lines|functions|branches):' "$LOG_DIR/gcovr.log" || tail -n 5 "$LOG_DIR/gcovr.log"
    echo "coverage: per file in $LOG_DIR/coverage.txt"
  else
    tail -n 20 "$LOG_DIR/gcovr.log" >&2
    echo "coverage: gcovr failed (log: $LOG_DIR/gcovr.log)" >&2
    failed=$((failed + 1))
  fi
fi

if (( run_fuzz )); then
  mapfile -t fuzz_srcs < <(find src tests/fuzz -name '*_fuzzer.cc' -type f 2>/dev/null | sort)
  for src in "${fuzz_srcs[@]}"; do
    name="$(basename "$src" .cc)"
    step "fuzz: $name (${FUZZ_SECONDS} s)"
    corpus="$FUZZ_DIR/corpus/$name"
    mkdir -p "$corpus"
    args=(-max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix="$FUZZ_DIR/artifacts-$name-")
    # Next to foo_fuzzer.cc: a dictionary foo_fuzzer.dict or foo.dict, and
    # checked-in seeds in corpus/foo_fuzzer/ or corpus/foo/ (read only: new
    # inputs go to the build tree's corpus).
    dirs=("$corpus")
    for stem in "$name" "${name%_fuzzer}"; do
      dict="$(dirname "$src")/$stem.dict"
      seeds="$(dirname "$src")/corpus/$stem"
      [[ -f "$dict" ]] && args+=(-dict="$dict")
      [[ -d "$seeds" ]] && dirs+=("$seeds")
    done
    log="$LOG_DIR/fuzz-$name.log"
    if "$FUZZ_DIR/fuzz/$name" "${args[@]}" "${dirs[@]}" >"$log" 2>&1; then
      grep -E '^(Done|stat::number_of_executed_units)' "$log" || true
      passed=$((passed + 1))
    else
      tail -n 60 "$log" >&2
      echo "fuzz: $name crashed (log: $log; reproducer: $FUZZ_DIR/artifacts-$name-*)" >&2
      failed=$((failed + 1))
    fi
  done
fi

if (( run_sanitizers )); then
  step "tsan: build ($TSAN_DIR, clang-14, the concurrency tests only)"
  stage_start=$SECONDS
  fresh_generator "$TSAN_DIR"
  cmake -S . -B "$TSAN_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DDIVERT_SANITIZE=thread -DDIVERT_CONSUMER_TESTS=OFF -DDIVERT_BUILD_BENCHMARKS=OFF
  cmake --build "$TSAN_DIR" -j "$JOBS" --target divert_concurrency_tests

  step "tsan: the concurrency tests under ThreadSanitizer"
  rm -f "$LOG_DIR/tsan.xml"
  set +e
  TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}" \
    "$TSAN_DIR/divert_concurrency_tests" --gtest_output="xml:$LOG_DIR/tsan.xml" \
    >"$LOG_DIR/tsan.log" 2>&1
  tsan_rc=$?
  set -e
  tail -n 3 "$LOG_DIR/tsan.log"
  count_gtest_xml "$LOG_DIR/tsan.xml"
  if (( tsan_rc != 0 )); then
    grep -A 40 'WARNING: ThreadSanitizer' "$LOG_DIR/tsan.log" | head -n 80 >&2 || true
    echo "tsan: failed (exit code $tsan_rc; log: $LOG_DIR/tsan.log)" >&2
    # A race report ends the run before the XML counts a failure.
    if [[ -f "$LOG_DIR/tsan.xml" ]] && ! grep -q 'failures="[1-9]' "$LOG_DIR/tsan.xml"; then
      failed=$((failed + 1))
    fi
  fi
  echo "tsan: built and ran in $((SECONDS - stage_start)) s"
fi

stage="summary"
print_summary
(( failed == 0 ))
