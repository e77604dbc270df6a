"""The simulated country crawled at default politeness: day 1 (nothing known) and a steady day 2.

    .venv/bin/python bench/country_crawl.py [--portals 4000] [--workers 1] [--db URL] [--profile]

The registry is the one a national deployment would have: the bundled human registry plus
`cchc sources generate`'s candidates for every unit it lacks (crawler/data's agency list and hostname
patterns), all of it served by the simulated country (`SimNetwork(country=True)`, in this process: a
thread, so this process's CPU and memory are the simulator's). `--portals N` below the whole country
keeps the human rows and an even stride of the candidates (every province, the same host mix), so a
small run is a scale model; its figures are extrapolated to 4,000 and 15,000 portals below.

`cchc crawl` runs as a child process with the project's default settings (DOWNLOAD_DELAY, per-host
concurrency, AutoThrottle, timeouts untouched), day 1 into a fresh database, then the network moves to
day 2 and the same command crawls incrementally. `--workers N` is passed to `cchc crawl --workers N`
(scrapy-redis workers; Redis from `CCHC_REDIS_URL`): on PostgreSQL for every N, on SQLite only N = 1, which
is the one-process crawl and passes nothing.

Prints per day: wall time, requests the simulator served, responses and pages extracted (the run's
Scrapy stats), pages/s, the busiest host's requests in any one second and its mean rate, peak memory
(VmHWM) of every process of the crawl's tree and of the simulator, CPU of both, database growth; the
host mix (portals on a host of their own vs sub-sites sharing a province host) and the per-host bound
it implies at the default delay; `--profile` adds a cProfile of day 1's main process (top functions).

Measured 2026-11-29 21:46-22:19 UTC after host-aware scheduling, the host breaker and the re-check by
link, `--portals 4017`, one crawl process on SQLite (load about 6 early in day 1, 1.7 / 1.3 at the ends
of the days): day 1 1,471 s (24.5 min; target 45), 65,726 requests, 74,170 responses (50.4 pages/s),
34,868 extracted, +475 MB, crawl tree 587 CPU s, main 773 MB peak; day 2 478 s (8.0 min; target 15),
22,983 requests (604 x 304), 596 extracted, +8.0 MB, crawl tree 251 CPU s, main 421 MB; busiest host
at most 4 requests in a second; extrapolated to 15,000: day 1 ~92 min, day 2 ~30 min (targets 180, 60).

Before (the same day, previous code):
Measured 2026-11-29 on the project machine (2 cores shared with other engineers' niced tests), the whole
country, `--portals 4017` (4,016 portals, 3,818 hosts; busiest host haiphong.gov.vn with 113 sub-sites), one
crawl process on SQLite, load average 1.9–13 (5-min mostly 6–9): day 1 3,305 s (55.1 min; target 45), 66,106
requests served, 74,167 responses (22.4 pages/s), 34,868 pages extracted, +474 MB; crawl main 1,525 CPU s /
645 MB peak, extraction workers 525 CPU s / 123 MB, simulator (this process) 670 CPU s / 727 MB; busiest host
haiphong.gov.vn at most 4 requests in a second, 0.50/s on average. Day 2 1,215 s (20.3 min; target 15), 27,610
requests (2,328 x 304), 37,479 responses, 1,958 extracted, +12.5 MB, main 783 CPU s / 378 MB. Extrapolated to
15,000: day 1 ~206 min, day 2 ~76 min as measured (CPU-bound ~95 / 49 min): bound by politeness and
per-spider concurrency, not CPU (README).
Host-aware scheduling (issue 13: crawler/hostlimit.py's `HostAwarePriorityQueue`, waiting requests out of
CONCURRENT_REQUESTS), `--portals 800` (799 portals, 763 hosts, Hải Phòng 21 sub-sites), same session
2026-11-29: before day 1 411 s (36.6 pages/s, main 126 CPU s), day 2 435 s (17.7 pages/s), load 8.3 / 8.8;
after day 1 469 s (32.1 pages/s, main 132 CPU s), day 2 425 s (18.1 pages/s), load 11.8 / 8.2; busiest host
at most 4 requests in a second in all four. No gain at this scale: its tail is the faulty hosts' timeouts
(30 s x 3 tries), not slots held by waiting requests: after, day 1 with CCHC_DOWNLOAD_TIMEOUT=15 took 358 s
(42.1 pages/s, load 6.6), the same pages extracted (README, "Country crawl figures").
Before the parsed-tree release (crawler/release.py) the main process grew ~1 MB a portal (339 MB at 150,
588 at 400); after: 228 MB at 150, 645 MB at 4,016. Figures, the extrapolation and the profile: README,
"Country crawl figures".
"""
from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from procmem import become_subreaper, children_map, cmdline, peak_kb, process_table, reap_orphans, tree  # noqa: E402

from crawler.registry import COLUMNS  # noqa: E402
from sim.network import SimNetwork  # noqa: E402

HUMAN = ROOT / "crawler" / "data" / "portals.csv"


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A registry CSV's rows (comment lines skipped)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def build_registry(out: Path, portals: int, env: dict[str, str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The human rows plus an even stride of the generated candidates, `portals` rows in all, written as
    one registry file in `out`; returns the rows and those of the whole country (for its host mix)."""
    gen = out.parent / "generated"
    proc = subprocess.run([sys.executable, "-m", "cli", "sources", "generate", "--out", str(gen), "--file", str(HUMAN)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"error: cchc sources generate failed: {proc.stderr.strip()[-500:]}")
    human = csv_rows(HUMAN)
    candidates = [r for f in sorted(gen.glob("*.csv")) for r in csv_rows(f)]
    country = human + candidates
    want = max(0, portals - len(human))
    if want < len(candidates):
        step = len(candidates) / want if want else float("inf")
        candidates = [candidates[int(i * step)] for i in range(want)]
    rows = human + candidates
    ids = {r["id"] for r in rows}
    for r in rows:  # a parent left out of the sample is dropped, as a registry may only name its own rows
        if r.get("parent") and r["parent"] not in ids:
            r["parent"] = ""
    out.mkdir(parents=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in COLUMNS})
    (out / "country.csv").write_text(buf.getvalue(), encoding="utf-8")
    return rows, country


def host_mix(rows: list[dict[str, str]]) -> dict[str, Any]:
    """Portals per host: how many have a host of their own, how many share one (sub-sites)."""
    per_host = collections.Counter((urlsplit(r["base_url"]).hostname or "").lower()
                                   for r in rows if r.get("kind", "") in ("", "portal"))
    shared = {h: n for h, n in per_host.items() if n > 1}
    busiest = per_host.most_common(3)
    return {"portals": sum(per_host.values()), "hosts": len(per_host), "own_host": sum(1 for n in per_host.values() if n == 1),
            "on_shared_hosts": sum(shared.values()), "shared_hosts": len(shared), "busiest": busiest}


class TreeWatch:
    """Peak resident memory (VmHWM) of a process and all its descendants, polled from /proc, by role."""

    def __init__(self, root_pid: int) -> None:
        self.root = root_pid
        self.peak: dict[int, tuple[str, int]] = {}
        self._cpu: dict[int, float] = {}  # last CPU seconds seen per pid
        self.own_cpu = 0.0  # this watcher thread's CPU: not the simulator's
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _role(pid: int) -> str:
        cmd = cmdline(pid)
        if cmd is None:
            return "?"
        if "cli crawl" in cmd or "cli.crawl" in cmd or "cProfile" in cmd:
            return "crawl (main)"
        if "forkserver" in cmd or "multiprocessing" in cmd:
            return "extraction worker / forkserver"
        return cmd[:60]

    def _tree(self) -> list[int]:
        table = process_table()
        self._cpu.update((pid, cpu) for pid, (_, cpu) in table.items())
        return tree(self.root, children_map(table))

    def _run(self) -> None:
        while not self._stop.is_set():
            t = time.thread_time()
            self._poll()
            self.own_cpu += time.thread_time() - t
            self._stop.wait(1.0)

    def _poll(self) -> None:
        for pid in self._tree():
            kb = peak_kb(pid)
            if not kb:
                continue  # gone since the table was read
            role = self.peak.get(pid, (self._role(pid), 0))[0]
            if kb > self.peak.get(pid, (role, 0))[1]:
                self.peak[pid] = (role, kb)

    def stop(self) -> dict[str, tuple[int, int, float]]:
        """role -> (processes, peak MB of the largest, CPU seconds of all, as last seen: within a second)."""
        self._stop.set()
        self._thread.join()
        roles: dict[str, tuple[int, int, float]] = {}
        for pid, (role, kb) in self.peak.items():
            n, mb, cpu = roles.get(role, (0, 0, 0.0))
            roles[role] = (n + 1, max(mb, kb // 1024), cpu + self._cpu.get(pid, 0.0))
        return roles


def self_peak_mb() -> int:
    """This process's (the simulator's) peak resident memory."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def self_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def db_size(url: str) -> int:
    """Bytes the database takes (SQLite: the file and its WAL; PostgreSQL: pg_database_size)."""
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        eng = create_engine(url)
        with eng.connect() as con:
            size = int(con.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
        eng.dispose()
        return size
    path = Path(url.removeprefix("sqlite:///"))
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def run_stats(url: str) -> dict[str, int]:
    """The last run's Scrapy stats summed over spiders, and its stored rows (SQL counts)."""
    from sqlalchemy import create_engine, text

    eng = create_engine(url if "://" in url else f"sqlite:///{url}")
    with eng.connect() as con:
        run_id, stats = con.execute(text("SELECT id, stats FROM crawl_runs ORDER BY id DESC LIMIT 1")).one()
        fetches = con.execute(text("SELECT count(*) FROM fetches WHERE run_id = :r"), {"r": run_id}).scalar_one()
        docs = con.execute(text("SELECT count(*) FROM documents")).scalar_one()
    eng.dispose()
    spiders = [s for s in (json.loads(stats) if isinstance(stats, str) else stats or {}).values() if isinstance(s, dict)]
    return {"responses": sum(int(s.get("response_received_count", 0)) for s in spiders),
            "extracted": sum(int(s.get("cchc/extract/records", 0)) for s in spiders),
            "fetch_rows": int(fetches), "documents": int(docs)}


def host_rates(log: list[tuple[str, float, float]]) -> tuple[str, int, float]:
    """(host, most requests it received within any one second, its mean rate while it was crawled) of
    the busiest host by that peak."""
    arrivals: dict[str, list[float]] = collections.defaultdict(list)
    for host, arrived, _ in log:
        arrivals[host].append(arrived)
    best = ("", 0, 0.0)
    for host, times in arrivals.items():
        times.sort()
        j, peak = 0, 0
        for i, t in enumerate(times):
            while times[j] < t - 1.0:
                j += 1
            peak = max(peak, i - j + 1)
        span = times[-1] - times[0]
        mean = len(times) / span if span > 0 else float(len(times))
        if (peak, mean) > (best[1], best[2]):
            best = (host, peak, mean)
    return best


def crawl_day(net: SimNetwork, db: str, registry: Path, env: dict[str, str], workers: list[str],
              profile: Path | None) -> dict[str, Any]:
    """One `cchc crawl` of the network's current day; its costs."""
    net.reset_counts()
    net.record_access(True)
    size0, cpu0, sim0, t0 = db_size(db), children_cpu(), self_cpu(), time.monotonic()
    head = [sys.executable, "-m", "cProfile", "-o", str(profile)] if profile else [sys.executable]
    proc = subprocess.Popen([*head, "-m", "cli", "crawl", "--db", db, "--registry", str(registry), *workers],
                            cwd=ROOT, env={**env, **net.env()}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = TreeWatch(proc.pid)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    reap_orphans()  # the extraction pool's forkserver and workers: their CPU counts once reaped
    peaks = watch.stop()
    log = net.record_access(False) or []
    if proc.returncode != 0 or any(ln.startswith("error:") for ln in err.splitlines()):  # cProfile turns SystemExit into 0
        print(out[-2000:], err[-3000:])
        raise SystemExit(f"error: cchc crawl failed with exit {proc.returncode}")
    served = net.reset_counts()
    host, peak, mean = host_rates(log)
    try:
        stats = run_stats(db)
    except Exception:  # the crawl exited 0 without a run: show what it said
        print(out[-2000:], err[-3000:])
        raise
    return {"wall": wall, "load": os.getloadavg()[1], "requests": served.get("requests", 0), "not_modified": served.get("not_modified", 0),
            "crawl_cpu": children_cpu() - cpu0, "sim_cpu": self_cpu() - sim0 - watch.own_cpu, "db_growth": db_size(db) - size0,
            "busiest_host": host, "host_peak_1s": peak, "host_mean_rate": mean, "peaks": peaks,
            **stats, "summary": out.strip().splitlines()[-3:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portals", type=int, default=4000, help="registry rows to crawl (human rows + candidates)")
    ap.add_argument("--days", type=int, default=2, choices=(1, 2))
    ap.add_argument("--workers", type=int, default=1, help="passed to `cchc crawl --workers` when it has the option")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--profile", action="store_true", help="cProfile day 1's main crawl process")
    ap.add_argument("--port", type=int, default=18801, help="simulator proxy port (0: any free port)")
    a = ap.parse_args()
    if a.portals < 100 or a.workers < 1:
        raise SystemExit("error: --portals must be at least 100 and --workers at least 1")
    become_subreaper()  # see bench.procmem: else crawl_cpu misses the extraction pool
    helptext = subprocess.run([sys.executable, "-m", "cli", "crawl", "--help"], cwd=ROOT, capture_output=True,
                              text=True, check=False).stdout
    has_workers = "--workers" in helptext
    if a.workers > 1 and not has_workers:
        raise SystemExit(f"error: this `cchc crawl` has no --workers option yet; --workers {a.workers} cannot run")
    # on SQLite `--workers 1` is the one-process crawl (`cchc crawl --workers` needs PostgreSQL); on
    # PostgreSQL N workers, 1 included, go through Redis, so 1, 2 and 3 compare like with like
    pg = (a.db or "").startswith("postgresql")
    workers = ["--workers", str(a.workers)] if has_workers and (a.workers > 1 or pg) else []

    import settings as project

    with tempfile.TemporaryDirectory(prefix="cchc-country-") as tmp:
        env = {**os.environ, "CCHC_FILES_STORE": str(Path(tmp) / "files")}
        for var in ("CCHC_DB", "CCHC_DOWNLOAD_DELAY", "CCHC_PER_HOST", "CCHC_CONCURRENT_REQUESTS", "CCHC_AUTOTHROTTLE"):
            env.pop(var, None)  # default politeness
        db = a.db or f"sqlite:///{Path(tmp) / 'country.sqlite'}"
        t = time.monotonic()
        net = SimNetwork(day=1, seed=0, country=True).start(port=a.port)
        sim_start = (time.monotonic() - t, self_peak_mb())
        try:
            rows, country = build_registry(Path(tmp) / "registry", a.portals, env)
            mix, whole = host_mix(rows), host_mix(country)
            print(f"whole country: {len(country)} rows ({whole['portals']} portals), {whole['hosts']} hosts: "
                  f"{whole['own_host']} portals on a host of their own, {whole['on_shared_hosts']} on "
                  f"{whole['shared_hosts']} shared hosts (sub-sites); busiest hosts {whole['busiest']}")
            print(f"registry crawled: {len(rows)} rows ({mix['portals']} portals; the rest national sources), "
                  f"{mix['hosts']} hosts: {mix['own_host']} portals on a host of their own, {mix['on_shared_hosts']} "
                  f"on {mix['shared_hosts']} shared hosts (sub-sites); busiest hosts {mix['busiest']}")
            print(f"simulator: started in {sim_start[0]:.1f} s, {sim_start[1]} MB; served units in its table: "
                  f"{len(net.country.units) if net.country else 0}, registry portals {len(net.world.portals)}")
            print(f"politeness (project defaults): DOWNLOAD_DELAY {project.DOWNLOAD_DELAY} s (jitter "
                  f"{project.DOWNLOAD_DELAY_JITTER}), {project.CONCURRENT_REQUESTS_PER_DOMAIN} per host, "
                  f"{project.CONCURRENT_REQUESTS} in all, AutoThrottle {'on' if project.AUTOTHROTTLE_ENABLED else 'off'}; "
                  f"workers {a.workers}" + ("" if has_workers else " (cchc crawl has no --workers yet: one process)"))
            prof = Path(tmp) / "day1.prof" if a.profile else None
            days = [crawl_day(net, db, Path(tmp) / "registry", env, workers, prof)]
            if a.days == 2:
                net.set_day(2)
                days.append(crawl_day(net, db, Path(tmp) / "registry", env, workers, None))
            sim_peak = self_peak_mb()
        finally:
            net.stop()
        report(mix, whole, days, sim_peak, project.DOWNLOAD_DELAY)
        if prof is not None:
            print("\nprofile of day 1's main process (cProfile; top 25 by own time, then by cumulative time):")
            buf = io.StringIO()
            st = pstats.Stats(str(prof), stream=buf)
            st.sort_stats("tottime").print_stats(25)
            st.sort_stats("cumulative").print_stats(25)
            print("\n".join(ln for ln in buf.getvalue().splitlines() if ln.strip())[:12000])
            shutil.copy(prof, ROOT / "bench" / "country_crawl_day1.prof") if os.environ.get("CCHC_KEEP_PROFILE") else None


def report(mix: dict[str, Any], whole: dict[str, Any], days: list[dict[str, Any]], sim_peak: int, delay: float) -> None:
    """The figures, per day, and their extrapolation."""
    print(f"\n{'':34}" + "".join(f"{f'day {i + 1}':>14}" for i in range(len(days))))
    for label, key, fmt in [("wall seconds", "wall", "{:.0f}"), ("requests served (sim)", "requests", "{:.0f}"),
                            ("  of which 304", "not_modified", "{:.0f}"), ("responses (Scrapy)", "responses", "{:.0f}"),
                            ("pages extracted", "extracted", "{:.0f}"), ("fetch rows stored", "fetch_rows", "{:.0f}"),
                            ("documents in the database", "documents", "{:.0f}"),
                            ("database growth MB", "db_growth", "{:.1f}"), ("crawl CPU s (process tree)", "crawl_cpu", "{:.0f}"),
                            ("simulator CPU s", "sim_cpu", "{:.0f}"), ("busiest host: max req in 1 s", "host_peak_1s", "{:.0f}"),
                            ("busiest host: mean req/s", "host_mean_rate", "{:.2f}"),
                            ("machine load (5-min avg, 2 cores)", "load", "{:.1f}")]:
        vals = [d[key] / (1 << 20) if key == "db_growth" else d[key] for d in days]
        print(f"{label:34}" + "".join(f"{fmt.format(v):>14}" for v in vals))
    print(f"{'pages/s (responses / wall)':34}" + "".join(f"{d['responses'] / d['wall']:>14.1f}" for d in days))
    for i, d in enumerate(days):
        print(f"day {i + 1}: busiest host {d['busiest_host']}; peak memory and CPU per process: "
              + "; ".join(f"{role} x{n}: {mb} MB, {cpu:.0f} CPU s" for role, (n, mb, cpu) in sorted(d["peaks"].items()))
              + f"; simulator (this process) {sim_peak} MB")
        print(f"  crawl summary: {' | '.join(d['summary'])}")
    # the per-host bound: one request at a time per host, DOWNLOAD_DELAY apart (Scrapy's slot delay), so
    # a host carrying k sub-sites needs k x (requests per portal) x delay seconds however fast the rest is
    busiest = whole["busiest"][0][1] if whole["busiest"] else 1
    for i, d in enumerate(days):
        per_portal = d["requests"] / mix["portals"]
        print(f"per-host bound, day {i + 1}: the whole country's busiest host carries {busiest} portals x "
              f"{per_portal:.1f} requests x {delay} s = {busiest * per_portal * delay / 60:.0f} min at 4,000 portals; "
              f"{busiest * 15000 / whole['portals'] * per_portal * delay / 60:.0f} min at 15,000 if sub-sites grow alike")
    for target in (4000, 15000):
        scale = target / mix["portals"]
        bound = [busiest * target / whole["portals"] * d["requests"] / mix["portals"] * delay for d in days]
        print(f"extrapolated to {target} portals (x{scale:.1f}), as measured under this load: "
              + ", ".join(f"day {i + 1} ~{max(d['wall'] * scale, b) / 60:.0f} min" for i, (d, b) in enumerate(zip(days, bound))))
        # on a machine of its own the crawl's CPU, not its wall time under others' load, is what scales:
        # the main process (one reactor thread) and the extraction workers (the other core) in parallel
        est = []
        for i, (d, b) in enumerate(zip(days, bound)):
            main_cpu = sum(c for role, (_, _, c) in d["peaks"].items() if role == "crawl (main)")
            other_cpu = sum(c for role, (_, _, c) in d["peaks"].items() if role != "crawl (main)")
            est.append(f"day {i + 1} ~{max(max(main_cpu, other_cpu, d['crawl_cpu'] / 2) * scale, b) / 60:.0f} min")
        print(f"  CPU-bound on an unloaded 2-core machine: {', '.join(est)} (max of main-process CPU, workers' "
              "CPU, tree CPU / 2 cores, scaled; and the per-host bound)")


if __name__ == "__main__":
    main()
