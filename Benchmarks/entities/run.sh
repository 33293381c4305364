#!/usr/bin/env bash
# Cultivation-ladder batch benchmark: 10,000 enterprises with three years of yearly data (the demo profiles, scaled
# per firm, so every rung occurs), then the ladder batch (the background job's code) timed in process, with peak
# memory from /usr/bin/time. SQLite, and PostgreSQL when PG_URL is set. Release build.
#   bash Benchmarks/entities/run.sh
#   PG_URL=postgres://app:app@127.0.0.1:54329/bench_ladder bash Benchmarks/entities/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/kechuang}
[ -x "$BIN" ] || swift build -c release --product kechuang
N=${N_ENTERPRISES:-10000}
YEAR=$(( $(date +%Y) - 1 ))
run() {
  local label=$1; shift
  echo "== $label"
  /usr/bin/time -f "generation: %e s, %M KB peak" env "$@" KECHUANG_DEMO=false "$BIN" bench-data ladder --enterprises "$N" | tail -1
  for k in 1 2 3; do
    /usr/bin/time -f "run $k: %e s wall (process start to exit), %M KB peak" env "$@" "$BIN" bench-data ladder-run --year "$YEAR" | grep -v '^progress'
  done
}
DATA=$(mktemp -d)
run "SQLite" KECHUANG_DATA_DIR="$DATA"
rm -rf "$DATA"
if [ -n "${PG_URL:-}" ]; then run "PostgreSQL" DATABASE_URL="$PG_URL"; fi
