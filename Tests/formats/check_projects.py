#!/usr/bin/env python3
"""Project exports read by tools that are not ours: the ranking of the demo's decided call and the project list,
as XLSX (openpyxl) and CSV (csv), with amounts as exact decimals.

    python3 Tests/formats/check_projects.py http://127.0.0.1:8181
Ends with `projects-formats: N passed, N failed`.
"""
import csv
import io
import json
import re
import sys
from decimal import Decimal

import openpyxl

from checks import Checks

c = Checks(sys.argv[1])

try:
    staff = c.token("admin")
    _, body, _ = c.call("GET", "/projects?mode=competitive")
    call_ids = re.findall(r'href="/projects/calls/([0-9A-F-]{36})">[^<]*科技重大专项', body.decode())
    c.check("the demo has its decided competitive call", len(call_ids) == 1, call_ids)
    status, body, headers = c.call("GET", f"/projects/calls/{call_ids[0]}/ranking?format=xlsx", token=staff)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    rows = list(wb.active.iter_rows(values_only=True))
    c.check("ranking XLSX opens in openpyxl: header, places 1…n, scores as numbers with two decimals",
            status == 200 and rows[0][:4] == ("rank", "application", "organization", "score") and [r[0] for r in rows[1:]] == list(range(1, len(rows)))
            and all(isinstance(r[3], (int, float)) for r in rows[1:]) and len(rows) >= 3, rows[:3])
    status, _, _ = c.call("GET", f"/projects/calls/{call_ids[0]}/ranking?format=xlsx")
    c.check("the ranking is not public", status in (302, 303, 401, 403), status)
    _, body, headers = c.call("GET", "/projects/list?format=csv", token=staff)
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    head = table[0]
    c.check("project list CSV parses, one field per column, amounts exact to the fen",
            headers.get("Content-Type", "").startswith("text/csv") and len(table) >= 2 and all(len(r) == len(head) for r in table)
            and all(Decimal(r[head.index("approved_yuan")]) == Decimal(r[head.index("approved_yuan")]).quantize(Decimal("0.01")) for r in table[1:]), table[:2])
    flagged = [r for r in table[1:] if Decimal(r[head.index("flagged_yuan")]) > 0]
    c.check("the demo project carries its flagged expense (4,860.50 yuan of entertainment)", any(r[head.index("flagged_yuan")] == "4860.50" for r in flagged), flagged)
    _, body, _ = c.call("GET", "/projects/list?format=xlsx", token=staff)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    rows = list(wb.active.iter_rows(values_only=True))
    c.check("project list XLSX opens in openpyxl with the same rows", len(rows) == len(table) and rows[1][0] == table[1][0], rows[:2])
    status, body, _ = c.call("GET", "/api/v1/projects", token=c.token("enterprise"))
    mine = json.loads(body)
    c.check("the API lists the enterprise's own projects only", status == 200 and len(mine) >= 1 and all(p["organization"] == "鄂尔多斯市康巴什氢能科技有限公司" for p in mine), mine)
    status, body, _ = c.call("GET", "/api/v1/projects", token=c.token("institution"))
    c.check("another organisation sees none of them", status == 200 and json.loads(body) == [], body[:200])
except Exception as e:
    c.finish("projects-formats", e)
c.finish("projects-formats")
