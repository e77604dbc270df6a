"""Build the reports' test database: simulated days 1..3 crawled (each day a fresh `cchc crawl`
process, as users run it) on a subset of the registry chosen so every kind of day-to-day change is
in it, then `cchc units sync`. Also copies the result into PostgreSQL so every report runs on both.

Kept as a module (not only a fixture) so it can be run by hand: `python -m tests.reports.builddb DIR`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parents[2]

#: Portals with something to show: plans added on day 2 or 3, articles edited and removed, a portal
#: down on day 2, a frozen widget, iframe widgets, a Party-committee plan (seed 000), seed 001, and
#: p-dienbien, the superior of the Điện Biên departments and commune (compliance).
PORTALS: tuple[str, ...] = (
    "p-tuyenquang", "d-skhcn-dienbien", "x-dienbienphu-dienbien", "d-svhttdl-backan", "p-phutho",
    "p-lamdong", "p-hatinh", "h-giolinh-quangtri", "d-svhttdl-dienbien", "p-daklak", "p-ninhbinh",
    "x-ngoclien-camgiang-haiduong", "p-dienbien",
)
DAYS = 3
FAST = {
    "CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "4", "CCHC_DOWNLOAD_TIMEOUT": "10",
    "CCHC_SIM_SLOW_SECONDS": "14", "CCHC_EXTRACT_WORKERS": "1",
    # full crawls: the reports' ground truth is the simulator's day of each edit and removal, which a
    # full crawl finds that day (an incremental one within its re-check lag: tests/crawler/test_incremental.py)
    "CCHC_FULL_CRAWL": "1",
}


def build(workdir: Path, days: int = DAYS, portals: tuple[str, ...] = PORTALS) -> Path:
    """Crawl days 1..`days` into `workdir`/reports.sqlite and sync units; returns the database path."""
    from sim.network import SimNetwork

    db = workdir / "reports.sqlite"
    with SimNetwork(day=1, seed=0) as net:
        for day in range(1, days + 1):
            net.set_day(day)
            env = {**os.environ, **net.env(), **FAST, "CCHC_FILES_STORE": str(workdir / "files"),
                   "CCHC_LOG_DIR": str(workdir / "logs")}
            env.pop("CCHC_DB", None)
            args = [sys.executable, "-m", "cli", "crawl", "--db", str(db)]
            for pid in portals:
                args += ["--source", pid]
            proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"crawl of day {day} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    proc = subprocess.run([sys.executable, "-m", "cli", "units", "sync", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"units sync failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return db


def copy_to(sqlite_path: Path, target_url: str) -> None:
    """Copy every table of a migrated SQLite database into an empty database migrated to head.

    The crawl is the slow part; copying its rows gives PostgreSQL exactly the same snapshots, so the
    same expected values hold on both backends.
    """
    from storage import upgrade_database
    from storage.migrate import load_models

    upgrade_database(target_url)
    metadata = load_models()
    src = create_engine(f"sqlite:///{sqlite_path}")
    dst = create_engine(target_url)
    with src.connect() as s, dst.begin() as d:
        for table in metadata.sorted_tables:
            rows = [dict(r._mapping) for r in s.execute(select(table))]
            if rows:
                d.execute(insert(table), rows)
        if dst.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                pk = [c for c in table.primary_key.columns if c.autoincrement is True or
                      (c.type.python_type is int and len(table.primary_key.columns) == 1)]
                for col in pk:
                    d.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col.name}'), "
                        f"COALESCE((SELECT MAX({col.name}) FROM {table.name}), 0) + 1, false) "
                        f"WHERE pg_get_serial_sequence('{table.name}', '{col.name}') IS NOT NULL"))
        from storage import derived

        derived.refresh(d)  # the search index and plan choices are derived: built by the writer, as a crawl does
    src.dispose()
    dst.dispose()


def cchc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the `cchc` command line as a user does (a fresh process)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("CCHC_DB", None)
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=300)


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    print(build(out))
