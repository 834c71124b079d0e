#!/usr/bin/env bash
# Ingest + profile benchmark (issue 4) and query benchmark (issue 5), side by side:
# InsightIQ's engine (release build) against DuckDB, Polars and pandas from PyPI.
#   bench/ingest.sh [ROWS...]        default: 1000000 10000000
# Prints seconds and peak RSS per tool and the ratios against InsightIQ; per query,
# InsightIQ's time over the faster of DuckDB and Polars (the issue-5 target: <= 1.5).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=("${@:-1000000 10000000}")
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/insightiq/target}
DATA=$ROOT/bench/data
mkdir -p "$DATA"

# One build command for every release binary, so features resolve alike and nothing is built twice.
[ -n "${NO_BUILD:-}" ] || cargo build --release --workspace --bins --examples
BIN=$CARGO_TARGET_DIR/release/examples/engine_bench

if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install --quiet duckdb polars pandas pyarrow
fi
PY=bench/.venv/bin/python

# measure LABEL CMD...: prints "LABEL secs=.. peak_mib=.."
measure() {
  local label=$1; shift
  local out
  out=$( { /usr/bin/time -f "peak_kib=%M wall=%e" "$@" >/dev/null; } 2>&1 | tail -1 )
  local kib=${out#peak_kib=}; kib=${kib%% *}
  local wall=${out##*wall=}
  printf "%-22s secs=%-8s peak_mib=%d\n" "$label" "$wall" $((kib / 1024))
  echo "$label $wall $((kib / 1024))" >> "$DATA/results.txt"
}

: > "$DATA/results.txt"
for n in ${SIZES[@]}; do
  csv=$DATA/sales_$n.csv
  [ -f "$csv" ] || "$BIN" gen "$n" "$csv"
  echo "== $n rows ($(du -m "$csv" | cut -f1) MB)"
  measure "insightiq_ingest_$n" "$BIN" ingest "$csv" "$DATA/iq_$n.parquet"
  measure "duckdb_ingest_$n" $PY bench/ingest_tools.py duckdb_ingest "$csv" "$DATA/duck_$n.parquet"
  measure "polars_ingest_$n" $PY bench/ingest_tools.py polars_ingest "$csv" "$DATA/polars_$n.parquet"
  measure "pandas_ingest_$n" $PY bench/ingest_tools.py pandas_ingest "$csv" "$DATA/pandas_$n.parquet"
  measure "insightiq_profile_$n" "$BIN" profile "$DATA/iq_$n.parquet"
  measure "duckdb_profile_$n" $PY bench/ingest_tools.py duckdb_profile "$DATA/iq_$n.parquet"
  measure "polars_profile_$n" $PY bench/ingest_tools.py polars_profile "$DATA/iq_$n.parquet"
  echo "-- queries (median of warm runs, same Parquet)"
  {
    "$BIN" query "$DATA/iq_$n.parquet" 5 | sed "s/^query /insightiq /"
    for tool in duckdb polars pandas; do
      $PY bench/query_tools.py $tool "$DATA/iq_$n.parquet" 5
    done
  } | tee "$DATA/queries_$n.txt"
  # Lines "TOOL QUERY median_secs=S first_secs=F".
  awk -v n="$n" '{ sub("median_secs=", "", $3); t[$1, $2] = $3; q[$2] = 1 }
    END { for (k in q) { b = t["insightiq", k]; best = t["duckdb", k] < t["polars", k] ? t["duckdb", k] : t["polars", k]
      printf "query %-14s %s rows: InsightIQ / faster of DuckDB and Polars = %.2f (target <= 1.5); pandas / InsightIQ = %.1f\n", k, n, b / best, t["pandas", k] / b } }' \
    "$DATA/queries_$n.txt" | sort
done

echo "== ratios (tool time / InsightIQ time; > 1 means InsightIQ is faster)"
awk '{ split($1, p, "_"); key = p[2] "_" p[3]; t[p[1] "_" key] = $2; keys[key] = 1 }
     END { for (k in keys) { b = t["insightiq_" k]; if (b > 0) {
       pandas = ("pandas_" k in t) ? sprintf("%.2f", t["pandas_" k] / b) : "-"
       printf "%-16s duckdb=%.2f polars=%.2f pandas=%s\n", k, t["duckdb_" k] / b, t["polars_" k] / b, pandas } } }' "$DATA/results.txt" | sort
