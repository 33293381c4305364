#!/usr/bin/env python3
"""Market exports read by tools that are not ours: Python's csv module and openpyxl.

    python3 Tests/formats/check_market.py http://127.0.0.1:8181
Ends with `market-formats: N passed, N failed`.
"""
import csv
import io
import json
import sys
import urllib.request

import openpyxl

base = sys.argv[1].rstrip("/")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {str(detail)[:300]}")


def get(path, token=None):
    req = urllib.request.Request(base + path)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read(), r.headers


def token(user):
    req = urllib.request.Request(base + "/api/v1/tokens", data=json.dumps({"username": user, "password": "Demo@2026"}).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["token"]


try:
    body, headers = get("/market/achievements?field=hydrogen&format=csv")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    check("achievements CSV parses with csv, UTF-8 with BOM, one field per listing", headers.get("Content-Type", "").startswith("text/csv")
          and len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows) and all(r[3] == "氢能" for r in rows[1:]), rows[:2])
    body, _ = get("/market/demands?format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(body))
    sheet = list(wb.active.iter_rows(values_only=True))
    check("demands XLSX opens in openpyxl with budgets as numbers", len(sheet) > 1 and isinstance(sheet[1][6], (int, float)), sheet[:2])
    body, _ = get("/market/contracts?format=xlsx", token("reviewer"))
    wb = openpyxl.load_workbook(io.BytesIO(body))
    check("contracts XLSX opens for staff", wb.active.max_row >= 1, wb.active.max_row)
    body, _ = get("/market/points/leaderboard?format=csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    check("points leaderboard CSV ranks organisations with integer points", len(rows) > 1 and all(r[2].lstrip("-").isdigit() for r in rows[1:]), rows[:3])
    body, _ = get("/market/challenges?format=csv")
    check("challenges CSV has its header", body.decode("utf-8-sig").startswith("名称"), body[:80])
except Exception as e:
    check("market formats ran to the end", False, repr(e))

print(f"market-formats: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
