#!/usr/bin/env python3
"""Instrument benchmark client: search latency over HTTP and booking decisions under contention.

    python3 bench.py http://127.0.0.1:8080 [--searches 2000] [--threads 8] [--bookings 4000]

Search: a keep-alive client sends Chinese queries (with and without filters) one after another; reports
p50/p95/p99 in ms. Booking: THREADS clients (one connection each) post bookings for random slots on a few hot
instruments, so most requests collide; reports decisions per second, p50/p95 latency and the 201/409/other counts.
Standard library only.
"""
import argparse
import datetime
import http.client
import json
import random
import statistics
import threading
import time
import urllib.parse

QUERIES = ["扫描电镜", "电子显微镜", "X射线衍射", "质谱", "色谱质谱", "核磁共振", "红外光谱", "拉曼", "热重分析", "比表面积", "原子力显微镜",
           "共聚焦", "流式细胞", "测序", "三坐标", "材料试验机", "电化学工作站", "燃料电池", "煤质分析", "元素分析", "高分辨质谱", "场发射",
           "Bruker", "Thermo", "氢能", "储能", "现代煤化工", "稀土", "CCUS", "荒漠化防治"]
FILTERS = ["", "&banner=150603", "&class=0303", "&fee_max=500", "&fee_min=200&fee_max=800", "&banner=150627&class=0304"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def connect(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)


def search(base, n):
    conn = connect(base)
    rng = random.Random(1)
    lat, totals = [], []
    for k in range(n + 50):
        q = urllib.parse.quote(rng.choice(QUERIES))
        path = f"/api/v1/instruments?q={q}{rng.choice(FILTERS)}&per=20"
        t0 = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        dt = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise SystemExit(f"search {path} -> {r.status} {body[:200]}")
        if k >= 50:  # the first requests warm the index
            lat.append(dt)
            totals.append(json.loads(body)["total"])
    print(f"search: n={n} p50={statistics.median(lat):.2f}ms p95={pct(lat, 95):.2f}ms p99={pct(lat, 99):.2f}ms "
          f"mean hits={statistics.mean(totals):.0f}")


def token(base):
    conn = connect(base)
    conn.request("POST", "/api/v1/tokens", body=json.dumps({"username": "enterprise", "password": "Demo@2026"}),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    return json.loads(r.read())["token"]


def bookings(base, threads, total, offset):
    tok = token(base)
    conn = connect(base)
    conn.request("GET", "/api/v1/instruments?q=" + urllib.parse.quote("扫描电子显微镜") + "&per=5")
    hot = [i["id"] for i in json.loads(conn.getresponse().read())["items"]][:5]
    bj = datetime.timezone(datetime.timedelta(hours=8))
    # Weekdays from `offset` days ahead for three weeks, beyond the generated bookings: 09:00–16:00 in half-hour starts.
    days = [d for d in (datetime.date.today() + datetime.timedelta(days=k) for k in range(offset, offset + 21)) if d.weekday() < 5]
    lat, codes, lock = [], {}, threading.Lock()
    per = total // threads

    def worker(seed):
        rng = random.Random(seed)
        c = connect(base)
        for _ in range(per):
            d = rng.choice(days)
            start = datetime.datetime(d.year, d.month, d.day, 9, 0, tzinfo=bj) + datetime.timedelta(minutes=30 * rng.randrange(14))
            end = start + datetime.timedelta(minutes=rng.choice([60, 90, 120]))
            body = json.dumps({"start": start.isoformat(), "end": end.isoformat()})
            t0 = time.perf_counter()
            c.request("POST", f"/api/v1/instruments/{rng.choice(hot)}/bookings", body=body,
                      headers={"Content-Type": "application/json", "Authorization": "Bearer " + tok})
            r = c.getresponse()
            r.read()
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                lat.append(dt)
                codes[r.status] = codes.get(r.status, 0) + 1

    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    print(f"booking: n={len(lat)} threads={threads} hot instruments={len(hot)} {len(lat) / wall:.0f} decisions/s "
          f"p50={statistics.median(lat):.2f}ms p95={pct(lat, 95):.2f}ms codes={dict(sorted(codes.items()))}")
    if any(c >= 500 for c in codes):
        raise SystemExit("a 5xx during booking")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--searches", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--bookings", type=int, default=4000)
    ap.add_argument("--day-offset", type=int, default=100, help="first day of the booked window; use a fresh one per run")
    a = ap.parse_args()
    if a.searches:
        search(a.base.rstrip("/"), a.searches)
    bookings(a.base.rstrip("/"), a.threads, a.bookings, a.day_offset)
