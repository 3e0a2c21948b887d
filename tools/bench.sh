#!/usr/bin/env bash
# tern's end-to-end benchmark (README "Benchmarks", docs/BENCHMARKS.md).
#
# Generates a synthetic tenant once (tern-gen, cached and reused), then in one
# run measures the floor (`openssl dgst -sha256` over the same files, page
# cache warm) and `tern run` with default options: wall time, MB/s,
# records/s, peak RSS, and the ratio run/floor. Checks the result against
# the generator's truth.json (unique events, every planted scenario found)
# and that findings.json is byte-identical with --threads 1.
#
# usage: tools/bench.sh [--build DIR] [--cache DIR] [--records N] [--seed N]
#                       [--runs N] [--flat] [--no-threads-check] [--keep-case]
#   --build DIR         build directory holding tern and tern-gen (default: build;
#                       built with tools/setup.sh when missing)
#   --cache DIR         where generated evidence and cases live (default: /tmp/tern-bench)
#   --records N         records to generate (default: 500000, ~1 GB)
#   --runs N            timed `tern run` repetitions; the fastest counts (default: 1)
#   --flat              also run on 4x the records and check peak RSS grows <= 25%
#   --no-threads-check  skip the --threads 1 run that findings.json is compared with
#   --keep-case         leave the case directories in the cache
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build"
CACHE="${TERN_BENCH_CACHE:-/tmp/tern-bench}"
RECORDS=500000
SEED=1
RUNS=1
FLAT=0
THREADS_CHECK=1
KEEP_CASE=0
DAYS=30

while (($#)); do
  case "$1" in
    --build) BUILD="$(cd "$2" && pwd)"; shift 2 ;;
    --cache) CACHE="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --flat) FLAT=1; shift ;;
    --no-threads-check) THREADS_CHECK=0; shift ;;
    --keep-case) KEEP_CASE=1; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 2 ;;
  esac
done

TERN="$BUILD/tools/tern"
GEN="$BUILD/tools/tern-gen"
if [[ ! -x "$TERN" || ! -x "$GEN" ]]; then
  bash "$ROOT/tools/setup.sh" "$BUILD"
fi
bash "$ROOT/tools/apt_install.sh" time  # GNU time, for peak RSS
GEOIP_DIR="$ROOT/fixtures/geoip"
[[ -f "$GEOIP_DIR/GeoLite2-City-Test.mmdb" ]] || GEOIP_DIR="$ROOT/../shared/geoip"
GEO_ARGS=()
if [[ -f "$GEOIP_DIR/GeoLite2-City-Test.mmdb" ]]; then
  GEO_ARGS=(--geoip-city "$GEOIP_DIR/GeoLite2-City-Test.mmdb"
            --geoip-asn "$GEOIP_DIR/GeoLite2-ASN-Test.mmdb")
fi
mkdir -p "$CACHE"

# What this tern-gen writes, as a short hash of a small sample: cached data
# is regenerated when the generator's output changes, not on every rebuild.
gen_fingerprint() {
  local tmp
  tmp="$(mktemp -d)"
  "$GEN" --out "$tmp" --users 30 --days 10 --plant all --quiet >/dev/null
  (cd "$tmp" && find . -type f | sort | xargs sha256sum) | sha256sum | cut -c1-16
  rm -rf "$tmp"
}

# Generates (once) the evidence for N records; prints its directory.
dataset() {
  local n="$1"
  local dir="$CACHE/data-r$n-s$SEED"
  local args="--records $n --days $DAYS --seed $SEED --plant all --quiet"
  local stamp="$args $(gen_fingerprint)"
  if [[ ! -f "$dir/truth.json" || "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$dir"
    echo "bench: generating $n records into $dir" >&2
    # shellcheck disable=SC2086
    "$GEN" --out "$dir" $args >&2
    echo "$stamp" > "$dir/.stamp"
  fi
  echo "$dir"
}

# Runs a command under GNU time; sets WALL (s) and RSS (KiB).
timed() {
  local log rc=0
  log="$(mktemp)"
  /usr/bin/time -v -o "$log" "$@" >/dev/null || rc=$?
  WALL="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$log")"
  RSS="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
  rm -f "$log"
  return "$rc"
}

evidence_files() { find "$1" -type f \( -name '*.csv' -o -name '*.json' -o -name '*.jsonl' \) | sort; }

# Floor + tern run + checks for one dataset; sets RUN_RSS.
bench_one() {
  local data="$1" label="$2"
  local bytes rows files
  mapfile -t files < <(evidence_files "$data/evidence")
  bytes="$(cat "${files[@]}" | wc -c)"
  rows="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows_written"])' "$data/truth.json")"
  cat "${files[@]}" > /dev/null  # page cache warm for both measurements

  timed openssl dgst -sha256 "${files[@]}"
  local floor="$WALL"
  timed openssl dgst -sha256 "${files[@]}"
  if awk "BEGIN {exit !($WALL < $floor)}"; then floor="$WALL"; fi

  local case_dir="$CACHE/case-$label" best="" best_rss="" code=0
  for ((i = 0; i < RUNS; ++i)); do
    rm -rf "$case_dir"
    code=0
    timed "$TERN" run --case "$case_dir" --quiet "${GEO_ARGS[@]}" "$data/evidence" || code=$?
    if ((code > 1)); then echo "bench: tern run failed with exit code $code" >&2; exit 1; fi
    if [[ -z "$best" ]] || awk "BEGIN {exit !($WALL < $best)}"; then best="$WALL"; best_rss="$RSS"; fi
  done
  RUN_RSS="$best_rss"

  echo "== $label: $(basename "$data"): ${#files[@]} files, $bytes bytes, $rows rows"
  awk -v b="$bytes" -v f="$floor" -v r="$best" -v n="$rows" -v rss="$best_rss" -v c="$code" 'BEGIN {
    printf "floor     openssl dgst -sha256  %8.2f s  %7.1f MB/s\n", f, b / f / 1e6
    printf "tern run  (exit %d)             %8.2f s  %7.1f MB/s  %9.0f records/s  peak RSS %.0f MiB\n", c, r, b / r / 1e6, n / r, rss / 1024
    printf "ratio     run / floor           %8.2f x   (target <= 4)\n", r / f
  }'

  python3 - "$data/truth.json" "$case_dir/findings.json" "${#GEO_ARGS[@]}" <<'EOF'
import json, sys
truth = json.load(open(sys.argv[1]))
findings = json.load(open(sys.argv[2]))  # sessions are in sessions.jsonl
geo = int(sys.argv[3]) > 0
ok = True
events = findings["summary"]["events"]
if events != truth["unique_records"]:
    print(f"CHECK FAIL events {events} != unique records {truth['unique_records']}")
    ok = False
else:
    print(f"check     events {events} == truth unique records")
found = 0
for p in truth["planted"]:
    if p["needs_geoip"] and not geo:
        continue
    hit = any(f["rule"] == p["rule"] and
              (not p["mailbox"] or f.get("mailbox", {}).get("upn", "").lower() == p["mailbox"].lower())
              for f in findings["findings"])
    if hit:
        found += 1
    else:
        print(f"CHECK FAIL planted {p['rule']} on {p['mailbox'] or '(any mailbox)'} not found")
        ok = False
print(f"check     planted scenarios found: {found}/{len(truth['planted'])}")
sys.exit(0 if ok else 1)
EOF

  if ((THREADS_CHECK)); then
    local single="$CACHE/case-$label-t1"
    rm -rf "$single"
    timed "$TERN" run --case "$single" --quiet --threads 1 "${GEO_ARGS[@]}" "$data/evidence" || true
    if cmp -s "$case_dir/findings.json" "$single/findings.json"; then
      printf 'check     findings.json identical with --threads 1 (%.2f s single-threaded)\n' "$WALL"
    else
      echo "CHECK FAIL findings.json differs between default threads and --threads 1"
      exit 1
    fi
    ((KEEP_CASE)) || rm -rf "$single"
  fi
  ((KEEP_CASE)) || rm -rf "$case_dir"
}

echo "machine   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit    $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes')"
echo "tern      $TERN"

DATA="$(dataset "$RECORDS")"
bench_one "$DATA" "r$RECORDS"
BASE_RSS="$RUN_RSS"

if ((FLAT)); then
  BIG="$(dataset $((RECORDS * 4)))"
  THREADS_CHECK=0
  bench_one "$BIG" "r$((RECORDS * 4))"
  awk -v a="$BASE_RSS" -v b="$RUN_RSS" 'BEGIN {
    g = (b / a - 1) * 100
    printf "flat      peak RSS %.0f -> %.0f MiB for 4x the input: %+.1f%% (limit +25%%)\n", a / 1024, b / 1024, g
    exit !(g <= 25)
  }' || { echo "CHECK FAIL peak RSS is not flat"; exit 1; }
fi
