#!/usr/bin/env bash
# Load benchmark of the pages people open most: home, a policy article, instrument search, market search and the
# one-click match (JSON API), with wrk (Debian package). SQLite with one server process; PostgreSQL (when PG_URL is
# set, an empty database with btree_gist) with two server processes, each driven by its own wrk, figures summed.
#
#   bash Benchmarks/load/run.sh                    # release build, 10 s per page
#   BIN=.build/debug/kechuang SECONDS_PER_PAGE=3 PG_URL=postgres://… bash Benchmarks/load/run.sh   # what CI runs
# Rate limits are switched off for the run (KECHUANG_RATE_LIMITS=off): one client address sends everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/kechuang}
[ -x "$BIN" ] || swift build -c release --product kechuang
DUR=${SECONDS_PER_PAGE:-10}
CONN=${CONNECTIONS:-32}
MATCH_BODY='{"kind":"enterprise","date":"2025-06-30","inputs":{"rd_expense":2000000,"rd_expense_last_year":1000000,"newly_recognized_hte":true,"is_soe":false,"tech_contract_income":3000000,"standard_level":"national","science_award_level":"region","science_award_amount":200000,"first_completing_unit":true}}'
PAGES=(
  "home|/"
  "policy article|/policy/articles/12"
  "instrument search|/instruments?q=%E8%89%B2%E8%B0%B1"
  "instrument search API|/api/v1/instruments?q=%E8%89%B2%E8%B0%B1"
  "market search|/market/achievements?q=%E6%B0%A2%E8%83%BD"
  "one-click match API|/api/v1/policy/match"
)

start_server() { # port, env...
  local port=$1; shift
  env "$@" KECHUANG_RATE_LIMITS=off KECHUANG_BCRYPT_COST=4 KECHUANG_ENV=production "$BIN" serve --port "$port" > "/tmp/kechuang-load-$port.log" 2>&1 &
  echo $! > "/tmp/kechuang-load-$port.pid"
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "server on $port did not start"; cat "/tmp/kechuang-load-$port.log"; exit 1
}
stop_server() { kill "$(cat "/tmp/kechuang-load-$1.pid")" 2>/dev/null || true; wait "$(cat "/tmp/kechuang-load-$1.pid")" 2>/dev/null || true; }

bench() { # label, ports...
  local label=$1; shift
  printf "%-24s %10s %10s %10s %8s\n" "$label" "req/s" "p50 ms" "p95 ms" "errors"
  for entry in "${PAGES[@]}"; do
    local name=${entry%%|*} path=${entry#*|} outs=()
    local method="" body=""
    if [ "$name" = "one-click match API" ]; then method=POST; body=$MATCH_BODY; fi
    for port in "$@"; do
      local out; out=$(mktemp); outs+=("$out")
      # Warm-up, then the measured run; with two servers both run at once.
      WRK_METHOD=$method WRK_BODY=$body wrk -t1 -c4 -d1s -s Benchmarks/load/report.lua "http://127.0.0.1:$port$path" >/dev/null 2>&1 || true
    done
    local pids=()
    for i in "${!outs[@]}"; do
      local port=${@:$((i+1)):1}
      WRK_METHOD=$method WRK_BODY=$body wrk -t2 -c"$CONN" -d"${DUR}s" --timeout 10s -s Benchmarks/load/report.lua "http://127.0.0.1:$port$path" > "${outs[$i]}" 2>&1 &
      pids+=($!)
    done
    wait "${pids[@]}"   # only the wrk runs: the servers are children of this shell too
    python3 - "$name" "${outs[@]}" <<'PY'
import re, sys
name, files = sys.argv[1], sys.argv[2:]
rs = []
for f in files:
    m = re.search(r"RESULT (.*)", open(f).read())
    rs.append(dict(kv.split("=") for kv in m.group(1).split()) if m else None)
if None in rs:
    print(f"{name:24} wrk failed: " + " | ".join(open(f).read()[-300:] for f in files)); sys.exit(0)
rps = sum(float(r["rps"]) for r in rs)
p50 = max(float(r["p50_ms"]) for r in rs); p95 = max(float(r["p95_ms"]) for r in rs)
err = sum(int(r["errors"]) for r in rs)
print(f"{name:24} {rps:10.0f} {p50:10.2f} {p95:10.2f} {err:8d}")
PY
    rm -f "${outs[@]}"
  done
}

DATA=$(mktemp -d)
start_server 8491 KECHUANG_DATA_DIR="$DATA"
bench "SQLite, 1 process" 8491
stop_server 8491
rm -rf "$DATA"
if [ -n "${PG_URL:-}" ]; then
  start_server 8492 DATABASE_URL="$PG_URL"
  start_server 8493 DATABASE_URL="$PG_URL"
  bench "PostgreSQL, 2 processes" 8492 8493
  stop_server 8492; stop_server 8493
fi
