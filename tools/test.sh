#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds tern with its tests,
# and runs the whole test suite (unit + end-to-end) with CTest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${TERN_TEST_BUILD:-$ROOT/build}"
bash "$ROOT/tools/setup.sh" "$BUILD_DIR"

cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 600
