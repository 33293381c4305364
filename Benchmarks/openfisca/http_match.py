#!/usr/bin/env python3
"""Latency of POST /api/v1/policy/match over HTTP on loopback, one keep-alive connection, like a portal backend.

    python3 http_match.py http://127.0.0.1:8191 [REQUESTS]
Prints one JSON line: median, p95, p99 and max latency in milliseconds, and requests per second.
Each request carries a different enterprise profile from a fixed pseudo-random sequence (bounded, stops by itself).
"""
import http.client
import json
import random
import sys
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
rng = random.Random(20251128)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)


def profile():
    rd = rng.choice([0, 500_000, 1_000_000, 2_500_000, 40_000_000])
    return {"kind": "enterprise", "date": "2025-06-30", "inputs": {
        "rd_expense": rd, "rd_expense_last_year": int(rd * rng.choice([0, 0.8, 1.2])),
        "newly_recognized_hte": rng.random() < 0.2, "is_soe": rng.random() < 0.1,
        "tech_contract_income": rng.choice([0, 3_000_000]), "standard_level": rng.choice(["none", "national", "local"]),
        "science_award_level": "region", "science_award_amount": rng.choice([0, 200_000]), "first_completing_unit": True}}


latencies = []
for i in range(n + 200):
    body = json.dumps(profile())
    t0 = time.perf_counter()
    conn.request("POST", "/api/v1/policy/match", body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    dt = time.perf_counter() - t0
    if r.status != 200:
        print(json.dumps({"error": r.status, "body": data[:300].decode()}))
        sys.exit(1)
    if i >= 200:  # the first 200 warm the connection and caches
        latencies.append(dt * 1000)
latencies.sort()
q = lambda p: round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 3)
print(json.dumps({"requests": n, "median_ms": q(0.5), "p95_ms": q(0.95), "p99_ms": q(0.99), "max_ms": round(latencies[-1], 3),
                  "requests_per_s": round(n / (sum(latencies) / 1000), 1)}))
