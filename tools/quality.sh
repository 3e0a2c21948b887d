#!/usr/bin/env bash
# Detection-quality benchmark (issue 11): generates a tenant with every planted
# attack and the same tenant without them (tern-gen --benign-only), runs tern on
# both with the GeoIP test databases, and prints the per-rule table and the
# targets (tools/quality_table.py). Figures go to docs/DETECTION_QUALITY.md.
#
#   tools/quality.sh [--users N] [--days D] [--seed S] [--build DIR] [--work DIR]
#                    [--tern PATH]
#
# Defaults: 300 users, 30 days, seed 1, build/, work dir /tmp/tern-quality.
# Exit status: 0 when every target is met, 1 when one is not, 2 on usage or
# tool errors.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS=300
DAYS=30
SEED=1
BUILD="$ROOT/build"
WORK="${TMPDIR:-/tmp}/tern-quality"
TERN=""

while (($#)); do
  case "$1" in
    --users) USERS="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --tern) TERN="$2"; shift 2 ;;  # another tern binary, e.g. an older build
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "quality.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

[[ -n "$TERN" ]] || TERN="$BUILD/tools/tern"
GEN="$BUILD/tools/tern-gen"
[[ -x "$TERN" ]] || TERN="$(find "$BUILD" -maxdepth 3 -type f -name tern -perm -u+x | head -1)"
[[ -x "$GEN" ]] || GEN="$(find "$BUILD" -maxdepth 4 -type f -name tern-gen -perm -u+x | head -1)"
if [[ ! -x "$TERN" || ! -x "$GEN" ]]; then
  echo "quality.sh: build tern and tern-gen first (ninja -C $BUILD tern tern-gen)" >&2
  exit 2
fi
GEO=(--geoip-city "$ROOT/fixtures/geoip/GeoLite2-City-Test.mmdb"
     --geoip-asn "$ROOT/fixtures/geoip/GeoLite2-ASN-Test.mmdb")

rm -rf "$WORK"
mkdir -p "$WORK"
common=(--users "$USERS" --days "$DAYS" --seed "$SEED" --plant all --formats jsonl --quiet)
"$GEN" --out "$WORK/planted" "${common[@]}" >/dev/null
"$GEN" --out "$WORK/benign" "${common[@]}" --benign-only >/dev/null
for tenant in planted benign; do
  set +e
  "$TERN" run --case "$WORK/case-$tenant" --quiet "${GEO[@]}" "$WORK/$tenant/evidence"
  code=$?
  set -e
  if ((code > 1)); then
    echo "quality.sh: tern run on the $tenant tenant failed (exit $code)" >&2
    exit 2
  fi
done
echo "command: tools/quality.sh --users $USERS --days $DAYS --seed $SEED" \
  "(commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown))"
python3 "$ROOT/tools/quality_table.py" "$WORK/planted/truth.json" \
  "$WORK/case-planted/findings.json" "$WORK/benign/truth.json" "$WORK/case-benign/findings.json"
