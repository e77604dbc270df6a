"""Workers benchmark: one simulated day crawled into PostgreSQL by `cchc crawl` in one process (the
anchor, same run of this script) and by `cchc crawl --workers N` for N in --workers, Redis on loopback.

    .venv/bin/python bench/workers_bench.py [--portals 60] [--workers 1,2,3] [--polite]

Prints per crawl: wall time, responses and responses/s, the most requests any host received in one
second (across every worker: the shared per-host limit holds when it stays within CCHC_PER_HOST ×
1/DOWNLOAD_DELAY), peak memory of the crawl's process tree, and whether the documents equal the
anchor's. Without --polite the delays are off (through the same CCHC_* settings users have) so the
figures show the machinery, not the politeness; with it, the default delay (0.5 s) and AutoThrottle.
Databases `cchc_workers_bench_*` and Redis db 1 (prefix workers:bench:) are dropped afterwards.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawl_bench import run_measured  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/1"
VOLATILE = {"fetched_at", "first_seen_at", "last_seen_at"}


def max_per_host_second(log: Path) -> tuple[int, str]:
    """The most requests one host received within one second (sliding by whole seconds)."""
    buckets: collections.Counter[tuple[str, int]] = collections.Counter()
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            buckets[(entry["host"], int(entry["reached"]))] += 1
    if not buckets:
        return 0, "-"
    (host, _), n = buckets.most_common(1)[0]
    return n, host


def documents(db: str) -> list[dict]:
    import io

    from storage import Store

    store = Store.open(db)
    try:
        buf = io.StringIO()
        store.export("documents", "jsonl", buf)
    finally:
        store.close()
    rows = [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in rows), key=repr)


def fetch_errors(db: str, url: str) -> list[tuple[object, object]]:
    """What the crawl recorded when it fetched `url` (status, error), to tell a timeout from a loss."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT status, error FROM fetches WHERE url = :u"), {"u": url})]
    finally:
        engine.dispose()


def responses(db: str) -> int:
    import io

    from storage import Store

    store = Store.open(db)
    try:
        buf = io.StringIO()
        store.export("runs", "jsonl", buf)
    finally:
        store.close()
    stats = json.loads(buf.getvalue().splitlines()[-1])["stats"]
    return sum(int(s.get("response_received_count", 0)) for name, s in stats.items() if isinstance(s, dict)
               and name != "workers")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=60)
    ap.add_argument("--workers", default="1,2,3")
    ap.add_argument("--polite", action="store_true", help="default politeness (0.5 s delay, AutoThrottle)")
    ap.add_argument("--timeout", type=int, default=5, help="download timeout, s (the simulator's slow portals "
                    "answer after 2 s; on a loaded machine a short timeout turns more of them into failures)")
    args = ap.parse_args()

    from sqlalchemy import create_engine, text

    from sim.network import SimNetwork

    admin = create_engine(PG + "postgres", isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new_db() -> str:
        name = f"cchc_workers_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return PG + name

    with tempfile.TemporaryDirectory() as tmp, SimNetwork(day=1, seed=0, extra_portals=args.portals,
                                                          extra_scheme="http") as net:
        registry = Path(tmp) / "bench-portals.csv"
        net.write_registry(registry, only_extra=True)
        base = {**os.environ, **net.env(), "CCHC_FILES_STORE": str(Path(tmp) / "files"),
                "CCHC_DATA_DIR": str(Path(tmp) / "data"), "CCHC_SIM_SLOW_SECONDS": "2",
                "CCHC_DOWNLOAD_TIMEOUT": str(args.timeout)}
        if not args.polite:
            base.update({"CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "4"})
        base.pop("CCHC_DB", None)
        per_host = int(base.get("CCHC_PER_HOST", "2"))
        print(f"portals: {args.portals} generated (one host each); per-host limit {per_host} in flight, "
              f"delay {'0.5 s + AutoThrottle' if args.polite else 'off'}")
        print(f"{'crawl':<14}{'wall s':>8}{'responses':>11}{'resp/s':>8}{'max/host/s':>12}{'peak MiB':>10}  same documents")
        anchor_docs = None
        try:
            for n in [0, *[int(w) for w in args.workers.split(",")]]:
                db = new_db()
                log = Path(tmp) / f"requests-{n}.jsonl"
                env = {**base, "CCHC_REQUEST_LOG": str(log), "CCHC_REDIS_PREFIX": f"workers:bench:{uuid.uuid4().hex[:6]}:"}
                cmd = [sys.executable, "-m", "cli", "crawl", "--db", db, "--registry", str(registry)]
                if n:
                    cmd += ["--workers", str(n), "--redis", REDIS]
                started = time.monotonic()
                rc, elapsed, peak_kb, out = run_measured(cmd, env, ROOT)
                if rc != 0:
                    print(out[-3000:])
                    raise SystemExit(f"crawl {'--workers ' + str(n) if n else '(one process)'} failed: exit {rc}")
                elapsed = elapsed or time.monotonic() - started
                docs = documents(db)
                anchor_docs = docs if anchor_docs is None else anchor_docs
                got = responses(db)
                top, host = max_per_host_second(log)
                label = "one process" if not n else f"{n} worker(s)"
                print(f"{label:<14}{elapsed:>8.1f}{got:>11}{got / elapsed:>8.1f}{top:>12}{peak_kb / 1024:>10.0f}  "
                      f"{'yes' if docs == anchor_docs else 'NO'} ({len(docs)} documents)")
                if docs != anchor_docs:
                    ours, theirs = {d["url"] for d in docs}, {d["url"] for d in anchor_docs}
                    for url in sorted(theirs - ours)[:5]:
                        print(f"    missing: {url}: {fetch_errors(db, url)}")
                    for url in sorted(ours - theirs)[:5]:
                        print(f"    extra:   {url}")
        finally:
            for name in made:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
