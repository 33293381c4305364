#!/usr/bin/env python3
"""API fuzzing with schemathesis against a running `kechuang serve`.

Runs every operation of /api/openapi.json once without credentials and once with a bearer token of each role,
with a fixed number of generated examples per operation (plus schemathesis' coverage phase: boundary values,
missing and wrong-typed fields). A run passes when no response is a 5xx and every response has a documented
status code, the documented content type and a body matching the documented schema.

    python3 Tests/api/fuzz.py http://127.0.0.1:8181 [--examples 40] [--report-dir DIR]

Prints one line per identity and "fuzz: N cases, M operations, K server errors"; exits 1 on any failure.
The server should run with KECHUANG_RATE_LIMITS=off: the fuzzer sends thousands of requests from one
address, and answers of 429 would hide the handlers behind them (the limits have their own tests).
"""
import argparse
import json
import re
import subprocess
import sys
import urllib.request

ROLES = ["admin", "reviewer", "enterprise", "institution", "talent", "broker"]
PASSWORD = "Demo@2026"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def token_for(base, username):
    body = json.dumps({"username": username, "password": PASSWORD, "name": "fuzz"}).encode()
    req = urllib.request.Request(base + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)["token"]


def run(base, identity, token, examples, report_dir):
    cmd = ["st", "run", base + "/api/openapi.json", "--url", base,
           "--phases", "examples,coverage,fuzzing", "-n", str(examples), "--seed", "20261203",
           "--checks", CHECKS, "--generation-database", "none", "--suppress-health-check", "all",
           "--no-color", "-w", "1", "--request-timeout", "30",
           "--report", "junit", "--report-junit-path", f"{report_dir}/fuzz-{identity}.xml"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    text = out.stdout + out.stderr
    with open(f"{report_dir}/fuzz-{identity}.log", "w") as f:
        f.write(text)
    cases = re.search(r"(\d+) generated", text)
    tested = re.search(r"Tested: (\d+)", text)
    server_errors = len(re.findall(r"Server error", text))
    failures = re.search(r"(\d+) found (\d+) unique failures", text)
    n_fail = int(failures.group(2)) if failures else (0 if out.returncode == 0 else -1)
    return {
        "identity": identity,
        "cases": int(cases.group(1)) if cases else 0,
        "operations": int(tested.group(1)) if tested else 0,
        "server_errors": server_errors,
        "failures": n_fail,
        "ok": out.returncode == 0,
        "tail": "\n".join(text.splitlines()[-40:]),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--examples", type=int, default=40, help="generated examples per operation and identity")
    ap.add_argument("--report-dir", default=".")
    a = ap.parse_args()
    base = a.base.rstrip("/")
    identities = [("anonymous", None)] + [(r, token_for(base, r)) for r in ROLES]
    results = []
    for identity, token in identities:
        r = run(base, identity, token, a.examples, a.report_dir)
        results.append(r)
        print(f"  {identity:12} {r['cases']:6} cases, {r['operations']} operations, "
              f"{r['server_errors']} server errors, {r['failures']} failures")
        if not r["ok"]:
            print(r["tail"])
    total = sum(r["cases"] for r in results)
    ops = max(r["operations"] for r in results)
    errors = sum(r["server_errors"] for r in results)
    failed = [r["identity"] for r in results if not r["ok"]]
    print(f"fuzz: {total} cases, {ops} operations, {errors} server errors, "
          f"{a.examples} examples per operation and identity, {len(identities)} identities"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed or errors else 0)


if __name__ == "__main__":
    main()
