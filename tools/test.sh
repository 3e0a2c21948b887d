#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds tern with its tests,
# and runs the whole test suite (unit + end-to-end) with CTest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${TERN_TEST_BUILD:-$ROOT/build}"
bash "$ROOT/tools/setup.sh" "$BUILD_DIR"

# The browser test of report.html (tests/report_browser_test.cc) loads it in
# Debian's headless chromium; it fails under CI=true when chromium is missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "tern test: installing chromium (headless browser test of report.html)" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 600
