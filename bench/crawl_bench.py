"""Crawl benchmark: the full item path (extraction pool, attachments, database writes) over the simulator
with N generated portals, next to `scrapy bench` on the same machine in the same run (issue 12).

    .venv/bin/python bench/crawl_bench.py [--portals 300] [--schemes http,https] [--politeness off,default]
        [--before REV] [--after REV] [--profile DIR] [--sim-port 18600] [--spiders widget,feeds,sitemaps,listings,registers]

Why it is built this way:

* The machine is shared, so absolute pages/s mean little: `scrapy bench` (Scrapy's own spider on its
  own local server, no item path at all) runs in the same invocation as the anchor, and every crawl is
  printed as a ratio to it. Targets (issue 12): >= 0.5 x scrapy bench in responses of any kind, and
  >= 0.3 x in extracted pages (pages that went through the extraction pool and got a record).
* "Politeness off" (no delay, no AutoThrottle, 8 per host) measures the main process; "default" runs
  with the settings users get (0.5 s delay, AutoThrottle, 2 per host) and shows what politeness costs.
* Memory is the peak of the whole process tree — the crawl process, multiprocessing's forkserver and
  the extraction workers — summed from /proc every 0.2 s (target < 500 MB on http and on https): as
  PSS (shared pages counted once: the workers are forked from one forkserver; the target's figure)
  and as the plain sum of RSS (an upper bound), with the main process's own RSS apart.
* Main-process CPU per response is read from /proc/PID/stat of the crawl process itself (the workers'
  CPU is theirs): it is the figure the main-process work (reactor, link parsing, the writer thread,
  pickling to the pool) has to bring down.
* `--before REV` runs the same matrix on the code of git revision REV (extracted with `git archive`
  into a temporary folder, imported ahead of this checkout) in the same invocation, so before/after
  share the anchor and the machine's load; `--after REV` measures a revision instead of the working tree.
* `--profile DIR` adds, per scheme and code version, one politeness-off crawl under py-spy (a dev tool,
  not a dependency: `pip install -e ".[profile]"`), sampling only while a thread holds the GIL (`--gil`) —
  the main process's cost is GIL time — and prints the top frames by own and by inclusive samples.
"""
from __future__ import annotations

import argparse
import collections
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from procmem import children_map, cmdline, cpu_seconds, rss_kb, tree_memory_kb  # noqa: E402

#: politeness as users get it, and switched off (through the same CCHC_* settings users have)
POLITENESS: dict[str, dict[str, str]] = {
    "off": {"CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "8",
            "CCHC_CONCURRENT_REQUESTS": "64"},
    "default": {},
}
TARGET_ANY, TARGET_EXTRACTED, TARGET_MIB = 0.5, 0.3, 500


@dataclass
class Measured:
    """One crawl's figures."""

    label: str
    responses: int
    extracted: int
    elapsed: float
    peak_mib: float
    peak_rss_mib: float
    main_peak_mib: float
    main_cpu: float
    documents: int

    @property
    def any_rate(self) -> float:
        return self.responses / self.elapsed

    @property
    def extracted_rate(self) -> float:
        return self.extracted / self.elapsed

    @property
    def cpu_ms_per_response(self) -> float:
        return 1000 * self.main_cpu / max(1, self.responses)


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path,
                 main_pid_of: str | None = None) -> tuple[int, float, int, int, int, float, str]:
    """Run `cmd`; return exit code, wall seconds, peak tree PSS, peak tree RSS sum and peak main-process
    RSS (KiB),
    main-process CPU seconds, output.

    `main_pid_of` names the crawl process when `cmd` is a wrapper (py-spy): its first descendant whose
    command line contains that string is the one whose CPU is read."""
    peak, peak_rss, main_peak, cpu = [0], [0], [0], [0.0]
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def main_pid() -> int:
        if main_pid_of is None:
            return proc.pid
        for child in children_map().get(proc.pid, []):
            if main_pid_of in (cmdline(child) or ""):
                return child
        return proc.pid

    def sample() -> None:
        while proc.poll() is None:
            rss, pss = tree_memory_kb(proc.pid)
            peak[0], peak_rss[0] = max(peak[0], pss), max(peak_rss[0], rss)
            pid = main_pid()
            main_peak[0] = max(main_peak[0], rss_kb(pid))
            c = cpu_seconds(pid)
            if c is not None:
                cpu[0] = max(cpu[0], c)
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    t.start()
    out = proc.communicate()[0]
    elapsed = time.monotonic() - started
    t.join()
    return proc.returncode, elapsed, peak[0], peak_rss[0], main_peak[0], cpu[0], out


def scrapy_bench() -> float:
    """`scrapy bench` pages/s (its own local server, outside our project and our proxy)."""
    env = {**os.environ, "no_proxy": "*", "NO_PROXY": "*"}
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "PYTHONPATH"):
        env.pop(k, None)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=tmp, env=env, capture_output=True,
                             text=True).stderr
    stats = re.search(r"'response_received_count': (\d+)", out)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", out)
    if stats and elapsed:
        return int(stats.group(1)) / float(elapsed.group(1))
    rates = [float(x) for x in re.findall(r"at (\d+(?:\.\d+)?) pages/min", out)]
    if not rates:
        raise SystemExit(f"error: scrapy bench printed no rate:\n{out[-2000:]}")
    return max(rates) / 60


def run_figures(db: Path) -> tuple[int, int, int]:
    """Responses (any kind) and extracted pages of the crawl's run, from its stats; documents stored."""
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    stats = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    spiders = [s for s in stats.values() if isinstance(s, dict)]
    responses = sum(int(s.get("response_received_count", 0)) for s in spiders)
    extracted = sum(int(s.get("cchc/extract/records", 0)) for s in spiders)
    return responses, extracted, int(documents)


def checkout(rev: str, into: Path) -> Path:
    """The project tree of git revision `rev`, extracted (no work tree, no change to the repository)."""
    data = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=False)
    if data.returncode != 0:
        raise SystemExit(f"error: git archive {rev}: {data.stderr.decode(errors='replace').strip()}")
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def crawl_once(label: str, code: Path, scheme: str, politeness: str, args: argparse.Namespace, tmp: Path,
               profile_to: Path | None = None) -> Measured:
    """One crawl of a fresh simulated network into a fresh SQLite file, measured."""
    from sim.network import SimNetwork

    work = tmp / label.replace(" ", "_").replace("/", "_")
    work.mkdir()
    sink = io.StringIO()
    real_stderr = sys.stderr
    net = SimNetwork(day=1, seed=0, extra_portals=args.portals, extra_scheme=scheme)
    net.start(port=args.sim_port)
    try:
        # connections the crawler closes under the simulator's threads print tracebacks there; count them
        sys.stderr = sink
        registry = work / "portals.csv"
        net.write_registry(registry, only_extra=True)
        db = work / "bench.sqlite"
        env = {**os.environ, **net.env(), **POLITENESS[politeness],
               "CCHC_FILES_STORE": str(work / "files"), "CCHC_SIM_SLOW_SECONDS": "2", "CCHC_DOWNLOAD_TIMEOUT": "5"}
        if code != ROOT:
            env["PYTHONPATH"] = str(code)
        crawl = [sys.executable, "-m", "cli", "crawl", "--db", str(db), "--registry", str(registry)]
        for s in args.spiders.split(","):
            crawl += ["--spider", s]
        cmd = crawl
        if profile_to is not None:
            cmd = [str(Path(sys.executable).with_name("py-spy")), "record", "--gil", "--rate", "200",
                   "--format", "raw", "-o", str(profile_to), "--", *crawl]
        rc, elapsed, peak_kb, peak_rss_kb, main_kb, main_cpu, out = run_measured(cmd, env, code, "cli" if profile_to else None)
    finally:
        sys.stderr = real_stderr
        net.stop()
    if rc != 0:
        print(out[-3000:])
        raise SystemExit(f"error: crawl {label} failed with exit {rc}")
    responses, extracted, docs = run_figures(db)
    shutil.rmtree(work, ignore_errors=True)
    resets = sink.getvalue().count("Exception occurred during processing")
    m = Measured(label, responses, extracted, elapsed, peak_kb / 1024, peak_rss_kb / 1024, main_kb / 1024,
                 main_cpu, docs)
    print(f"  {label:<28} {responses:>6} resp {extracted:>5} extracted {elapsed:6.1f} s  "
          f"peak PSS {m.peak_mib:4.0f} MiB (RSS sum {m.peak_rss_mib:4.0f}, main {m.main_peak_mib:4.0f})  main CPU {m.cpu_ms_per_response:5.2f} ms/resp  "
          f"sim connection errors {resets}", flush=True)
    return m


def top_frames(raw: Path, n: int = 12) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Top frames of a py-spy raw (collapsed) profile: by own samples and by inclusive samples, in %."""
    own: collections.Counter[str] = collections.Counter()
    incl: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        c = int(count)
        frames = [_short(f) for f in stack.split(";")]
        total += c
        own[frames[-1]] += c
        for f in set(frames):
            incl[f] += c
    if not total:
        return [], []
    # inclusive: the reactor's and the command's own frames (the roots of most stacks) say nothing;
    # keep frames below 60 %
    inc = [(f, 100 * c / total) for f, c in incl.most_common() if c / total < 0.6][:n]
    return [(f, 100 * c / total) for f, c in own.most_common(n)], inc


def _short(frame: str) -> str:
    """`func (/long/path/site-packages/pkg/mod.py:12)` -> `func (pkg/mod.py:12)`."""
    m = re.match(r"(.*) \((.*):(\d+)\)$", frame)
    if not m:
        return frame
    path = m.group(2)
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = "/".join(Path(path).parts[-2:])
    return f"{m.group(1)} ({path}:{m.group(3)})"


def print_profile(label: str, raw: Path) -> None:
    own, incl = top_frames(raw)
    print(f"\nprofile {label} (py-spy --gil: samples while a thread holds the GIL)")
    print("  own samples:")
    for f, pct in own:
        print(f"    {pct:5.1f} %  {f}")
    print("  inclusive samples:")
    for f, pct in incl:
        print(f"    {pct:5.1f} %  {f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--portals", type=int, default=300)
    ap.add_argument("--spiders", default="widget,feeds,sitemaps,listings,registers")
    ap.add_argument("--schemes", default="http,https")
    ap.add_argument("--politeness", default="off,default", help="off, default or both (comma-separated)")
    ap.add_argument("--before", metavar="REV", help="also measure the code of this git revision, same run")
    ap.add_argument("--after", metavar="REV", help="measure this git revision instead of the working tree")
    ap.add_argument("--profile", metavar="DIR", help="also profile one politeness-off crawl per scheme with py-spy")
    ap.add_argument("--profile-after-only", action="store_true",
                    help="with --before: profile only the code measured last (the profile of REV is already known)")
    ap.add_argument("--sim-port", type=int, default=18600, help="port of the simulated network's proxy")
    args = ap.parse_args()
    schemes = [s for s in args.schemes.split(",") if s]
    modes = [m for m in args.politeness.split(",") if m]
    bad = [s for s in schemes if s not in ("http", "https")] + [m for m in modes if m not in POLITENESS]
    if bad or not schemes or not modes or args.portals < 1:
        raise SystemExit(f"error: bad --schemes/--politeness/--portals ({', '.join(bad) or args.portals})")
    if args.profile and not Path(sys.executable).with_name("py-spy").exists():
        raise SystemExit("error: --profile needs py-spy in this venv (pip install -e \".[profile]\"; a dev tool only)")

    with tempfile.TemporaryDirectory(prefix="cchc-crawl-bench-") as tmpdir:
        tmp = Path(tmpdir)
        codes: list[tuple[str, Path]] = []
        if args.before:
            codes.append((f"before {args.before}", checkout(args.before, tmp / "before")))
        if args.after:
            codes.append((f"after {args.after}", checkout(args.after, tmp / "after")))
        else:
            codes.append(("after" if args.before else "this tree", ROOT))
        profile_dir = Path(args.profile) if args.profile else None
        if profile_dir:
            profile_dir.mkdir(parents=True, exist_ok=True)

        print("scrapy bench (anchor) ...", flush=True)
        anchor = scrapy_bench()
        print(f"  scrapy bench: {anchor:.1f} pages/s", flush=True)
        results: list[tuple[str, str, str, Measured]] = []
        for scheme in schemes:
            for mode in modes:
                for name, code in codes:
                    m = crawl_once(f"{name} {scheme} {mode}", code, scheme, mode, args, tmp)
                    results.append((name, scheme, mode, m))
        profiles: list[tuple[str, Path]] = []
        if profile_dir:
            for scheme in schemes:
                for name, code in (codes[-1:] if args.profile_after_only else codes):
                    label = f"{name} {scheme} off"
                    out = profile_dir / f"{re.sub(r'[^A-Za-z0-9]+', '_', label)}.txt"
                    crawl_once(f"{label} (py-spy)", code, scheme, "off", args, tmp, profile_to=out)
                    profiles.append((label, out))
        # the anchor again at the end: the machine's load moves; the ratio uses the mean of both
        anchor_end = scrapy_bench()

    anchor_mean = (anchor + anchor_end) / 2
    print(f"\nportals: {args.portals}; spiders: {args.spiders}")
    print(f"scrapy bench (anchor): {anchor:.1f} pages/s at the start, {anchor_end:.1f} at the end; "
          f"ratios below use {anchor_mean:.1f}")
    head = (f"{'code':<22}{'scheme':<7}{'polite':<8}{'resp/s':>8}{'x bench':>9}{'extr/s':>8}{'x bench':>9}"
            f"{'PSS MiB':>9}{'RSS MiB':>9}{'main MiB':>10}{'CPU ms/resp':>12}{'docs':>6}")
    print(head)
    for name, scheme, mode, m in results:
        r_any, r_ext = m.any_rate / anchor_mean, m.extracted_rate / anchor_mean
        print(f"{name:<22}{scheme:<7}{mode:<8}{m.any_rate:8.1f}{r_any:9.2f}{m.extracted_rate:8.1f}{r_ext:9.2f}"
              f"{m.peak_mib:9.0f}{m.peak_rss_mib:9.0f}{m.main_peak_mib:10.0f}{m.cpu_ms_per_response:12.2f}"
              f"{m.documents:6d}")
    print(f"targets (politeness off): >= {TARGET_ANY} x scrapy bench (responses), >= {TARGET_EXTRACTED} x "
          f"(extracted pages); peak memory of the crawl tree < {TARGET_MIB} MB on http and https")
    for name, scheme, mode, m in results:
        if mode != "off":
            continue
        verdicts = [f"responses {'OK' if m.any_rate / anchor_mean >= TARGET_ANY else 'MISSED'}",
                    f"extracted {'OK' if m.extracted_rate / anchor_mean >= TARGET_EXTRACTED else 'MISSED'}",
                    f"memory {'OK' if m.peak_mib * 1.048576 < TARGET_MIB else 'MISSED'}"]
        print(f"  {name} {scheme}: " + ", ".join(verdicts))
    for label, raw in profiles:
        print_profile(label, raw)


if __name__ == "__main__":
    main()
