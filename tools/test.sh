#!/usr/bin/env bash
# Quick start, command 2 (and CI): installs what is missing, builds tern with
# its tests and runs the whole suite (unit + end-to-end + the hostile-evidence
# battery) with CTest. Then, unless TERN_TEST_SANITIZE=0, the same suite again
# in a clang build with AddressSanitizer + UndefinedBehaviorSanitizer, and a
# short run of every libFuzzer target (TERN_FUZZ_SECONDS each, default 10).
# docs/hardening.md has what each stage costs and how to run them alone.
#
# Environment: TERN_TEST_BUILD (default build), TERN_TEST_ASAN_BUILD (default
# build-asan), TERN_TEST_SANITIZE (default 1), TERN_FUZZ_SECONDS (default 10;
# 0 skips fuzzing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${TERN_TEST_BUILD:-$ROOT/build}"
ASAN_DIR="${TERN_TEST_ASAN_BUILD:-$ROOT/build-asan}"
JOBS="$(nproc)"
SUMMARY=()

stage_start() { STAGE_T0=$(date +%s); echo "== tern test: $1" >&2; }
stage_end() { SUMMARY+=("$(printf '%-28s %4ds  %s' "$1" $(($(date +%s) - STAGE_T0)) "${2:-}")"); }

# Runs CTest in $1 and keeps its "N% tests passed ..." line for the summary.
run_ctest() {
  local dir="$1" name="$2" log status=0
  log="$(mktemp)"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS" --timeout 900) 2>&1 | tee "$log" || status=$?
  stage_end "$name" "$(grep -E 'tests passed' "$log" | tail -1)"
  rm -f "$log"
  return "$status"
}

print_summary() {
  echo
  echo "== tern test summary"
  for line in "${SUMMARY[@]}"; do echo "$line"; done
}
trap print_summary EXIT

stage_start "build"
# The browser test of report.html (tests/report_browser_test.cc) loads it in
# Debian's headless chromium; under CI=true it fails when chromium is missing.
bash "$ROOT/tools/apt_install.sh" chromium
# tests/export_clickhouse_e2e_test.cc starts a private Debian clickhouse-server
# (18.16) on a loopback port; under CI=true it fails when the server is missing.
bash "$ROOT/tools/apt_install.sh" clickhouse-server
bash "$ROOT/tools/setup.sh" "$BUILD_DIR"
stage_end "build (gcc, RelWithDebInfo)"

stage_start "test"
run_ctest "$BUILD_DIR" "ctest"

if [ "${TERN_TEST_SANITIZE:-1}" = 0 ]; then exit 0; fi

stage_start "sanitizer build"
bash "$ROOT/tools/apt_install.sh" clang libclang-rt-14-dev
# One clang build serves both the sanitized test suite and the fuzz targets.
# -O1 and line tables only: sanitized code compiles and links much faster,
# and stack traces still name file and line.
cmake -S "$ROOT" -B "$ASAN_DIR" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DTERN_SANITIZE=ON -DTERN_FUZZ=ON >/dev/null
cmake --build "$ASAN_DIR" -j "$JOBS"
stage_end "build (clang, ASan+UBSan)"

# Any report ends the process with SIGABRT, which no test mistakes for one of
# tern's own exit codes (ASan's default exit code 1 means "warnings" to tern).
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
stage_start "sanitizer test"
run_ctest "$ASAN_DIR" "ctest (ASan+UBSan)"

FUZZ_SECONDS="${TERN_FUZZ_SECONDS:-10}"
if [ "$FUZZ_SECONDS" != 0 ]; then
  stage_start "fuzz"
  fuzz_status=0
  TERN_FUZZ_NO_BUILD=1 TERN_FUZZ_BUILD="$ASAN_DIR" bash "$ROOT/tools/fuzz.sh" "$FUZZ_SECONDS" ||
    fuzz_status=$?
  stage_end "fuzz (${FUZZ_SECONDS}s per target)" \
    "$([ "$fuzz_status" = 0 ] && echo "no findings" || echo "FINDINGS: see above")"
  exit "$fuzz_status"
fi
