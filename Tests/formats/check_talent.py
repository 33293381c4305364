#!/usr/bin/env python3
"""The 人才码 and the talent database read by tools that are not ours: zbar decodes the QR (PNG directly, SVG after
rsvg-convert), `kechuang talent verify` checks codes offline with the published keys and online for revocation,
openpyxl reads the XLSX export (which must carry no ID number).

    python3 Tests/formats/check_talent.py http://127.0.0.1:8181 [.build/debug/kechuang]
Ends with `talent-formats: N passed, N failed`.
"""
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import openpyxl

from checks import Checks

c = Checks(sys.argv[1])
cli = sys.argv[2] if len(sys.argv) > 2 else ".build/debug/kechuang"
tmp = tempfile.mkdtemp()


def decode(path):
    r = subprocess.run(["zbarimg", "-q", "--raw", path], capture_output=True, text=True)
    return r.stdout.strip()


def verify_cli(code, keys, online=None):
    args = [cli, "talent", "verify", code, "--keys", keys] + (["--online", c.base] if online else [])
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def save_keys(name):
    status, body, _ = c.call("GET", "/api/v1/talent/keys")
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(body)
    return status, json.loads(body), path


def issue(token):
    status, body, _ = c.call("POST", "/api/v1/talent/me/code", {}, token=token)
    return status, json.loads(body)


try:
    talent = c.token("talent")
    office = c.token("talentoffice")
    admin = c.token("admin")

    status, code1 = issue(talent)
    c.check("a classified talent gets a code (201)", status == 201 and code1["code"].startswith("KC1:"), (status, code1))
    status, png, headers = c.call("GET", code1["png"], token=talent)
    png_path = os.path.join(tmp, "code.png")
    open(png_path, "wb").write(png)
    c.check("the code's PNG is a PNG", status == 200 and png[:8] == b"\x89PNG\r\n\x1a\n" and headers.get("Content-Type", "").startswith("image/png"), status)
    c.check("zbar decodes the PNG to the code text", decode(png_path) == code1["code"], decode(png_path))
    status, svg, _ = c.call("GET", code1["svg"], token=talent)
    svg_path = os.path.join(tmp, "code.svg")
    open(svg_path, "wb").write(svg)
    raster = os.path.join(tmp, "code-svg.png")
    subprocess.run(["rsvg-convert", "-w", "500", svg_path, "-o", raster], check=True)
    c.check("zbar decodes the SVG (rendered by rsvg-convert) to the code text", decode(raster) == code1["code"], decode(raster))
    status, _, _ = c.call("GET", code1["png"], token=office)
    c.check("another user cannot fetch a talent's QR", status in (403, 404), status)

    status, keys, keys_path = save_keys("keys-before-rotation.json")
    c.check("the key set is published without signing in", status == 200 and keys["keys"] and keys["keys"][0]["algorithm"] == "Ed25519", keys)
    rc, out = verify_cli(code1["code"], keys_path)
    c.check("kechuang talent verify accepts the code offline", rc == 0 and "offline: valid" in out and f"category: {code1['category']}" in out, out)
    rc, out = verify_cli(code1["code"], keys_path, online=True)
    c.check("…and online (not revoked)", rc == 0 and "online: active" in out, out)
    body = code1["code"][4:]
    tampered = "KC1:" + body[:-5] + ("A" if body[-5] != "A" else "B") + body[-4:]
    rc, out = verify_cli(tampered, keys_path)
    c.check("a changed signature is refused offline (bad_signature)", rc == 1 and "bad_signature" in out, out)
    # change the class byte (index 25 of the decoded payload) and re-encode: the signature no longer covers it
    import base64
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[25] = 0
    forged = "KC1:" + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    rc, out = verify_cli(forged, keys_path)
    c.check("a code whose class was raised to A is refused (bad_signature)", rc == 1 and "bad_signature" in out, out)
    rc, out = verify_cli("KC1:not-a-code", keys_path)
    c.check("garbage is refused as malformed", rc == 1 and "malformed" in out, out)

    status, body, _ = c.call("POST", "/admin/talent/keys/rotate", {}, token=admin)
    c.check("an admin rotates the signing key", status in (201, 303), (status, body[:200]))
    status, _, _ = c.call("POST", "/admin/talent/keys/rotate", {}, token=office)
    c.check("the talent office may not rotate keys", status == 403, status)
    status, keys2, keys2_path = save_keys("keys-after-rotation.json")
    c.check("after rotation both keys are published", len(keys2["keys"]) == len(keys["keys"]) + 1, keys2)
    rc, out = verify_cli(code1["code"], keys2_path, online=True)
    c.check("a code signed with the old key still verifies after rotation", rc == 0, out)

    status, code2 = issue(talent)
    c.check("a new code uses the new key", status == 201 and code2["kid"] != code1["kid"], (code1["kid"], code2))
    status, body, _ = c.call("POST", "/api/v1/talent/verify", {"code": code1["code"]})
    answer = json.loads(body)
    c.check("the earlier code is refused online once superseded", status == 200 and answer["online"] == "revoked" and not answer["valid"], answer)
    rc, out = verify_cli(code2["code"], keys_path)
    c.check("the old key set does not know the new key (unknown_key)", rc == 1 and "unknown_key" in out, out)

    talent_id = json.loads(c.call("POST", "/api/v1/talent/verify", {"code": code2["code"]})[1])["talentID"]
    status, _, _ = c.call("POST", f"/admin/talent/{talent_id}/code/revoke", {"reason": "离开本市（测试）"}, token=office)
    c.check("the talent office revokes the code", status in (200, 303), status)
    status, body, _ = c.call("POST", "/api/v1/talent/verify", {"code": code2["code"]})
    answer = json.loads(body)
    c.check("a revoked code is refused online, the offline check still passes", answer["online"] == "revoked" and answer["offline"] == "valid" and not answer["valid"], answer)
    rc, out = verify_cli(code2["code"], keys2_path, online=True)
    c.check("kechuang talent verify --online refuses the revoked code", rc == 1 and "online: revoked" in out, out)
    status, code3 = issue(talent)
    c.check("the talent can be issued a fresh code afterwards", status == 201, status)

    status, body, _ = c.call("GET", "/admin/talent?format=xlsx", token=office)
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    flat = " ".join(str(v) for r in data for v in r if v is not None)
    c.check("the talent XLSX has the database's columns and rows", status == 200 and "category" in header and "id_masked" in header and len(data) >= 6, (header, len(data)))
    c.check("the XLSX carries no full ID number and no phone", not re.search(r"\d{17}[\dX]", flat) and not re.search(r"1[3-9]\d{9}", flat), flat[:300])
    status, body, _ = c.call("GET", "/admin/talent?format=xlsx", token=c.token("enterprise"))
    c.check("an enterprise cannot export the talent database", status == 403, status)
    status, body, _ = c.call("GET", "/services/requests?format=csv", token=office)
    text = body.decode("utf-8-sig")
    c.check("the service queue CSV lists requests with their overdue flag", status == 200 and text.splitlines()[0].startswith("service,unit,talent,state") and ",true" in text, text[:300])
except Exception as e:  # a crash is a failure, with the reason printed
    c.finish("talent-formats", e)
c.finish("talent-formats")
