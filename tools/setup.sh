#!/usr/bin/env bash
# Installs tern's build dependencies (Debian 12 packages only) and builds it.
# Usage: bash tools/setup.sh [BUILD_DIR [TARGET...]]   (default BUILD_DIR: build)
#   With TARGETs only those are built (tools/demo.sh builds just `tern`);
#   without, everything: the binaries and every test (tools/test.sh, CI).
# Environment: TERN_BUILD_TYPE (default RelWithDebInfo), TERN_CMAKE_ARGS (extra).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"
TARGETS=("${@:2}")

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libabsl-dev librocksdb-dev libarchive-dev libssl-dev libboost-program-options-dev
  libsimdjson-dev libmaxminddb-dev libgtest-dev libgmock-dev libbenchmark-dev libmimalloc-dev
  libcurl4-openssl-dev
  libyaml-cpp-dev tzdata libre2-dev
)

bash "$ROOT/tools/apt_install.sh" "${PACKAGES[@]}"

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE="${TERN_BUILD_TYPE:-RelWithDebInfo}" ${TERN_CMAKE_ARGS:-} >/dev/null
if [ ${#TARGETS[@]} -gt 0 ]; then
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${TARGETS[@]}"
else
  cmake --build "$BUILD_DIR" -j "$(nproc)"
fi
