"""HTML report benchmark: `cchc report html` over a generated database of many runs × many portals.

    .venv/bin/python bench/html_bench.py [--portals 2000] [--runs 365] [--keep DIR]

The database is generated directly (no crawl): N registry portals over 34 provinces and four levels,
R daily runs, one widget reading and one health row per portal per run, one propaganda plan on about
half of the portals. It then runs `cchc report html` in a fresh process and prints the wall time, the
peak resident memory of that process, the size of index.html, and the time of the SQL trend aggregate
alone (`reports.html.load_trends`), which is the part that grows with runs × portals.
Targets (issue 15): < 30 s and < 500 MB at a year of daily runs × 15,000 portals.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from procmem import rss_kb  # noqa: E402

PROVINCES = ("Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
             "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
             "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
             "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau",
             "An Giang")
LEVELS = ("province", "department", "district", "commune")


def generate(url: str, portals: int, runs: int) -> None:
    """Write the synthetic snapshots (chunked inserts, so generating stays light too)."""
    from sqlalchemy import create_engine, insert

    from storage import upgrade_database
    from storage.models import CrawlRun, Document, DocumentVersion, Portal

    upgrade_database(url)
    engine = create_engine(url)
    start = dt.date(2026, 1, 1)
    ids = [f"b-{i:05d}" for i in range(portals)]
    with engine.begin() as conn:
        conn.execute(insert(Portal), [
            {"id": pid, "name": f"UBND đơn vị {i}", "level": "province" if i < len(PROVINCES) else LEVELS[1 + i % 3],
             "province": PROVINCES[i % len(PROVINCES)], "base_url": f"https://{pid}.example.gov.vn/", "cms": "unknown",
             "in_registry": True} for i, pid in enumerate(ids)])
        conn.execute(insert(CrawlRun), [
            {"id": r + 1, "trigger": "schedule", "status": "complete",
             "started_at": dt.datetime(2026, 1, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=r),
             "observed_on": start + dt.timedelta(days=r), "args": {}} for r in range(runs)])
    # the bulk (a reading and a health row per portal per run) goes through the driver's executemany:
    # generating 11 million rows through ORM-style dicts would take longer than the report itself
    reading_sql = ("INSERT INTO widget_readings (run_id, portal_id, source, total, on_time, late, on_time_rate, "
                   "updated_at, issues) VALUES (?, ?, 'inline', ?, ?, ?, ?, ?, '[]')")
    health_sql = "INSERT INTO portal_health (run_id, portal_id, status, reachable) VALUES (?, ?, ?, ?)"
    for r in range(runs):
        day = (start + dt.timedelta(days=r)).isoformat()
        readings, health = [], []
        for i, pid in enumerate(ids):
            total, late = 100 + 10 * r + i % 50, (i * 7 + r) % 5
            readings.append((r + 1, pid, total, total - late, late, round(100.0 * (total - late) / total, 2), day))
            up = (i + r) % 97 != 0
            health.append((r + 1, pid, 200 if up else 503, up))
        with engine.begin() as conn:
            conn.exec_driver_sql(reading_sql, readings)
            conn.exec_driver_sql(health_sql, health)
    with engine.begin() as conn:
        docs = [{"id": i + 1, "portal_id": pid, "url": f"https://{pid}.example.gov.vn/kh-tuyen-truyen-cchc-2026",
                 "first_seen_run_id": 1 + i % runs, "last_seen_run_id": runs, "version": 1, "content_hash": f"h{i}"}
                for i, pid in enumerate(ids) if i % 2 == 0]
        conn.execute(insert(Document), docs)
        conn.execute(insert(DocumentVersion), [
            {"document_id": d["id"], "version": 1, "content_hash": d["content_hash"],
             "first_seen_run_id": d["first_seen_run_id"], "last_seen_run_id": runs,
             "title": "Kế hoạch tuyên truyền cải cách hành chính năm 2026", "published_at": "2026-01-15",
             "is_cchc": True, "category": "propaganda_plan", "doc_number": f"{d['id']}/KH-UBND",
             "doc_date": dt.date(2026, 1, 10), "organ": "government", "plan_year": 2026} for d in docs])
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=365)
    parser.add_argument("--keep", type=Path, default=None, help="keep the database and the report in DIR")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="cchc-html-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.sqlite"
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.monotonic()
        generate(url, args.portals, args.runs)
        print(f"generated {args.portals} portals × {args.runs} runs in {time.monotonic() - t0:.1f} s "
              f"({db.stat().st_size / 1e6:.0f} MB)")

    from sqlalchemy import create_engine

    from reports.base import load_runs
    from reports.html import Fmt, load_trends

    engine = create_engine(url)
    runs = load_runs(engine)
    t0 = time.monotonic()
    trends = load_trends(engine, runs, [f"b-{i:05d}" for i in range(args.portals)], Fmt("vi"))
    print(f"trend aggregate (SQL, by {trends.by}): {sum(len(p) for p in trends.points.values())} rows "
          f"in {time.monotonic() - t0:.2f} s")
    engine.dispose()

    env = {**os.environ}
    env.pop("CCHC_DB", None)
    cmd = [sys.executable, "-m", "cli", "report", "html", "--db", url, "--out", str(work / "site")]
    peak = [0]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], rss_kb(proc.pid))
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    elapsed = time.monotonic() - started
    thread.join()
    if proc.returncode != 0:
        print(err, file=sys.stderr)
        raise SystemExit(proc.returncode)
    size = (work / "site" / "index.html").stat().st_size
    print(f"cchc report html: {elapsed:.1f} s, peak RSS {peak[0] / 1024:.0f} MB, index.html {size / 1e6:.1f} MB")
    if args.keep is None:
        print(f"(database and report in {work})")


if __name__ == "__main__":
    main()
