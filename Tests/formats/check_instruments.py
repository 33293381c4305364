#!/usr/bin/env python3
"""Instrument-sharing files checked by tools that are not ours: the python `icalendar` package parses the
instrument feed and a user's secret feed; openpyxl reads a monthly statement (its lines must add up to its total,
exactly, in fen) and the sharing-evaluation workbook.

    python3 Tests/formats/check_instruments.py http://127.0.0.1:8181
Ends with `instrument-formats: N passed, N failed`.
"""
import datetime
import decimal
import io
import json
import re
import sys
import urllib.parse

import icalendar
import openpyxl

from checks import Checks

c = Checks(sys.argv[1])

try:
    ent, inst, rev = c.token("enterprise"), c.token("institution"), c.token("reviewer")
    _, body, _ = c.call("GET", "/api/v1/instruments?q=" + urllib.parse.quote("X射线衍射"))
    xrd = json.loads(body)["items"][0]["id"]
    bj = datetime.timezone(datetime.timedelta(hours=8))
    day = datetime.date.today() + datetime.timedelta(days=3)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    start = datetime.datetime(day.year, day.month, day.day, 13, 0, tzinfo=bj)
    status, body, _ = c.call("POST", f"/api/v1/instruments/{xrd}/bookings",
                           {"start": start.isoformat(), "end": (start + datetime.timedelta(hours=2)).isoformat(), "note": "晶体结构, 测试; 备注"}, ent)
    c.check("a booking is made through the API", status == 201, body)

    status, body, headers = c.call("GET", f"/instruments/{xrd}/calendar.ics")
    cal = icalendar.Calendar.from_ical(body)
    events = [e for e in cal.walk("VEVENT")]
    starts = [e.decoded("DTSTART") for e in events]
    c.check("the instrument feed parses with icalendar and holds the booking at 05:00 UTC",
          headers.get("Content-Type", "").startswith("text/calendar") and start.astimezone(datetime.timezone.utc) in starts, starts[:5])
    c.check("the public feed names no user and carries no note", b"enterprise" not in body and "晶体结构".encode() not in body, body[:300])

    c.call("POST", "/bookings/calendar", {}, ent, form=True)
    _, page, _ = c.call("GET", "/bookings", token=ent)
    m = re.search(rb"/calendar/([A-Za-z0-9_-]+)\.ics", page)
    status, body, _ = c.call("GET", f"/calendar/{m.group(1).decode()}.ics") if m else (0, b"", {})
    mine = icalendar.Calendar.from_ical(body) if status == 200 else None
    notes = [str(e.get("DESCRIPTION")) for e in mine.walk("VEVENT")] if mine else []
    c.check("the secret personal feed parses and carries the note with its comma and semicolon unescaped",
          any("晶体结构, 测试; 备注" in n for n in notes), notes[:3])

    _, page, _ = c.call("GET", "/instruments/statements", token=inst)
    links = re.findall(rb'href="(/instruments/statements/[0-9A-F-]+\?owner=[0-9A-F-]+&(?:amp;)?month=[0-9-]+)"', page)
    c.check("the owner's statement summary lists client organisations", len(links) > 0, page[:200])
    if links:
        path = links[0].decode().replace("&amp;", "&") + "&format=xlsx"
        status, body, headers = c.call("GET", path, token=inst)
        wb = openpyxl.load_workbook(io.BytesIO(body))
        rows = list(wb.active.iter_rows(values_only=True))
        fees = [decimal.Decimal(str(r[6])) for r in rows[1:-1]]
        total = decimal.Decimal(str(rows[-1][6]))
        c.check("the statement XLSX opens in openpyxl and its lines add up to its total exactly",
              len(fees) > 0 and sum(fees) == total and all(f == f.quantize(decimal.Decimal("0.01")) for f in fees), (len(fees), sum(fees), total))

    status, body, _ = c.call("GET", "/instruments/evaluation.xlsx", token=rev)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    rows = list(wb.active.iter_rows(values_only=True))
    c.check("the evaluation workbook ranks the units with their grades", status == 200 and len(rows) >= 4 and rows[1][0] == 1 and rows[0][1] == "管理单位", rows[:2])
except Exception as e:  # report, do not hide
    c.finish("instrument-formats", e)
c.finish("instrument-formats")
