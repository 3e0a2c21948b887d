#!/usr/bin/env bash
# Installs tern's build dependencies (Debian 12 packages only) and builds it.
# Usage: bash tools/setup.sh [BUILD_DIR]     (default BUILD_DIR: build)
# Environment: TERN_BUILD_TYPE (default RelWithDebInfo), TERN_CMAKE_ARGS (extra).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libabsl-dev librocksdb-dev libarchive-dev libssl-dev libboost-program-options-dev
  libsimdjson-dev libmaxminddb-dev libgtest-dev libgmock-dev libbenchmark-dev libmimalloc-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "tern setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE="${TERN_BUILD_TYPE:-RelWithDebInfo}" ${TERN_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
