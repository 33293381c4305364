#!/usr/bin/env python3
"""Backup taken under write load, restored, and checked table by table against the snapshot.

SQLite: `kechuang backup --to FILE` while eight clients write; the restore is the README's (the file becomes the
data directory's kechuang.sqlite). The restored database must have the snapshot's row count and checksum in every
table, pass PRAGMA integrity_check, and a server started on it must serve it.
PostgreSQL: the README's pg_dump --format=custom / pg_restore path. The dump is taken inside a snapshot exported by
a repeatable-read transaction that also computes the per-table counts and checksums, so "the snapshot" is exactly
what pg_dump saw; the restored database must match it.
In both, the snapshot must be consistent: every booking and contract in it has its audit entry.

    python3 Tests/reliability/backup_restore.py --bin .build/debug/kechuang --sqlite WORKDIR
    python3 Tests/reliability/backup_restore.py --bin .build/debug/kechuang --postgres URL --restore-url URL2
Ends with "backup-<db>: N passed, M failed" and a line of counts.
"""
import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from crash import PASSWORD, Load, Server, call  # noqa: E402


def sqlite_tables(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {}
        for n in names:
            h = hashlib.sha256()
            count = 0
            for row in con.execute(f'SELECT * FROM "{n}" ORDER BY rowid'):
                h.update(repr(row).encode())
                count += 1
            out[n] = (count, h.hexdigest()[:16])
        return out
    finally:
        con.close()


def sqlite_one(path, sql):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


PG_CHECKSUM = "SELECT '{t}', count(*), substr(md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')), 1, 16) FROM \"{t}\" x;"
CONSISTENCY = {
    "bookings without their audit entry":
        "SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.action = 'booking.create' AND upper(a.entity_id) = upper({bid}))",
    "contracts without their audit entry":
        "SELECT count(*) FROM tech_contracts c WHERE NOT EXISTS (SELECT 1 FROM audit_entries a WHERE a.action = 'contract.register' AND upper(a.entity_id) = upper({cid}))",
}


class PsqlSession:
    """One psql process held open, so a transaction (and the snapshot it exports) lives across several queries."""

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", url, "-AtqX", "-F", "\t", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def query(self, sql, rows=1):
        self.p.stdin.write(sql.strip().rstrip(";") + ";\n\\echo __END__\n")
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if line == "" or line.strip() == "__END__":
                return out
            out.append(line.rstrip("\n").split("\t"))

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sqlite", help="work directory")
    ap.add_argument("--postgres")
    ap.add_argument("--restore-url", help="an empty PostgreSQL database to restore into")
    ap.add_argument("--port", type=int, default=8392)
    ap.add_argument("--log", default="backup-serve.log")
    a = ap.parse_args()
    label = "sqlite" if a.sqlite else "postgres"
    env = dict(os.environ, KECHUANG_BCRYPT_COST="4", KECHUANG_RATE_LIMITS="off", KECHUANG_LOG_LEVEL="warning")
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"  {detail}"))

    if a.sqlite:
        live = os.path.join(a.sqlite, "live")
        os.makedirs(live, exist_ok=True)
        env["KECHUANG_DATA_DIR"] = live
    else:
        env["DATABASE_URL"] = a.postgres
    server = Server(a.bin, env, a.port, a.log)
    server.start()
    _, t1 = call(server.base, "POST", "/api/v1/tokens", {"username": "enterprise", "password": PASSWORD, "name": "backup"})
    _, found = call(server.base, "GET", "/api/v1/instruments?per=50")
    instruments = [i["id"] for i in found["items"] if i.get("bookable")][:6]
    load = Load(server, [t1["token"]], instruments, tag="B" + str(int(time.time()) % 100000))
    threads = [threading.Thread(target=load.client, args=(k,), daemon=True) for k in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    sent_before = load.sent
    t0 = time.time()
    if a.sqlite:
        backup = os.path.join(a.sqlite, "kechuang-backup.sqlite")
        out = subprocess.run([a.bin, "backup", "--to", backup], env=env, capture_output=True, text=True)
        took = time.time() - t0
        check("kechuang backup under write load", out.returncode == 0, out.stdout + out.stderr)
    else:
        session = PsqlSession(a.postgres.split("?")[0])
        session.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snap_id = session.query("SELECT pg_export_snapshot()")[0][0]
        tables = [r[0] for r in session.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        snapshot = {}
        for t in tables:
            r = session.query(PG_CHECKSUM.format(t=t))[0]
            snapshot[r[0]] = (int(r[1]), r[2])
        consistency = {k: int(session.query(q.format(bid="b.id::text", cid="c.id::text"))[0][0]) for k, q in CONSISTENCY.items()}
        dump = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"kechuang-{os.getpid()}.dump")
        out = subprocess.run(["pg_dump", "--format=custom", f"--snapshot={snap_id}", "--file", dump, a.postgres.split("?")[0]],
                             capture_output=True, text=True)
        session.query("COMMIT")
        session.close()
        took = time.time() - t0
        check("pg_dump --format=custom under write load, inside the exported snapshot", out.returncode == 0, out.stderr)
    time.sleep(2)
    writes_during = load.sent - sent_before
    load.stop.set()
    for t in threads:
        t.join(timeout=60)
    server.stop()

    if a.sqlite:
        snapshot = sqlite_tables(backup)
        check("the backup passes PRAGMA integrity_check", sqlite_one(backup, "PRAGMA integrity_check") == [("ok",)])
        consistency = {k: sqlite_one(backup, q.format(bid="b.id", cid="c.id"))[0][0] for k, q in CONSISTENCY.items()}
        # Restore as the README says: the server stopped, the old files moved away, the backup in their place.
        restored_dir = os.path.join(a.sqlite, "restored")
        os.makedirs(restored_dir, exist_ok=True)
        shutil.copy(backup, os.path.join(restored_dir, "kechuang.sqlite"))
        restored = sqlite_tables(os.path.join(restored_dir, "kechuang.sqlite"))
        env_r = dict(env, KECHUANG_DATA_DIR=restored_dir)
        if os.path.exists(os.path.join(live, "data.key")):
            shutil.copy(os.path.join(live, "data.key"), os.path.join(restored_dir, "data.key"))
    else:
        out = subprocess.run(["pg_restore", "--no-owner", "--no-comments", "--exit-on-error", "--dbname", a.restore_url.split("?")[0], dump], capture_output=True, text=True)
        check("pg_restore into an empty database", out.returncode == 0, out.stderr[-500:])
        rs = PsqlSession(a.restore_url.split("?")[0])
        restored = {}
        for t in [r[0] for r in rs.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]:
            r = rs.query(PG_CHECKSUM.format(t=t))[0]
            restored[r[0]] = (int(r[1]), r[2])
        rs.close()
        env_r = dict(env, DATABASE_URL=a.restore_url)
        os.remove(dump)

    for k, n in consistency.items():
        check(f"snapshot consistent: no {k}", n == 0, n)
    check(f"restored database has the snapshot's {len(snapshot)} tables", set(restored) == set(snapshot), set(snapshot) ^ set(restored))
    differing = [t for t in snapshot if restored.get(t) != snapshot[t]]
    check("every table's row count and checksum equal the snapshot's", not differing,
          [(t, snapshot[t], restored.get(t)) for t in differing][:5])
    # A server on the restored database starts (migrations already applied) and serves what the snapshot holds.
    server_r = Server(a.bin, env_r, a.port + 1, a.log)
    server_r.start()
    status, body = call(server_r.base, "GET", "/api/v1/instruments?per=1")
    check("a server on the restored database serves its instruments", status == 200 and body["total"] == snapshot["instruments"][0],
          (status, body and body.get("total"), snapshot["instruments"]))
    status, tok = call(server_r.base, "POST", "/api/v1/tokens", {"username": "enterprise", "password": PASSWORD, "name": "after restore"})
    check("demo users sign in on the restored database", status == 201, status)
    server_r.stop()
    rows = sum(n for n, _ in snapshot.values())
    print(f"backup-{label} counts: {len(snapshot)} tables, {rows} rows, backup took {took:.2f} s, {writes_during} writes sent from its start to 2 s after; "
          f"bookings {snapshot['bookings'][0]}, contracts {snapshot['tech_contracts'][0]}, audit entries {snapshot['audit_entries'][0]}")
    print(f"backup-{label}: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
