#!/usr/bin/env bash
# Technology-market benchmark: 100,000 achievements and 20,000 demands, then search p95 and match-for-one-demand
# p95 over HTTP, on SQLite and (when PG_URL is set) PostgreSQL. Release build.
#   bash Benchmarks/market/run.sh
#   PG_URL=postgres://app:app@127.0.0.1:54329/bench_market bash Benchmarks/market/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/kechuang}
[ -x "$BIN" ] || swift build -c release --product kechuang
run() {
  local label=$1; shift
  echo "== $label"
  /usr/bin/time -f "generation: %e s, %M KB peak" env "$@" "$BIN" bench-data market --achievements "${N_ACHIEVEMENTS:-100000}" --demands "${N_DEMANDS:-20000}" | tail -1
  env "$@" KECHUANG_BCRYPT_COST=10 "$BIN" serve --port 8397 > /tmp/kechuang-market-bench.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8397/healthz >/dev/null 2>&1 && break; sleep 1; done
  python3 Benchmarks/market/bench.py http://127.0.0.1:8397
  echo "server memory after the run: $(ps -o rss= -p "$pid") KB"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
DATA=$(mktemp -d)
run "SQLite" KECHUANG_DATA_DIR="$DATA"
rm -rf "$DATA"
if [ -n "${PG_URL:-}" ]; then run "PostgreSQL" DATABASE_URL="$PG_URL"; fi
