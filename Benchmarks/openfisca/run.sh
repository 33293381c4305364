#!/usr/bin/env bash
# Kechuang policy engine vs the OpenFisca baseline, on this machine, with the same CSVs and the same 6 rules.
#
#   Benchmarks/openfisca/run.sh [N ...]          # default 10000 100000 1000000
#   WITH_OPENFISCA=1 Benchmarks/openfisca/run.sh # also set up and time OpenFisca (venv from PyPI, ~1 min)
#
# Needs: a release build (made here if missing, ~10 min on 2 cores), python3 with numpy (for gen_data.py and
# expected_exact.py), GNU time at /usr/bin/time. Results go to Benchmarks/openfisca/results/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$HERE"
mkdir -p results
NS=("$@"); [ ${#NS[@]} -eq 0 ] && NS=(10000 100000 1000000)
TIME=/usr/bin/time
python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
[ -x "$TIME" ] || apt-get install -y -qq time >/dev/null
SCRATCH="${SCRATCH:-$ROOT/.build-release}"
BIN="$SCRATCH/release/kechuang"

echo "== release build"
(cd "$ROOT" && swift build -c release --product kechuang --scratch-path "$SCRATCH" 2>&1 | tail -1)

echo "== rule tests of the benchmark policy"
"$BIN" policy test "$HERE/policy" | tail -1

for n in "${NS[@]}"; do
  [ -f "enterprises_$n.csv" ] || python3 gen_data.py "$n" > /dev/null
  echo "== Kechuang whole pipeline N=$n: CSV in -> rules -> CSV out (policy run)"
  "$TIME" -v "$BIN" policy run --rules "$HERE/policy" --input "enterprises_$n.csv" --output "results/kechuang_$n.csv" --date 2025-06-30 \
    2> "results/kechuang_$n.time.txt"
  grep -E "Elapsed|Maximum resident" "results/kechuang_$n.time.txt"
  echo "== exactness N=$n: every output equal to expected_exact.py, to the fen"
  python3 expected_exact.py "enterprises_$n.csv" "results/expected_$n.csv"
  cut -d, -f1-7 "results/kechuang_$n.csv" > "results/kechuang_${n}_outputs.csv"
  if cmp -s "results/kechuang_${n}_outputs.csv" "results/expected_$n.csv"; then echo "identical: $(($(wc -l < "results/expected_$n.csv") - 1)) rows"; else echo "DIFFERENT" >&2; exit 1; fi
done

echo "== what-if over the largest N: r1 rate 12 %, cap 6M (the baseline's reform)"
big="${NS[${#NS[@]}-1]}"
"$TIME" -v "$BIN" policy simulate --rules "$HERE/policy" --input "enterprises_$big.csv" --date 2025-06-30 \
   --set r1.base_rate=0.12 --set r1.cap=6000000 > "results/simulate_$big.txt" 2> "results/simulate_$big.time.txt"
head -3 "results/simulate_$big.txt"; grep -E "Elapsed|Maximum resident" "results/simulate_$big.time.txt"

echo "== single match of the whole Ordos rule base, in process"
"$BIN" policy bench-match --rules "$ROOT/policies/ordos" --iterations 20000 | tee results/match_inprocess.json

echo "== single match over HTTP on loopback (release server, SQLite, no demo data)"
DATA=$(mktemp -d)
(cd "$ROOT" && KECHUANG_DATA_DIR="$DATA" KECHUANG_LOG_LEVEL=error KECHUANG_ENV=production "$BIN" serve --port 8191 --no-demo > "$HERE/results/serve.log" 2>&1) &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8191/healthz >/dev/null 2>&1 && break; sleep 1; done
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
echo "wrk, 1 connection, 10 s:"; wrk -t1 -c1 -d10s --latency -s match_post.lua http://127.0.0.1:8191/api/v1/policy/match | tee results/match_wrk.txt | grep -A4 "Latency Distribution"
echo "python http.client, keep-alive, varied profiles:"; python3 http_match.py http://127.0.0.1:8191 3000 | tee results/match_http.json
kill $PID 2>/dev/null || true

if [ "${WITH_OPENFISCA:-0}" = 1 ]; then
  echo "== OpenFisca baseline (same CSVs, bench_batch.py --repeat 1 --out)"
  [ -x venv/bin/python ] || { python3 -m venv venv && venv/bin/pip install -q 'openfisca-core[web-api]' && venv/bin/pip install -q -e .; }
  for n in "${NS[@]}"; do
    "$TIME" -v venv/bin/python bench_batch.py "enterprises_$n.csv" --repeat 1 --out "results/openfisca_$n.csv" \
      > "results/openfisca_$n.json" 2> "results/openfisca_$n.time.txt"
    echo "N=$n: $(grep -E "Elapsed" "results/openfisca_$n.time.txt" | sed 's/.*): //') wall, $(grep "Maximum resident" "results/openfisca_$n.time.txt" | sed 's/.*: //') KB peak"
  done
fi
