"""Time every report command on a synthesised database and print wall time and peak memory beside the targets.

Why a script (not a timed test): the figures depend on the machine and the database's size; what is
compared is each command against issue 12's targets at a year x 15,000 portals, and against an anchor
measured in the same run (a bare interpreter start: the floor every command pays).

Each command runs as its own process, the way users run it (`python -m cli report …`); its peak
resident memory is the kernel's figure for that child alone (``os.wait4``'s rusage), not a sampled one.
A command that fails is printed as FAILED with its first error line, never with a time.

Scaling: give two databases of one backend at different sizes (``--db`` twice) and the script prints,
per command, the CPU seconds at each size and two predictions at 15,000 x 365 through those two
points: a straight line (cpu = a + b x size: a fixed cost, imports and opening, plus one growing with
the data; the safe side for anything that grows at most linearly) and a power law (cpu = c x size^k;
``k`` 0 flat, 1 linear). Two points fit any curve, so either is only what the measured growth says,
printed as such; CPU seconds of the command's own process are used because wall time on a shared
machine moves with the load (on PostgreSQL the server's time is in the wall time only).

Measured 29/11/2026 (shared 2 CPUs, load average 7-13; CPU s of the command, best of 2) on SQLite at
the target size itself, 15,000 x 365 (12.5 GB, bench/synth_year.py --yields-days 60): --help 0.11,
coverage 2.13 (target 1), diff of a day 2.07 (1), trend of a province 3.25 (2), search 1.49 and 2.58
for a word in ~90 % of the texts (1), html 10.9 CPU / 32.8 wall and 548 MB (30 s, 500 MB), health 811 MB,
diff of a month 718 MB, of the year 30 s and 2,496 MB: every target but --help missed. PostgreSQL at
2,000 and 4,000 x 90 only (README, "Benchmarks", the report_bench entry).

Usage (the database comes from bench/synth_year.py)::

    python bench/report_bench.py --db sqlite:///bench-data/year.sqlite [--db postgresql+psycopg://…] [--repeat 2]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: issue 12's targets at a year x 15,000 portals (seconds); every command also < MAX_RSS_MB
MAX_RSS_MB = 500
#: the size the targets are set at, in portal-days
TARGET_SIZE = 15_000 * 365


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    target_s: float


@dataclass
class Measure:
    wall_s: float
    cpu_s: float  # user + system of the command's process: what it costs on a machine shared with others
    rss_mb: float
    ok: bool
    error: str = ""


def run(args: Sequence[str], timeout: float) -> Measure:
    """Run one `cchc` command as a fresh process; wall time and that process's own peak RSS."""
    env = {k: v for k, v in os.environ.items() if k != "CCHC_DB"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            return Measure(time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, False,
                           f"killed after {timeout:.0f} s")
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    ok = proc.returncode == 0
    lines = [line for line in err.splitlines() if line.startswith("error")] or err.strip().splitlines()[-1:]
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, ok, "" if ok else (lines[0] if lines else f"exit {proc.returncode}"))


def scaling(results: dict[str, list[tuple[int, str, Measure]]]) -> None:
    """Per backend measured at two sizes or more: each command's growth between the smallest and the
    largest, and what that growth predicts at `TARGET_SIZE` (module docstring)."""
    import math

    for backend, rows in results.items():
        sizes = sorted({size for size, _, _ in rows})
        if len(sizes) < 2:
            continue
        small, large = sizes[0], sizes[-1]
        print(f"\n{backend}: growth from {small:,} to {large:,} portal-days; cpu s predicted at {TARGET_SIZE:,} "
              "through the two points by a line and by a power law (module docstring)")
        print(f"{'command':<26} {'cpu s small':>11} {'cpu s large':>11} {'line':>8} {'k':>6} {'power':>8}")
        by_case: dict[str, dict[int, Measure]] = {}
        for size, name, m in rows:
            if m.ok:
                by_case.setdefault(name, {})[size] = m
        for name, got in by_case.items():
            if small not in got or large not in got:
                continue
            t0, t1 = got[small].cpu_s, got[large].cpu_s
            k = math.log(t1 / t0) / math.log(large / small) if t0 > 0 and t1 > 0 else 0.0
            line = t1 + (t1 - t0) / (large - small) * (TARGET_SIZE - large)
            print(f"{name:<26} {t0:11.2f} {t1:11.2f} {line:8.1f} {k:6.2f} {t1 * (TARGET_SIZE / large) ** k:8.1f}")


def facts(url: str) -> tuple[int, int, int, str, int]:
    """Runs, portals, first and last run, a province with the most portals, and the plan year to ask for."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        first, last, day = conn.execute(text("SELECT min(id), max(id), max(observed_on) FROM crawl_runs")).one()
        portals = conn.execute(text("SELECT count(*) FROM portals")).scalar_one()
        province = conn.execute(text("SELECT province FROM portals WHERE level = 'province' ORDER BY id LIMIT 1")).scalar_one()
    engine.dispose()
    year = int(str(day)[:4])
    return first, last, portals, province, year


def cases(first: int, last: int, province: str, year: int, html_dir: str) -> list[Case]:
    month_ago = max(first, last - 30)
    return [
        Case("coverage --help", ("report", "coverage", "--help"), 0.3),
        Case("coverage --year", ("report", "coverage", "--year", str(year)), 1.0),
        Case("diff (a day)", ("report", "diff", "--from", str(max(first, last - 1)), "--to", str(last)), 1.0),
        Case("diff (a month)", ("report", "diff", "--from", str(month_ago), "--to", str(last)), 1.0),
        Case("diff (the year)", ("report", "diff", "--from", str(first), "--to", str(last)), 1.0),
        Case("trend --province", ("report", "trend", "--province", province), 2.0),
        Case("trend (all) --by month", ("report", "trend", "--by", "month"), 30.0),
        Case("search", ("report", "search", "kế hoạch tuyên truyền"), 1.0),
        Case("search (rare word)", ("report", "search", "SIPAS"), 1.0),
        Case("health (14 days)", ("report", "health"), 30.0),
        Case("scorecard", ("report", "scorecard", "--province", province, "--year", str(year)), 2.0),
        Case("compliance --year", ("report", "compliance", "--year", str(year)), 2.0),
        Case("html", ("report", "html", "--out", html_dir), 30.0),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Time each report command on a synthesised database.")
    ap.add_argument("--db", action="append", required=True, metavar="URL", help="repeatable: one per backend")
    ap.add_argument("--repeat", type=int, default=1, help="runs per command; the best is printed (warm cache)")
    ap.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS", help="per command")
    ap.add_argument("--only", default=None, metavar="TEXT", help="only the commands whose name contains TEXT")
    args = ap.parse_args(argv)
    failed = over = 0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    anchor = time.perf_counter() - t0
    print(f"anchor: a bare interpreter start takes {anchor:.3f} s here (every command pays it); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times stretch with it, cpu s much less)")
    results: dict[str, list[tuple[int, str, Measure]]] = {}
    for url in args.db:
        first, last, portals, province, year = facts(url)
        backend = url.split(":", 1)[0].split("+")[0]
        size = portals * (last - first + 1)
        print(f"\n{backend}: {portals:,} portals, runs {first}..{last} ({size:,} portal-days), province {province!r}, "
              f"year {year}")
        print(f"{'command':<26} {'wall s':>8} {'cpu s':>7} {'x anchor':>9} {'peak MB':>8} {'target s':>9}  verdict")
        with tempfile.TemporaryDirectory() as html_dir:
            for case in cases(first, last, province, year, html_dir):
                if args.only and args.only not in case.name:
                    continue
                best: Measure | None = None
                for _ in range(max(1, args.repeat)):
                    m = run([*case.args, "--db", url], args.timeout)
                    if not m.ok:
                        best = m
                        break
                    best = m if best is None or m.wall_s < best.wall_s else best
                assert best is not None
                results.setdefault(backend, []).append((size, case.name, best))
                if not best.ok:
                    failed += 1
                    print(f"{case.name:<26} {'FAILED':>8} {'':>7} {'':>9} {best.rss_mb:8.0f} {case.target_s:9.1f}  {best.error}")
                    continue
                verdict = "ok" if best.wall_s < case.target_s and best.rss_mb < MAX_RSS_MB else "OVER"
                over += verdict == "OVER"
                print(f"{case.name:<26} {best.wall_s:8.2f} {best.cpu_s:7.2f} {best.wall_s / anchor:9.1f} {best.rss_mb:8.0f} "
                      f"{case.target_s:9.1f}  {verdict}", flush=True)
    scaling(results)
    print(f"\n{failed} failed, {over} over target (targets at 15,000 portals x 365 days; peak < {MAX_RSS_MB} MB each)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
