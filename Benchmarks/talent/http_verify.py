#!/usr/bin/env python3
"""Times POST /api/v1/talent/verify over one kept-alive HTTP connection: p50/p95/p99 in ms.

    python3 Benchmarks/talent/http_verify.py http://127.0.0.1:8480 [N]
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
conn = http.client.HTTPConnection(base.hostname, base.port)


def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    return r.status, r.read()


_, body = call("POST", "/api/v1/tokens", {"username": "talent", "password": "Demo@2026"})
token = json.loads(body)["token"]
_, body = call("POST", "/api/v1/talent/me/code", {}, token)
code = json.loads(body)["code"]
for _ in range(100):  # warm-up
    call("POST", "/api/v1/talent/verify", {"code": code})
times = []
for _ in range(n):
    t0 = time.perf_counter()
    status, body = call("POST", "/api/v1/talent/verify", {"code": code})
    times.append((time.perf_counter() - t0) * 1000)
    assert status == 200 and json.loads(body)["valid"], body
times.sort()
q = lambda p: times[min(len(times) - 1, int(p * len(times)))]
print(f"HTTP verify (offline check + online revocation lookup), {n} sequential requests: p50 {q(0.50):.2f} ms, p95 {q(0.95):.2f} ms, p99 {q(0.99):.2f} ms, mean {statistics.mean(times):.2f} ms")
