#!/usr/bin/env python3
"""Innovation-entities exports read by tools that are not ours: Python's csv module and openpyxl.

    python3 Tests/formats/check_entities.py http://127.0.0.1:8181
Ends with `entities-formats: N passed, N failed`.
"""
import csv
import datetime
import io
import sys
from decimal import Decimal

import openpyxl

from checks import Checks

c = Checks(sys.argv[1])
year = datetime.date.today().year - 1


def csv_rows(path, token=None):
    status, body, headers = c.call("GET", path, token=token)
    return status, headers, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(path, token=None):
    _, body, _ = c.call("GET", path, token=token)
    return list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


try:
    staff = c.token("reviewer")
    status, headers, rows = csv_rows("/platforms?format=csv")
    c.check("platform registry CSV parses with csv, UTF-8 with BOM, 15 demo platforms, one field per column",
            status == 200 and headers.get("Content-Type", "").startswith("text/csv") and len(rows) == 16
            and all(len(r) == len(rows[0]) for r in rows), rows[:2])
    sheet = xlsx_rows("/platforms?kind=incubator&format=xlsx")
    c.check("incubators XLSX opens in openpyxl: header and the two demo incubators", len(sheet) == 3 and sheet[0][0] == "name", sheet)

    sheet = xlsx_rows(f"/entities/points?year={year}&format=xlsx", staff)
    header = list(sheet[0])
    ti, si = header.index("total"), header.index("stage")
    ranked = [r for r in sheet[1:]]
    ordered = all(not (a[si] == b[si] and b[ti] > a[ti]) for a, b in zip(ranked, ranked[1:]))
    c.check("innovation points XLSX: one row per enterprise, totals and points as numbers, ranked within each stage",
            len(ranked) == 36 and "rd_intensity" in header and all(isinstance(r[ti], (int, float)) for r in ranked) and ordered, sheet[:3])
    weights_ok = all(0 <= (r[ti] or 0) <= 105 for r in ranked)
    c.check("every total lies between 0 and 100 plus the bonus", weights_ok, [r[ti] for r in ranked])

    status, _, rows = csv_rows("/admin/recognitions?format=csv", staff)
    state = rows[0].index("state")
    c.check("recognitions CSV: every record with its state, the expiring one among them",
            status == 200 and len(rows) > 10 and "expiring" in {r[state] for r in rows[1:]}, rows[:3])

    status, _, rows = csv_rows("/admin/platforms/awards?format=csv", staff)
    amounts = [Decimal(r[3]) for r in rows[1:]]
    c.check("platform awards CSV: amounts exact to the fen, matching rules flagged",
            status == 200 and amounts and all(a == a.quantize(Decimal("0.01")) for a in amounts)
            and any(r[5] == "true" for r in rows[1:]), rows[:3])

    sheet = xlsx_rows(f"/entities/tracking?year={year}&format=xlsx", staff)
    c.check("三清零 XLSX lists the 规上 firms still at zero with true/false per flag",
            len(sheet) > 1 and sheet[0][2] == "no_rd_activity" and all(v in ("true", "false", None) for r in sheet[1:] for v in r[2:]), sheet[:3])
except Exception as e:
    c.finish("entities-formats", e)
c.finish("entities-formats")
