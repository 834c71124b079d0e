#!/usr/bin/env bash
# HTTP benchmarks against a release build of the server (issues 5 and 6):
#  1. natural-language questions on the 1M-row sales data through
#     POST /queries/natural-language: result cache cold (fresh server), files warm;
#     prints each latency and the median (target: under 150 ms).
#  2. a warm repeated SQL query (cache hit) through POST /queries/execute under
#     load with wrk; prints requests/s and p99 (targets: 5,000/s, under 5 ms).
#   bench/http.sh [ROWS]     default 1000000; needs wrk (apt-get install wrk)
#   NO_BUILD=1 reuses the release binaries already built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/insightiq/target}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
# One build command for every release binary, so features resolve alike and nothing is built twice.
[ -n "${NO_BUILD:-}" ] || cargo build --release --workspace --bins --examples
BIN=$CARGO_TARGET_DIR/release/insightiq
GEN=$CARGO_TARGET_DIR/release/examples/engine_bench
mkdir -p bench/data
CSV=bench/data/sales_$ROWS.csv
[ -f "$CSV" ] || "$GEN" gen "$ROWS" "$CSV"

WORK=$(mktemp -d)
PORT=18123
URL=http://127.0.0.1:$PORT/api/v1
PID=
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
trap 'stop; rm -rf "$WORK"' EXIT
start() {
  INSIGHTIQ_LOG=warn "$BIN" serve --port $PORT --data-dir "$WORK" --disable-rate-limits \
    --max-upload-mb 4096 >"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -sf "$URL/health" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

start
TOKEN=$(curl -sf "$URL/auth/login" -H 'content-type: application/json' \
  -d '{"email":"demo@insightiq.local","password":"Demo-pass-2024!"}' | json "['access_token']")
AUTH="authorization: Bearer $TOKEN"
echo "uploading $CSV ($(du -m "$CSV" | cut -f1) MB)"
SOURCE=$(curl -sf "$URL/data-sources/upload-csv" -H "$AUTH" -F "name=bench sales" -F "file=@$CSV" | json "['id']")

QUESTIONS=(
  "What was the total revenue in Q3 2024?"
  "revenue by region"
  "monthly revenue in 2024"
  "top 10 products by revenue"
  "average quantity by region"
  "how many orders were there in 2023?"
  "which region had the highest revenue in 2023?"
  "number of distinct customers"
  "average unit price by product"
  "total quantity per month in 2022"
)
ask() {
  curl -s -o /dev/null -w '%{time_total}\n' "$URL/queries/natural-language" -H "$AUTH" \
    -H 'content-type: application/json' \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"data_source_id": sys.argv[1], "query_text": sys.argv[2]}))' "$SOURCE" "$1")"
}
# Warm the files (and show what each question returned), then restart to empty the result cache.
for q in "${QUESTIONS[@]}"; do ask "$q" >/dev/null; done
stop; start
TOKEN=$(curl -sf "$URL/auth/login" -H 'content-type: application/json' \
  -d '{"email":"demo@insightiq.local","password":"Demo-pass-2024!"}' | json "['access_token']")
AUTH="authorization: Bearer $TOKEN"
echo "== natural-language request, $ROWS rows, result cache cold"
: > "$WORK/nl.txt"
for q in "${QUESTIONS[@]}"; do
  t=$(ask "$q"); echo "$t" >> "$WORK/nl.txt"
  printf "  %6.1f ms  %s\n" "$(python3 -c "print($t*1000)")" "$q"
done
python3 -c "import statistics; t=[float(l) for l in open('$WORK/nl.txt')]; print(f'nl_median_ms={statistics.median(t)*1000:.1f} nl_max_ms={max(t)*1000:.1f}')"

echo "== cached SQL query under load (wrk, one load thread: the other core is the server's)"
BODY=$(python3 -c 'import json,sys; print(json.dumps({"data_source_id": sys.argv[1], "sql": "SELECT region, SUM(revenue) AS revenue FROM data GROUP BY region ORDER BY revenue DESC"}))' "$SOURCE")
curl -sf "$URL/queries/execute" -H "$AUTH" -H 'content-type: application/json' -d "$BODY" >/dev/null
cached=$(curl -sf "$URL/queries/execute" -H "$AUTH" -H 'content-type: application/json' -d "$BODY" | json "['cached']")
echo "second run cached=$cached"
for c in 8 32; do
  echo "-- $c connections"
  TOKEN=$TOKEN BODY=$BODY wrk -t1 -c$c -d10s --latency -s bench/execute.lua "$URL/queries/execute" | tail -n 3
done
