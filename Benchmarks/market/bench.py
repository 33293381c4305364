#!/usr/bin/env python3
"""Market benchmark client: search p95 and match-for-one-demand p95 over HTTP.

    python3 bench.py http://127.0.0.1:8080 [--searches 2000] [--matches 500]

Search: one keep-alive client sends Chinese queries (with and without field/banner/TRL filters) to
/api/v1/market/achievements and /api/v1/market/demands. Matching: a broker's token asks
/api/v1/market/demands/{id}/matches for random published demands (each demand's whole text is the query).
Standard library only; prints p50/p95/p99 in ms.
"""
import argparse
import http.client
import json
import random
import statistics
import time
import urllib.parse

QUERIES = ["电解槽", "析氢电极", "储能电站", "热失控预警", "光伏清扫", "煤化工废水", "甲醇催化剂", "碳纤维", "稀土永磁", "二氧化碳捕集", "井下视频",
           "故障预测", "无人机巡检", "矿卡无人驾驶", "秸秆发酵", "能碳管理", "车路协同", "羊绒检测", "肉羊繁育", "盐碱地", "排土场修复", "矿井水",
           "燃料电池冷启动", "钠离子电池", "粉煤灰", "煤质在线检测", "CCUS", "高分辨", "氢能 储能", "现代煤化工 催化剂"]
FILTERS = ["", "&field=hydrogen", "&field=modern_coal_chemical", "&banner=150603", "&trl=6", "&field=energy_storage&trl=5"]


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def report(name, lat, extra=""):
    print(f"{name}: n={len(lat)} p50={statistics.median(lat):.2f}ms p95={pct(lat, 95):.2f}ms p99={pct(lat, 99):.2f}ms {extra}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--searches", type=int, default=2000)
    ap.add_argument("--matches", type=int, default=500)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)

    def get(path, headers=None):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"{path} -> {r.status} {body[:200]}")
        return (time.perf_counter() - t0) * 1000, json.loads(body)

    t0 = time.perf_counter()
    get("/api/v1/market/achievements?q=warm")  # the first request loads the catalogue into memory
    print(f"first request (loads the catalogue): {(time.perf_counter() - t0):.1f}s")
    rng = random.Random(1)
    lat, totals = [], []
    for k in range(a.searches):
        kind = "achievements" if k % 4 else "demands"
        ms, body = get(f"/api/v1/market/{kind}?q={urllib.parse.quote(rng.choice(QUERIES))}{rng.choice(FILTERS)}&per=20")
        lat.append(ms)
        totals.append(body["total"])
    report("search", lat, f"mean hits={statistics.mean(totals):.0f}")

    conn.request("POST", "/api/v1/tokens", body=json.dumps({"username": "broker", "password": "Demo@2026"}), headers={"Content-Type": "application/json"})
    token = json.loads(conn.getresponse().read())["token"]
    ids = []
    for page in range(1, 6):
        _, body = get(f"/api/v1/market/demands?per=100&page={page * 7}")
        ids += [i["id"] for i in body["items"]]
    lat = []
    for _ in range(a.matches):
        ms, body = get(f"/api/v1/market/demands/{rng.choice(ids)}/matches?limit=20", {"Authorization": "Bearer " + token})
        lat.append(ms)
    report("match", lat, f"({len(set(ids))} demands sampled)")


main()
