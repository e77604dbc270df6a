"""A simulated day and the day after it (issue 12): what the incremental crawl saves.

    .venv/bin/python bench/day_after.py [--portals 1000] [--churn 0.03] [--days 2] [--compare-full] [--keep DIR]

Generated portals of the five CMS families (`SimNetwork(extra_portals=N)`), whose day 2 changes
`--churn` of them (a new plan on that share, an edit and a removal on a third as many; the registry
portals are not crawled). Day 1 is crawled into a fresh SQLite database (nothing is known: a full
crawl), then day 2 incrementally (`cchc crawl`, default settings but politeness delays off, as in
bench/crawl_bench.py). `--compare-full` also crawls day 2 with `--full` into a copy of day 1's
database, for the cost the incremental crawl replaces.

Prints, per day: requests the servers received (the simulator's count, 304s included, and how many
were 304), responses Scrapy counted, pages extracted, rows stored in `fetches`, CPU seconds of the
crawl's process tree, wall time; then day 2 / day 1 for each. Database growth (the SQLite file's pages
per b-tree, `dbstat`; raw page copies and their metadata counted apart as evidence) by table and, for
day 2, by b-tree (each index apart).

`--days N` crawls days 3..N incrementally too and prints each one's growth. Day 2 also pays a one-off:
SQLite stores the integer 1 in no bytes and 2..127 in one, so every row day 2 rewrites from run 1 to
run 2 (`documents.last_seen_run_id`, `page_validators.run_id`, `sighting_intervals.last_run_id`) grows
by a byte and splits its full pages; from day 3 a rewritten row keeps its size (the same happens once
more at run 128, and at 32,768). Day 3 is the steady unchanged day.

Measured 2026-11-30 18:54-19:02 UTC, 1,000 portals, default settings, load ~1, after feeds read
through what stands for them (their home page, an earlier feed) and 404 guesses asked monthly:
requests 18.7 % (3,712 of 19,863; 21.8 % before), extractions 0.9 %, CPU 16.2 % (78.9 of 485.4 s; the
machine ran about twice as slow as the day before), sightings 98.7 % as before, growth 1.15 KB per
portal (4.50 MB/day at 4,000 portals). Per portal on day 2: robots.txt 1.00, home 1.00, feeds 0.72
(1.20 before), first register pages 0.46, listing pages 0.24, sitemap files 0.11 and 404 probes 0.015
(0.18 before), documents 0.16 (README, "Incremental crawling").

Measured 2026-11-29 21:18-21:30 UTC, 1,000 portals, `--days 3`, load average 3.8-9.0 (the shared
2-core machine), after the record-hash fix (an unchanged attachment is no longer rewritten and
re-indexed), the visitor counter copy kept only when it adds something and repeated 404s of discovery
pages counted instead of stored (migration 0015): day 2 grew 1,288 KB (1.29 KB per portal: 5.03 MB/day
at 4,000 portals; `documents` 208 KB, `page_validators` 160, `sighting_intervals` 52 of it, against 20,
40 and 0 on day 3: mostly the one-off above), day 3 0.91 KB per portal (3.55 MB/day at 4,000, under
the 5 MB target): readings 540 KB (visitor 160, widget 148, health 132, yields 100, with their indexes),
document_versions 192, search index 64, page_validators 40, fetches 28 (43 rows). Day 2 stored 45 fetch
rows (540 before the 404 change, 149 of 160 at 300 portals were 404s answered again). Requests
39.3 %, extractions 5.5 %, CPU 28.8 % of day 1. The same code at 300 portals (21:13-21:18 UTC): day 2
1.32, day 3 0.89 KB per portal; before the three changes (20:39-20:44 UTC) day 2 2.25 KB per portal.

Measured 2026-11-30, 300 portals, default settings, before (d66f15c, 04:27-04:35 UTC, load 9.1-5.9) and
after this round (04:35-04:41 UTC, load 5.9-5.1), back to back: requests 27.9 % -> 23.5 % (1,618 ->
1,366 of ~5,809), extractions 1.5 % both, day-2 CPU 31.2 -> 19.9 s. Day 1's CPU for the same code
varied from 53 to 186 s with the load on the shared 2-core machine, so the printed CPU ratio (16.8 % ->
14.5 %) says little; against a quiet day 1 (53-63 s) day 2 is ~25-33 %. Day 2's requests per portal
after: robots.txt 1.0, home 1.0, feeds 1.2, first register pages 0.56, first listing pages 0.25 (a
listing its feed or home page covers is read through it between full walks), sitemap files 0.19,
documents 0.36 (README, "Incremental crawling").
Earlier (2026-11-29, 300 portals, load 8.1-10.4): requests 27.8 %, extractions 1.5 %, CPU 33.4 % (17.7
of 53.0 s); daily sitemaps 33.1 %; --full day 2 92 % of requests, 97-108 % of CPU.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from procmem import become_subreaper, reap_orphans  # noqa: E402


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process tree so far: with `main` a subreaper
    (`bench.procmem.become_subreaper`) and the orphans reaped after each crawl, that includes the
    extraction pool's forkserver and workers, which the crawl never waits for."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


#: tables holding raw page copies and their metadata (evidence), counted apart from the snapshot's growth
EVIDENCE_TABLES = {"blobs", "raw_fetches", "version_evidence", "widget_evidence"}


def btree_bytes(db: Path) -> dict[str, int]:
    """Bytes of each b-tree (table or index) of the SQLite file (the `dbstat` virtual table), after a
    checkpoint: whole pages, so a b-tree that gained a few rows may show 0 or one page (4 KB)."""
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return {name: int(size) for name, size in con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")}


def table_bytes(db: Path) -> dict[str, int]:
    """Bytes of each table with its indexes (`btree_bytes` summed by the table an index belongs to)."""
    with sqlite3.connect(db) as con:
        owner = dict(con.execute("SELECT name, tbl_name FROM sqlite_schema").fetchall())
    out: dict[str, int] = {}
    for name, size in btree_bytes(db).items():
        table = owner.get(name, name)
        out[table] = out.get(table, 0) + size
    return out


def dir_bytes(path: Path) -> int:
    """Bytes of every file under `path` (the blob store: raw page copies kept as evidence)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def blob_bytes(db: Path) -> int:
    """Bytes of the blob store in the database's data folder (`storage.datadir`)."""
    from sqlalchemy.engine import make_url

    from storage.datadir import data_dir

    return dir_bytes(data_dir(make_url(f"sqlite:///{db}")) / "blobs")


def crawl_day(net, db: Path, registry: Path, env: dict[str, str], *extra: str, profile: str | None = None) -> dict[str, Any]:
    """One `cchc crawl` of the network's current day into `db`; its costs."""
    before = table_bytes(db) if db.exists() else {}
    trees_before = btree_bytes(db) if db.exists() else {}
    blobs_before = blob_bytes(db)
    net.reset_counts()
    cpu0, t0 = children_cpu(), time.monotonic()
    runner = [sys.executable, "-m", "cProfile", "-o", profile] if profile else [sys.executable]
    proc = subprocess.run([*runner, "-m", "cli", "crawl", "--db", str(db), "--registry", str(registry), *extra],
                          cwd=ROOT, env={**env, **net.env()}, capture_output=True, text=True)
    wall = time.monotonic() - t0
    reap_orphans()
    cpu = children_cpu() - cpu0
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
        raise SystemExit(f"crawl failed with exit {proc.returncode}")
    served = net.reset_counts()
    after = table_bytes(db)
    growth = {t: after.get(t, 0) - before.get(t, 0) for t in after}
    trees_after = btree_bytes(db)
    trees = {t: trees_after.get(t, 0) - trees_before.get(t, 0) for t in trees_after}
    blobs = blob_bytes(db) - blobs_before
    with sqlite3.connect(db) as con:
        run_id, stats = con.execute("SELECT id, stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        fetch_rows = con.execute("SELECT count(*) FROM fetches WHERE run_id = ?", (run_id,)).fetchone()[0]
        sightings = seen_in_run(con, run_id)
    per_spider = {name: s for name, s in json.loads(stats).items() if isinstance(s, dict)}

    def total(key: str) -> int:
        return sum(int(s.get(key, 0)) for s in per_spider.values())

    return {
        "requests": served.get("requests", 0), "not_modified": served.get("not_modified", 0),
        "responses": total("response_received_count"), "extractions": total("cchc/extract/records"),
        "fetch_rows": fetch_rows, "sightings": sightings, "cpu": cpu, "wall": wall,
        "db_kb": sum(v for t, v in growth.items() if t not in EVIDENCE_TABLES) / 1024,
        "evidence_kb": (sum(v for t, v in growth.items() if t in EVIDENCE_TABLES) + blobs) / 1024,
        "growth": growth, "trees": trees,
        "by_spider": {name: {k.removeprefix("cchc/responses/"): int(v) for k, v in s.items()
                             if k.startswith("cchc/responses/")} | {"total": int(s.get("response_received_count", 0))}
                      for name, s in per_spider.items()},
    }


def seen_in_run(con: sqlite3.Connection, run_id: int) -> int:
    """Documents the run saw: sighting intervals covering it (or, on an older schema, its rows)."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    if "sighting_intervals" in tables:
        return int(con.execute("SELECT count(DISTINCT document_id) FROM sighting_intervals "
                               "WHERE first_run_id <= ? AND last_run_id >= ?", (run_id, run_id)).fetchone()[0])
    return int(con.execute("SELECT count(*) FROM document_sightings WHERE run_id = ?", (run_id,)).fetchone()[0])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=1000)
    ap.add_argument("--churn", type=float, default=0.03, help="share of portals with a new document on day 2")
    ap.add_argument("--compare-full", action="store_true", help="also crawl day 2 with --full (on a copy)")
    ap.add_argument("--days", type=int, default=2, help="crawl days 3..N too (incrementally) and print each one's "
                    "growth: day 2 alone also pays one-off costs (see the docstring)")
    ap.add_argument("--keep", metavar="DIR", help="copy both days' database into DIR (day1.sqlite, days.sqlite)")
    ap.add_argument("--profile", metavar="FILE", help="profile day 2's main process with cProfile into FILE "
                    "(read with `python -m pstats FILE`; CPU figures then include the profiler's cost)")
    args = ap.parse_args()
    if args.days < 2:
        ap.error("--days must be 2 or more")
    if not become_subreaper():
        print("note: not a subreaper here: CPU figures miss the extraction pool's workers")

    from sim.network import SimNetwork

    with tempfile.TemporaryDirectory() as tmp, SimNetwork(day=1, seed=0, extra_portals=args.portals, extra_scheme="http",
                                                          extra_churn=args.churn) as net:
        registry = Path(tmp) / "portals.csv"
        net.write_registry(registry, only_extra=True)
        db = Path(tmp) / "days.sqlite"
        env = {
            **os.environ, "CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "8",
            "CCHC_CONCURRENT_REQUESTS": "64", "CCHC_FILES_STORE": str(Path(tmp) / "files"),
            "CCHC_DOWNLOAD_TIMEOUT": "10",
        }
        env.pop("CCHC_DB", None)
        day1 = crawl_day(net, db, registry, env)
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(db, Path(args.keep) / "day1.sqlite")
        net.set_day(2)
        changes = [c for c in net.world.changes if c.day == 2 and c.portal_id.startswith("b-")]
        full2 = None
        if args.compare_full:
            shutil.copy(db, Path(tmp) / "full.sqlite")
        day2 = crawl_day(net, db, registry, env, profile=args.profile)
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(db, Path(args.keep) / db.name)
        if args.compare_full:
            full2 = crawl_day(net, Path(tmp) / "full.sqlite", registry, env, "--full")
        later: list[tuple[int, int, dict[str, Any]]] = []  # days 3..N: no longer holding day 2's one-off costs
        for k in range(3, args.days + 1):
            net.set_day(k)
            n_changes = sum(1 for c in net.world.changes if c.day == k and c.portal_id.startswith("b-"))
            later.append((k, n_changes, crawl_day(net, db, registry, env)))

    kinds = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "edited", "removed")}
    print(f"portals: {args.portals} generated (five CMS families); day 2 changes: {kinds}")
    rows = [("requests served (304s incl.)", "requests"), ("  of which 304", "not_modified"),
            ("responses (Scrapy)", "responses"), ("pages extracted", "extractions"), ("fetch rows stored", "fetch_rows"),
            ("documents seen (sightings)", "sightings"), ("CPU seconds (crawl tree)", "cpu"), ("wall seconds", "wall"),
            ("DB growth KB (no evidence)", "db_kb"), ("evidence growth KB", "evidence_kb")]
    head = f"{'':30} {'day 1':>10} {'day 2':>10} {'day2/day1':>10}"
    if full2:
        head += f" {'day 2 full':>11} {'full/day1':>10}"
    print(head)
    for label, key in rows:
        a, b = day1[key], day2[key]
        line = f"{label:30} {a:>10.1f} {b:>10.1f} {(b / a if a else float('nan')):>10.1%}"
        if full2:
            line += f" {full2[key]:>11.1f} {(full2[key] / a if a else float('nan')):>10.1%}"
        print(line)
    per_portal = day2["db_kb"] / max(1, args.portals)
    print(f"DB growth on day 2: {per_portal:.2f} KB/portal -> {per_portal * 4000 / 1024:.2f} MB/day at 4,000 portals "
          f"(scaled from {args.portals}; evidence apart: {day2['evidence_kb'] / max(1, args.portals) * 4000 / 1024:.2f} MB)")
    for n, _, figures in later:
        kb = figures["db_kb"] / max(1, args.portals)
        print(f"DB growth on day {n}: {kb:.2f} KB/portal -> {kb * 4000 / 1024:.2f} MB/day at 4,000 portals "
              f"(fetch rows {figures['fetch_rows']}, pages extracted {figures['extractions']}, requests {figures['requests']}); "
              "by b-tree (KB):", ", ".join(f"{t} {v / 1024:.0f}" for t, v in
                                          sorted(((t, v) for t, v in figures["trees"].items() if v), key=lambda tv: -tv[1])))
    for day, figures in (("day 1", day1), ("day 2", day2)):
        top = sorted(((t, v) for t, v in figures["growth"].items() if v), key=lambda tv: -tv[1])
        top = top if day == "day 2" else top[:8]  # day 2: every table (tables and their indexes together)
        print(f"growth by table, {day} (KB):", ", ".join(f"{t} {v / 1024:.0f}" for t, v in top))
    trees = sorted(((t, v) for t, v in day2["trees"].items() if v), key=lambda tv: -tv[1])
    print("growth by b-tree, day 2 (KB; each table and index apart):", ", ".join(f"{t} {v / 1024:.0f}" for t, v in trees))
    print("responses by spider and kind (day 1 -> day 2):")
    for name in day1["by_spider"]:
        answered = sorted(set(day1["by_spider"][name]) | set(day2["by_spider"].get(name, {})))
        print(f"  {name:10}", ", ".join(f"{k} {day1['by_spider'][name].get(k, 0)}->{day2['by_spider'].get(name, {}).get(k, 0)}"
                                       for k in answered))
    if later:
        print("later days / day 1 (requests, of which 304, extractions, CPU; re-check spider responses):")
    for k, n_changes, fig in later:
        print(f"  day {k} ({n_changes} changes): requests {fig['requests'] / day1['requests']:.1%} "
              f"({fig['requests']:.0f}, {fig['not_modified']:.0f} 304s), extractions "
              f"{fig['extractions'] / day1['extractions']:.1%}, CPU {fig['cpu'] / day1['cpu']:.1%} "
              f"({fig['cpu']:.1f} s), re-check {fig['by_spider'].get('recheck', {}).get('total', 0)}, "
              f"DB {fig['db_kb'] / max(1, args.portals):.2f} KB/portal")
    print("target (issue 12): day 2 < 20 % of day 1 in requests, extractions and CPU")


if __name__ == "__main__":
    main()
