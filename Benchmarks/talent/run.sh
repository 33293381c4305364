#!/usr/bin/env bash
# 人才码 verification: in process (µs per code) and over HTTP (ms p50/p95), on a release build with SQLite.
#   bash Benchmarks/talent/run.sh            # builds release into .build-release (first time: several minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --scratch-path .build-release --product kechuang 2>&1 | tail -1
BIN=.build-release/release/kechuang
$BIN talent bench --iterations 20000 --runs 5
DATA=$(mktemp -d)
KECHUANG_DATA_DIR="$DATA" KECHUANG_BCRYPT_COST=10 KECHUANG_LOG_LEVEL=error $BIN serve --port 8480 > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8480/healthz >/dev/null 2>&1 && break; sleep 1; done
python3 Benchmarks/talent/http_verify.py http://127.0.0.1:8480 2000
