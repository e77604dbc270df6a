"""Drift-canary benchmark: `reports.health.layout_changes` and `health_rows` over many portals × runs.

    .venv/bin/python bench/canary_bench.py [--portals 15000] [--runs 30]

The database (SQLite, migrated to head) is generated directly, no crawl: N portals, R daily complete
runs, one `portal_yields` row per portal and run (20 pages a day with titles, dates, text, numbers and a
widget reading; a tenth of the portals extract 3 pages a day and are pooled), and in the last run one
portal in a thousand loses its dates and text. It prints the wall time (and the process's peak resident memory so far) of `layout_changes(session, last run)`, of `health_rows(days=14)`, and of
`storage.health.record_yields` for the last run (whose inputs, fetches and sightings, are empty here:
it measures the statement over the portals table), and checks that exactly the changed portals are
flagged.
"""
from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portals", type=int, default=15000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from reports.health import health_rows, layout_changes
    from storage import Store
    from storage.health import record_yields
    from storage.health_models import PortalYield
    from storage.models import CrawlRun, Portal, utcnow

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/canary.sqlite"
        store = Store.open(url)
        engine = store.engine
        changed = {f"b-{i:05d}" for i in range(0, args.portals, 1000)}
        t0 = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(insert(Portal), [{"id": f"b-{i:05d}", "name": f"Cổng {i}", "level": "commune",
                                           "province": "Tây Ninh", "base_url": f"https://b{i}.gov.vn/",
                                           "cms": "vnportal"} for i in range(args.portals)])
            day0 = dt.date(2026, 1, 1)
            conn.execute(insert(CrawlRun), [{"id": r + 1, "trigger": "schedule", "status": "complete",
                                             "started_at": utcnow(), "finished_at": utcnow(),
                                             "observed_on": day0 + dt.timedelta(days=r), "args": {}}
                                            for r in range(args.runs)])
            for r in range(args.runs):
                rows = []
                for i in range(args.portals):
                    pid = f"b-{i:05d}"
                    pages = 3 if i % 10 == 7 else 20
                    broken = r == args.runs - 1 and pid in changed
                    rows.append({"run_id": r + 1, "portal_id": pid, "reachable": True, "pages_fetched": pages + 8,
                                 "pages_extracted": pages, "with_title": pages, "with_date": 0 if broken else pages,
                                 "with_text": 0 if broken else pages - (r % 2), "cchc_pages": pages,
                                 "cchc_with_number": pages - 1, "widget_readings": 1})
                conn.execute(insert(PortalYield), rows)
        print(f"generated {args.portals} portals × {args.runs} runs in {time.perf_counter() - t0:.1f} s")

        def measure(label: str, fn):  # noqa: ANN001, ANN202 - a tiny local helper
            t = time.perf_counter()
            out = fn()
            elapsed = time.perf_counter() - t
            print(f"{label}: {elapsed:.2f} s (process peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
            return out

        with Session(engine) as session:
            found = measure("layout_changes(last run)", lambda: layout_changes(session, args.runs))
            rows = measure("health_rows(days=14)", lambda: health_rows(session, days=14))
        with engine.begin() as conn:
            measure("record_yields(last run)", lambda: record_yields(conn, args.runs))
        store.close()
        flagged = {c.portal_id for c in found}
        print(f"flagged {len(flagged)} portals (expected {len(changed)}): {'ok' if flagged == changed else 'MISMATCH'}; "
              f"{len(rows)} report rows")
        return 0 if flagged == changed else 1


if __name__ == "__main__":
    sys.exit(main())
