#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds the `tern` binary
# only (the tests are tools/test.sh's), and runs the main job on the bundled
# demo evidence (fixtures/demo/) into ./demo-case.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/tools/setup.sh" "$ROOT/build" tern

CASE_DIR="${TERN_DEMO_CASE:-$ROOT/demo-case}"
rm -rf "$CASE_DIR"
set +e
"$ROOT/build/tools/tern" run --case "$CASE_DIR" --case-id DEMO-001 --examiner "tern demo" \
  --geoip-city "$ROOT/fixtures/geoip/GeoLite2-City-Test.mmdb" \
  --geoip-asn "$ROOT/fixtures/geoip/GeoLite2-ASN-Test.mmdb" \
  "$ROOT/fixtures/demo"
code=$?
set -e
if [ $code -gt 1 ]; then exit $code; fi
echo
echo "Open the report:   $CASE_DIR/report.html"
echo "Findings (JSON):   $CASE_DIR/findings.json"
echo "Chain of custody:  $CASE_DIR/custody.json"
