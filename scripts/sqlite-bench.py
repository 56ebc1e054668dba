#!/usr/bin/env python3
"""SQLite (WAL, FTS5) with the leads of a leadcap store, for docs/benchmarks.md.

Usage: sqlite-bench.py EXPORT.jsonl LIST.jsonl OUT.sqlite

EXPORT.jsonl is `leadcap export --format jsonl` of the store (every lead as
stored), LIST.jsonl is `leadcap list --json` of the same store (its stage and
sync status), in the same order (newest first). The script loads the leads
into SQLite as leadcap would keep them there (the lead JSON, the list columns,
an FTS5 index on name, organization and emails, indexes for the filters, the
duplicate key, the outbox with its schedule and the sync state), then times
the same reads and writes as storage's BenchmarkScale* (best of several runs,
in milliseconds) and prints the bytes per lead.
"""
import json
import os
import sqlite3
import statistics
import sys
import time
import uuid

STAGES = {"lead": 1, "prospect": 2, "disqualified": 3}
SYNCS = {"pending": 1, "synced": 2, "failed": 3, "dead": 4}

SCHEMA = """
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE events(id BLOB PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE leads(
  rowid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, event_id BLOB NOT NULL,
  captured_at INTEGER NOT NULL, stage INTEGER NOT NULL, rating TEXT, sync INTEGER NOT NULL,
  name TEXT, org TEXT, emails TEXT, dup_key TEXT, json TEXT NOT NULL);
CREATE INDEX leads_time ON leads(captured_at);
CREATE INDEX leads_event ON leads(event_id, captured_at);
CREATE INDEX leads_stage ON leads(stage, captured_at);
CREATE UNIQUE INDEX leads_dup ON leads(event_id, dup_key) WHERE dup_key IS NOT NULL;
CREATE VIRTUAL TABLE leads_fts USING fts5(name, org, emails, content='leads', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 2');
CREATE TABLE outbox(lead_id BLOB PRIMARY KEY, version INTEGER, seq INTEGER, enqueued INTEGER,
  attempts INTEGER, next_attempt INTEGER, last_error TEXT) WITHOUT ROWID;
CREATE INDEX outbox_due ON outbox(next_attempt, seq);
CREATE TABLE sync_state(lead_id BLOB PRIMARY KEY, synced_at INTEGER, version INTEGER, remote_id TEXT) WITHOUT ROWID;
CREATE TABLE dead(lead_id BLOB PRIMARY KEY, json TEXT) WITHOUT ROWID;
"""

INSERT_LEAD = """INSERT INTO leads(id, event_id, captured_at, stage, rating, sync, name, org, emails, dup_key, json)
VALUES (?,?,?,?,?,?,?,?,?,?,?)"""
INSERT_FTS = "INSERT INTO leads_fts(rowid, name, org, emails) VALUES (?,?,?,?)"


def nanos(ts):
    # "2025-01-10T00:00:21Z" or with fractional seconds; ordering is all that matters here.
    return int(time.mktime(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) * 1e9 + float("0" + ts[19:].rstrip("Z") or 0) * 1e9)


def row(rec, info):
    lead = {k: v for k, v in rec.items() if k != "event"}
    c = lead.get("contact", {})
    name = c.get("full_name") or " ".join(x for x in (c.get("given_name"), c.get("family_name")) if x)
    emails = c.get("emails") or []
    phones = [p.get("number") for p in c.get("phones") or [] if p.get("number")]
    dup = ("email:" + emails[0].lower()) if emails else ("phone:" + phones[0]) if phones else None
    return (uuid.UUID(lead["id"]).bytes, uuid.UUID(lead["event_id"]).bytes, nanos(lead["captured_at"]),
            STAGES[info["stage"]], lead.get("rating"), SYNCS[info["sync"]["status"]], name,
            c.get("organization", ""), "\n".join(emails), dup, json.dumps(lead, ensure_ascii=False, separators=(",", ":")))


def load(db, export, listing):
    db.executescript(SCHEMA)
    events, seq, n = set(), 0, 0
    with open(export) as fe, open(listing) as fl:
        db.execute("BEGIN")
        for line_e, line_l in zip(fe, fl):
            rec, info = json.loads(line_e), json.loads(line_l)
            assert rec["id"] == info["id"], "the two files are not in the same order"
            ev = rec.get("event")
            if ev and ev["id"] not in events:
                events.add(ev["id"])
                db.execute("INSERT INTO events VALUES (?,?)", (uuid.UUID(ev["id"]).bytes, json.dumps(ev)))
            r = row(rec, info)
            cur = db.execute(INSERT_LEAD, r)
            db.execute(INSERT_FTS, (cur.lastrowid, r[6], r[7], r[8]))
            status = info["sync"]["status"]
            if status in ("pending", "failed"):
                seq += 1
                db.execute("INSERT INTO outbox VALUES (?,?,?,?,?,?,?)", (r[0], 1, seq, r[2], info["sync"]["attempts"], r[2] + seq, info["sync"]["last_error"]))
            elif status == "synced":
                db.execute("INSERT INTO sync_state VALUES (?,?,?,?)", (r[0], r[2], 1, "crm-" + rec["id"][:8]))
            else:
                db.execute("INSERT INTO dead VALUES (?,?)", (r[0], json.dumps({"reason": info["sync"]["last_error"]})))
            n += 1
            if n % 10000 == 0:
                db.execute("COMMIT")
                db.execute("BEGIN")
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return n, seq


def best(fn, runs=int(os.environ.get("SQLITE_BENCH_RUNS", "20"))):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000, statistics.median(times) * 1000


LIST_COLS = "SELECT id, event_id, name, org, emails, stage, rating, sync, captured_at FROM leads"


def search(words, event=None, limit=50):
    q = " ".join('"%s"*' % w for w in words)
    sql = LIST_COLS + " WHERE rowid IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ?)"
    args = [q]
    if event:
        sql += " AND event_id = ?"
        args.append(event)
    sql += " ORDER BY captured_at DESC"
    if limit:
        sql += " LIMIT %d" % limit
    return sql, args


def drop_cache(path):
    for p in (path, path + "-wal"):
        if os.path.exists(p):
            fd = os.open(p, os.O_RDONLY)
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)


def main():
    export, listing, out = sys.argv[1:4]
    for p in (out, out + "-wal", out + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    db = sqlite3.connect(out, isolation_level=None)
    t = time.perf_counter()
    n, pending = load(db, export, listing)
    print("loaded %d leads in %.1f s" % (n, time.perf_counter() - t))
    size = os.path.getsize(out)
    print("file %.1f MiB, %.0f bytes/lead" % (size / 2**20, size / n))

    ev3 = db.execute("SELECT id FROM events ORDER BY json LIMIT 1 OFFSET 3").fetchone()[0]
    ev2 = db.execute("SELECT id FROM events ORDER BY json LIMIT 1 OFFSET 2").fetchone()[0]
    one = "person%d" % (n * 7 // 9)
    queries = [
        ("first-page", LIST_COLS + " ORDER BY captured_at DESC LIMIT 50", [], 50),
        ("event-first-page", LIST_COLS + " WHERE event_id = ? ORDER BY captured_at DESC LIMIT 50", [ev3], 50),
        ("prospects-first-page", LIST_COLS + " WHERE stage = 2 ORDER BY captured_at DESC LIMIT 50", [], 50),
        ("failed-first-page", LIST_COLS + " WHERE sync = 3 ORDER BY captured_at DESC LIMIT 50", [], 50),
        ("search-common-first-page",) + search(["muller"]) + (50,),
        ("search-one-email",) + search([one], limit=0) + (1,),
        ("search-no-match",) + search(["zzzzqqq"], limit=0) + (0,),
        ("search-in-event-first-page",) + search(["cafe", "zurich"], event=ev2) + (None,),
        ("status", "SELECT stage, sync, count(*) FROM leads GROUP BY stage, sync", [], None),
        ("search-common-count", "SELECT count(*) FROM leads_fts WHERE leads_fts MATCH ?", ['"muller"*'], None),
    ]
    for name, sql, args, want in queries:
        rows = db.execute(sql, args).fetchall()
        if want is not None and len(rows) != want:
            sys.exit("%s: %d rows, want %d" % (name, len(rows), want))
        b, m = best(lambda: db.execute(sql, args).fetchall())
        print("%-28s best %8.3f ms  median %8.3f ms  rows %d" % (name, b, m, len(rows)))

    sql, args = search(["muller"])[0], search(["muller"])[1]
    colds = []
    for _ in range(5):
        db.close()
        drop_cache(out)
        t = time.perf_counter()
        db = sqlite3.connect(out, isolation_level=None)
        db.execute(sql, args).fetchall()
        colds.append((time.perf_counter() - t) * 1000)
    print("%-28s best %8.3f ms  median %8.3f ms" % ("search-cold", min(colds), statistics.median(colds)))

    lat = []
    evid = db.execute("SELECT id FROM events LIMIT 1").fetchone()[0]
    for i in range(200):
        lid = uuid.uuid4().bytes
        lead = {"id": str(uuid.UUID(bytes=lid)), "contact": {"full_name": "New Person %d" % i, "emails": ["new%d@example.org" % i]}}
        t = time.perf_counter()
        db.execute("BEGIN")
        cur = db.execute(INSERT_LEAD, (lid, evid, time.time_ns(), 1, "unrated", 1, "New Person %d" % i, "", "new%d@example.org" % i,
                                       "email:new%d@example.org" % i, json.dumps(lead)))
        db.execute(INSERT_FTS, (cur.lastrowid, "New Person %d" % i, "", "new%d@example.org" % i))
        db.execute("INSERT INTO outbox VALUES (?,?,?,?,?,?,?)", (lid, 1, pending + i + 1, time.time_ns(), 0, time.time_ns(), ""))
        db.execute("COMMIT")
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    print("%-28s p50 %8.3f ms  p99 %8.3f ms" % ("add-lead (commit each)", lat[len(lat) // 2], lat[int(len(lat) * 0.99)]))


if __name__ == "__main__":
    main()
