#!/usr/bin/env python3
"""Market exports read by tools that are not ours: Python's csv module and openpyxl.

    python3 Tests/formats/check_market.py http://127.0.0.1:8181
Ends with `market-formats: N passed, N failed`.
"""
import csv
import io
import sys

import openpyxl

from checks import Checks

c = Checks(sys.argv[1])

try:
    _, body, headers = c.call("GET", "/market/achievements?field=hydrogen&format=csv")
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    c.check("achievements CSV parses with csv, UTF-8 with BOM, one field per listing", headers.get("Content-Type", "").startswith("text/csv")
          and len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows) and all(r[3] == "氢能" for r in rows[1:]), rows[:2])
    _, body, _ = c.call("GET", "/market/demands?format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(body))
    sheet = list(wb.active.iter_rows(values_only=True))
    c.check("demands XLSX opens in openpyxl with budgets as numbers", len(sheet) > 1 and isinstance(sheet[1][6], (int, float)), sheet[:2])
    _, body, _ = c.call("GET", "/market/contracts?format=xlsx", token=c.token("reviewer"))
    wb = openpyxl.load_workbook(io.BytesIO(body))
    c.check("contracts XLSX opens for staff", wb.active.max_row >= 1, wb.active.max_row)
    _, body, _ = c.call("GET", "/market/points/leaderboard?format=csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    c.check("points leaderboard CSV ranks organisations with integer points", len(rows) > 1 and all(r[2].lstrip("-").isdigit() for r in rows[1:]), rows[:3])
    _, body, _ = c.call("GET", "/market/challenges?format=csv")
    c.check("challenges CSV has its header", body.decode("utf-8-sig").startswith("名称"), body[:80])
except Exception as e:
    c.finish("market-formats", e)
c.finish("market-formats")
