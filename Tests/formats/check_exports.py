#!/usr/bin/env python3
"""Independent checks of the files the platform produces, with tools that are not ours:
openpyxl reads the 免申即享 XLSX, Python's csv module reads the CSV, jsonschema-free checks of the OpenAPI document.

    python3 Tests/formats/check_exports.py http://127.0.0.1:8181
Ends with `formats: N passed, N failed`.
"""
import csv
import io
import json
import sys
import time
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
        print(f"FAIL {name} {detail}")


def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


try:
    status, body = call("POST", "/api/v1/tokens", {"username": "admin", "password": "Demo@2026", "name": "ci"})
    token = json.loads(body)["token"]
    status, body = call("POST", "/api/v1/policy/runs", {"entity": "enterprise", "year": 2024, "date": "2025-06-30"}, token)
    job = json.loads(body)["id"]
    check("a batch run is accepted", status == 202)
    for _ in range(60):
        _, body = call("GET", f"/api/v1/jobs/{job}", token=token)
        state = json.loads(body)
        if state["status"] in ("done", "failed"):
            break
        time.sleep(1)
    check("the run finishes", state["status"] == "done", json.dumps(state))
    _, xlsx = call("GET", f"/api/v1/jobs/{job}/files/results.xlsx", token=token)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    header = [c.value for c in ws[1]]
    check("openpyxl reads the XLSX: header with rule columns", header[:4] == ["organization_id", "name", "credit_code", "banner"] and "rd_post_subsidy" in header, str(header))
    check("one row per demo enterprise", ws.max_row == 37, f"max_row={ws.max_row}")
    check("Chinese names survive", any("鄂尔多斯" in str(ws.cell(row=r, column=2).value) for r in range(2, ws.max_row + 1)))
    _, raw = call("GET", f"/api/v1/jobs/{job}/files/results.csv", token=token)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    check("the CSV parses with the same shape", len(rows) == 37 and rows[0] == header, f"{len(rows)} rows")
    _, spec = call("GET", "/api/openapi.json")
    doc = json.loads(spec)
    check("the OpenAPI document is 3.1 with paths", doc.get("openapi") == "3.1.0" and len(doc.get("paths", {})) >= 10)
except Exception as e:
    failed += 1
    print(f"FAIL export checks: {e!r}")

print(f"formats: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
