#!/usr/bin/env bash
# Instrument-sharing benchmark: 10,000 instruments and 1,000,000 bookings, then search p95 over HTTP and
# booking decisions under contention, on SQLite and (when PG_URL is set) PostgreSQL. Release build.
#
#   bash Benchmarks/instruments/run.sh                 # SQLite only
#   PG_URL=postgres://app:app@127.0.0.1:54329/bench bash Benchmarks/instruments/run.sh
# The PostgreSQL database must exist, be empty and have btree_gist available (CREATE EXTENSION btree_gist).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/kechuang}
[ -x "$BIN" ] || swift build -c release --product kechuang
N_INSTRUMENTS=${N_INSTRUMENTS:-10000}
N_BOOKINGS=${N_BOOKINGS:-1000000}

run() { # $1 label, env for the database in the rest
  local label=$1; shift
  echo "== $label: generating $N_INSTRUMENTS instruments, $N_BOOKINGS bookings"
  /usr/bin/time -f "generation: %e s, %M KB peak" env "$@" "$BIN" bench-data instruments --instruments "$N_INSTRUMENTS" --bookings "$N_BOOKINGS" | tail -1
  env "$@" KECHUANG_BCRYPT_COST=10 "$BIN" serve --port 8399 > /tmp/kechuang-bench-serve.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8399/healthz >/dev/null 2>&1 && break; sleep 1; done
  python3 Benchmarks/instruments/bench.py http://127.0.0.1:8399 --searches 2000 --threads 1 --bookings 1000 --day-offset 100
  python3 Benchmarks/instruments/bench.py http://127.0.0.1:8399 --searches 0 --threads 8 --bookings 4000 --day-offset 130
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

DATA=$(mktemp -d)
run "SQLite" KECHUANG_DATA_DIR="$DATA"
rm -rf "$DATA"
if [ -n "${PG_URL:-}" ]; then run "PostgreSQL" DATABASE_URL="$PG_URL"; fi
