#!/usr/bin/env python3
"""Crash safety: concurrent writes against `kechuang serve`, killed with SIGKILL mid-load several times.

Eight clients book instruments (many requests collide on purpose) and register technology contracts (each earns
the seller platform points); every few seconds the server is killed with `kill -9` and started again. Afterwards,
straight from the database:
  - every booking and contract that got a 2xx is there (and every contract has its points entry),
  - the audit log has exactly one entry per acknowledged write, and none for a write that is not there,
  - no two pending/confirmed bookings of one instrument overlap,
  - SQLite: PRAGMA integrity_check is ok (PostgreSQL: the exclusion constraint and the same queries).

    python3 Tests/reliability/crash.py --bin .build/debug/kechuang --sqlite DIR      [--kills 5]
    python3 Tests/reliability/crash.py --bin .build/debug/kechuang --postgres URL    [--kills 5]
Ends with "crash-<db>: N passed, M failed" and a line of counts.
"""
import argparse
import datetime
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

PASSWORD = "Demo@2026"
TZ = datetime.timezone(datetime.timedelta(hours=8))


class Server:
    def __init__(self, binary, env, port, log):
        self.binary, self.env, self.port, self.log = binary, env, port, log
        self.proc = None
        self.base = f"http://127.0.0.1:{port}"

    def start(self):
        out = open(self.log, "a")
        self.proc = subprocess.Popen([self.binary, "serve", "--port", str(self.port)], env=self.env, stdout=out, stderr=out)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):
                    return
            except Exception:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
                time.sleep(0.2)
        raise RuntimeError("server did not become healthy")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def call(base, method, path, body=None, token=None, timeout=30):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None


class Load:
    """The clients. Only answers with a 2xx status and an id count as acknowledged."""

    def __init__(self, server, tokens, instruments, tag):
        self.server, self.tokens, self.instruments, self.tag = server, tokens, instruments, tag
        self.lock = threading.Lock()
        self.bookings, self.contracts = set(), set()
        self.sent = self.errors = self.conflicts = 0
        self.status = {}
        self.stop = threading.Event()
        self.serial = 0

    def next_serial(self):
        with self.lock:
            self.serial += 1
            return self.serial

    def booking(self, rnd):
        today = datetime.datetime.now(TZ).date()
        day = today + datetime.timedelta(days=rnd.randint(2, 40))
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        start = datetime.datetime.combine(day, datetime.time(9, 0), TZ) + datetime.timedelta(minutes=30 * rnd.randint(0, 14))
        end = start + datetime.timedelta(minutes=30 * rnd.randint(1, 3))
        inst = rnd.choice(self.instruments)
        return "booking", f"/api/v1/instruments/{inst}/bookings", {"start": start.isoformat(), "end": end.isoformat(), "note": "crash test"}

    def contract(self, rnd):
        n = self.next_serial()
        return "contract", "/api/v1/market/contracts", {
            "contract_number": f"CR-{self.tag}-{n:05d}", "title": f"压力测试技术服务合同 {n}", "type": "service", "field": "hydrogen",
            "seller_region": "150603", "buyer_name": "北京测试科技有限公司", "buyer_region": "110108",
            "total": f"{rnd.randint(1000, 900000)}.{rnd.randint(0, 99):02d}", "technical_income": "1000.00",
            "signed_on": (datetime.datetime.now(TZ).date() - datetime.timedelta(days=1)).isoformat()}

    def client(self, k):
        rnd = random.Random(k)
        token = self.tokens[k % len(self.tokens)]
        while not self.stop.is_set():
            kind, path, body = self.booking(rnd) if rnd.random() < 0.6 else self.contract(rnd)
            with self.lock:
                self.sent += 1
            try:
                status, res = call(self.server.base, "POST", path, body, token)
            except Exception:
                with self.lock:
                    self.errors += 1   # connection refused or reset: the server is down; not acknowledged
                time.sleep(0.05)
                continue
            with self.lock:
                code = res.get("error", {}).get("code") if status >= 400 and isinstance(res, dict) else None
                key = f"{status} {code}" if code else str(status)
                self.status[key] = self.status.get(key, 0) + 1
                if 200 <= status < 300 and res and res.get("id"):
                    (self.bookings if kind == "booking" else self.contracts).add(res["id"].upper())


class Database:
    def __init__(self, sqlite_path=None, pg_url=None):
        self.sqlite_path, self.pg_url = sqlite_path, pg_url

    def rows(self, sql):
        if self.sqlite_path:
            con = sqlite3.connect(self.sqlite_path)
            try:
                return [tuple("" if v is None else str(v) for v in r) for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        out = subprocess.run(["psql", self.pg_url, "-AtF", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True, check=True)
        return [tuple(line.split("\t")) for line in out.stdout.splitlines() if line]

    def ids(self, sql):
        return [r[0].upper() for r in self.rows(sql)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sqlite")
    ap.add_argument("--postgres")
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--interval", type=float, default=3.0, help="seconds of load between kills")
    ap.add_argument("--port", type=int, default=8391)
    ap.add_argument("--log", default="crash-serve.log")
    a = ap.parse_args()
    label = "sqlite" if a.sqlite else "postgres"
    env = dict(os.environ, KECHUANG_BCRYPT_COST="4", KECHUANG_RATE_LIMITS="off", KECHUANG_LOG_LEVEL="warning")
    if a.sqlite:
        env["KECHUANG_DATA_DIR"] = a.sqlite
        db = Database(sqlite_path=os.path.join(a.sqlite, "kechuang.sqlite"))
    else:
        env["DATABASE_URL"] = a.postgres
        db = Database(pg_url=a.postgres.split("?")[0])
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"  {detail}"))

    server = Server(a.bin, env, a.port, a.log)
    server.start()
    _, t1 = call(server.base, "POST", "/api/v1/tokens", {"username": "enterprise", "password": PASSWORD, "name": "crash"})
    _, t2 = call(server.base, "POST", "/api/v1/tokens", {"username": "institution", "password": PASSWORD, "name": "crash"})
    _, found = call(server.base, "GET", "/api/v1/instruments?per=50")
    instruments = [i["id"] for i in found["items"] if i.get("bookable")][:6]
    check("demo instruments to book", len(instruments) >= 3, instruments)
    load = Load(server, [t1["token"], t2["token"]], instruments, tag=str(int(time.time()) % 100000))
    audit_before = {a_: int(n) for a_, n in db.rows(
        "SELECT action, COUNT(*) FROM audit_entries WHERE action IN ('booking.create', 'contract.register', 'points.award') GROUP BY action")}
    threads = [threading.Thread(target=load.client, args=(k,), daemon=True) for k in range(8)]
    for t in threads:
        t.start()
    restarts = []
    for _ in range(a.kills):
        time.sleep(a.interval * random.uniform(0.6, 1.4))
        server.kill9()
        t0 = time.time()
        server.start()
        restarts.append(time.time() - t0)
    time.sleep(a.interval)
    load.stop.set()
    for t in threads:
        t.join(timeout=60)
    server.stop()

    stored_b = set(db.ids("SELECT id FROM bookings"))
    stored_c = set(db.ids("SELECT id FROM tech_contracts"))
    lost_b, lost_c = load.bookings - stored_b, load.contracts - stored_c
    check(f"every acknowledged booking is stored ({len(load.bookings)})", not lost_b, sorted(lost_b)[:5])
    check(f"every acknowledged contract is stored ({len(load.contracts)})", not lost_c, sorted(lost_c)[:5])
    points = set(db.ids("SELECT ref_id FROM points_ledger WHERE ref_type = 'tech_contract'"))
    check("every acknowledged contract earned its points entry", not (load.contracts - points), sorted(load.contracts - points)[:5])

    def audit_ids(action):
        return db.ids(f"SELECT entity_id FROM audit_entries WHERE action = '{action}'")

    for action, acked, stored in [("booking.create", load.bookings, stored_b), ("contract.register", load.contracts, stored_c)]:
        ids = audit_ids(action)
        counts = {}
        for i in ids:
            counts[i] = counts.get(i, 0) + 1
        missing = [i for i in acked if counts.get(i, 0) != 1]
        check(f"one {action} audit entry per acknowledged write", not missing, missing[:5])
        phantom = [i for i in counts if i not in stored]
        check(f"no {action} audit entry without its row", not phantom, phantom[:5])
    new_points = int(db.rows("SELECT COUNT(*) FROM audit_entries WHERE action = 'points.award'")[0][0]) - audit_before.get("points.award", 0)
    stored_new_c = len(stored_c) - int(audit_before.get("contract.register", 0))
    check("one points.award audit entry per new contract", new_points == stored_new_c, f"{new_points} vs {stored_new_c}")

    overlaps = db.rows("""
        SELECT a.id, b.id FROM bookings a JOIN bookings b
          ON a.instrument_id = b.instrument_id AND a.id < b.id
         AND a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
         AND a.start_at < b.blocked_until AND b.start_at < a.blocked_until""")
    check("no two pending or confirmed bookings of one instrument overlap", not overlaps, overlaps[:3])
    if a.sqlite:
        result = db.rows("PRAGMA integrity_check")
        check("PRAGMA integrity_check", result == [("ok",)], result[:3])
    else:
        constraint = db.rows("SELECT conname FROM pg_constraint WHERE conname = 'bookings_no_overlap'")
        check("the exclusion constraint against overlaps is in place", bool(constraint))
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(load.status.items()))
    print(f"crash-{label} counts: {a.kills} kills (restart {min(restarts):.1f}–{max(restarts):.1f} s), {load.sent} writes sent, "
          f"{len(load.bookings)} bookings and {len(load.contracts)} contracts acknowledged, all present; "
          f"{load.errors} cut off by a kill; answers {codes}")
    print(f"crash-{label}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
