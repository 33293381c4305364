#!/usr/bin/env python3
"""Two `kechuang serve` processes share one PostgreSQL (the way the platform scales out). 200 concurrent requests
for overlapping slots of one instrument go to both processes at once: exactly one may be created.

    python3 Tests/formats/two_servers_booking.py http://127.0.0.1:8281 http://127.0.0.1:8282 INSTRUMENT_ID
Ends with `two-servers: N passed, N failed`.
"""
import concurrent.futures
import datetime
import json
import sys
import urllib.error
import urllib.request

a, b = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def call(base, method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


try:
    _, body = call(a, "POST", "/api/v1/tokens", {"username": "enterprise", "password": "Demo@2026"})
    token = json.loads(body)["token"]
    # The demo instruments are open on weekdays 08:30–17:30 Beijing time; pick the next weekday, 09:00.
    tz = datetime.timezone(datetime.timedelta(hours=8))
    day = datetime.datetime.now(tz).date() + datetime.timedelta(days=2)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time(9, 0), tz)
    instrument = sys.argv[3]

    def attempt(k):
        base = a if k % 2 == 0 else b
        s = start + datetime.timedelta(minutes=(k % 4) * 15)
        e = s + datetime.timedelta(minutes=60)
        return call(base, "POST", f"/api/v1/instruments/{instrument}/bookings", {"start": s.isoformat(), "end": e.isoformat()}, token)

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(attempt, range(200)))
    codes = [c for c, _ in results]
    check("exactly one booking is created across both processes", codes.count(201) == 1, str({c: codes.count(c) for c in set(codes)}))
    check("the other 199 get 409", codes.count(409) == 199)
    check("no 5xx", all(c < 500 for c in codes))
    conflict = next((body for c, body in results if c == 409), "")
    check("409 names the conflicting slot", "booking.conflict" in conflict, conflict[:200])
except Exception as e:
    failed += 1
    print(f"FAIL two-server booking: {e!r}")

print(f"two-servers: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
