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

import openpyxl

from checks import Checks

c = Checks(sys.argv[1])

try:
    status, body, _ = c.call("POST", "/api/v1/tokens", {"username": "admin", "password": "Demo@2026", "name": "ci"})
    token = json.loads(body)["token"]
    status, body, _ = c.call("POST", "/api/v1/policy/runs", {"entity": "enterprise", "year": 2024, "date": "2025-06-30"}, token)
    job = json.loads(body)["id"]
    c.check("a batch run is accepted", status == 202)
    for _ in range(60):
        _, body, _ = c.call("GET", f"/api/v1/jobs/{job}", token=token)
        state = json.loads(body)
        if state["status"] in ("done", "failed"):
            break
        time.sleep(1)
    c.check("the run finishes", state["status"] == "done", json.dumps(state))
    _, xlsx, _ = c.call("GET", f"/api/v1/jobs/{job}/files/results.xlsx", token=token)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    header = [c.value for c in ws[1]]
    c.check("openpyxl reads the XLSX: header with rule columns", header[:4] == ["organization_id", "name", "credit_code", "banner"] and "rd_post_subsidy" in header, str(header))
    c.check("one row per demo enterprise", ws.max_row == 37, f"max_row={ws.max_row}")
    c.check("Chinese names survive", any("鄂尔多斯" in str(ws.cell(row=r, column=2).value) for r in range(2, ws.max_row + 1)))
    _, raw, _ = c.call("GET", f"/api/v1/jobs/{job}/files/results.csv", token=token)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    c.check("the CSV parses with the same shape", len(rows) == 37 and rows[0] == header, f"{len(rows)} rows")
    _, spec, _ = c.call("GET", "/api/openapi.json")
    doc = json.loads(spec)
    c.check("the OpenAPI document is 3.1 with paths", doc.get("openapi") == "3.1.0" and len(doc.get("paths", {})) >= 10)
except Exception as e:
    c.finish("formats", e)
c.finish("formats")
