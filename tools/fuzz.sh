#!/usr/bin/env bash
# Builds tern's libFuzzer targets (clang, ASan + UBSan) and runs each for a
# bounded time over a seed corpus from fixtures/. See docs/hardening.md.
#
# Usage: bash tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default 60; CI passes less
#   TARGET              parsers ingest_text readers archive text_decoder
#                       normalizers codecs (default: all)
# Environment:
#   TERN_FUZZ_BUILD     build directory (default: build-fuzz)
#   TERN_FUZZ_PARALLEL  targets fuzzed at once (default: nproc)
#   TERN_FUZZ_NO_BUILD  1 = use the existing build (tools/test.sh shares its
#                       sanitizer build this way)
# tern's own dependencies come from tools/setup.sh (run it, or tools/test.sh,
# first); this script adds clang and libFuzzer.
# A crash or failed invariant leaves its input in BUILD/fuzz/artifacts/TARGET/
# and makes the script exit 1; copy the input to fixtures/fuzz/TARGET/ once
# fixed, so the fuzz_replay_TARGET unit test keeps it fixed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${TERN_FUZZ_BUILD:-$ROOT/build-fuzz}"
SECONDS_PER_TARGET="${1:-60}"
shift || true
PARALLEL="${TERN_FUZZ_PARALLEL:-$(nproc)}"

if [ "${TERN_FUZZ_NO_BUILD:-0}" != 1 ]; then
  bash "$ROOT/tools/apt_install.sh" clang libclang-rt-14-dev
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_FUZZ=ON -DTERN_SANITIZE=ON -DTERN_BUILD_TESTS=OFF \
    >/dev/null
  cmake --build "$BUILD" -j "$(nproc)"
fi

TARGETS_FILE="$BUILD/fuzz/targets.txt"
[ -f "$TARGETS_FILE" ] || { echo "tern fuzz: $TARGETS_FILE missing (configure with -DTERN_FUZZ=ON)" >&2; exit 2; }

# Fatal on the first report, with a usable stack; leaks count as findings.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"

run_target() {
  local name="$1" max_len="$2"
  shift 2
  local binary="$BUILD/fuzz/${name}_fuzzer"
  local corpus="$BUILD/fuzz/corpus/$name"
  local artifacts="$BUILD/fuzz/artifacts/$name/"
  local log="$BUILD/fuzz/logs/$name.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  local seeds=()
  for d in "$@"; do [ -d "$d" ] && seeds+=("$d"); done
  # New inputs go to the first folder (the build's corpus); fixtures are
  # read only. -timeout: one input taking 20 s is a hang finding.
  if "$binary" "$corpus" "${seeds[@]}" -max_total_time="$SECONDS_PER_TARGET" \
    -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -artifact_prefix="$artifacts" \
    -print_final_stats=1 >"$log" 2>&1; then
    local execs
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    echo "fuzz $name: OK, $execs inputs in ${SECONDS_PER_TARGET}s"
  else
    echo "fuzz $name: FINDING (log: $log, input in $artifacts)"
    grep -E 'ERROR|runtime error|invariant failed|SUMMARY|Test unit written' "$log" | head -5 || true
    return 1
  fi
}

wanted=" $* "
failed=0
running=0
while read -r name max_len dirs; do
  [ -z "$name" ] && continue
  if [ "$#" -gt 0 ] && [[ "$wanted" != *" $name "* ]]; then continue; fi
  # shellcheck disable=SC2086  # the seed folders are space-separated
  run_target "$name" "$max_len" $dirs &
  running=$((running + 1))
  if [ "$running" -ge "$PARALLEL" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done <"$TARGETS_FILE"
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
exit "$failed"
