"""Crawl benchmark: the full item path (extraction in a process pool, attachments, database writes)
over the simulator with N generated portals, next to `scrapy bench` on the same machine in the same run.

    .venv/bin/python bench/crawl_bench.py [--portals 200] [--spiders widget,listings,feeds,registers,sitemaps]

Politeness delays are switched off here only (through the same CCHC_* settings users have).
Prints pages/s, peak memory of the crawl's process tree, and the ratio to `scrapy bench`.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[int, float, int, str]:
    peak = [0]
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    t.start()
    out = proc.communicate()[0]
    elapsed = time.monotonic() - started
    t.join()
    return proc.returncode, elapsed, peak[0], out


def scrapy_bench() -> float:
    """`scrapy bench` pages/s (its own local server, outside our project and our proxy)."""
    env = {**os.environ, "no_proxy": "*", "NO_PROXY": "*"}
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(k, None)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=tmp, env=env, capture_output=True, text=True).stderr
    rates = [float(x) for x in re.findall(r"at (\d+(?:\.\d+)?) pages/min", out)]
    stats = re.search(r"'response_received_count': (\d+)", out)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", out)
    if stats and elapsed:
        return int(stats.group(1)) / float(elapsed.group(1))
    return max(rates) / 60 if rates else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=200)
    ap.add_argument("--spiders", default="widget,feeds,sitemaps,listings,registers")
    ap.add_argument("--scheme", default="http", choices=["http", "https"], help="scheme of the generated portals")
    args = ap.parse_args()

    from sim.network import SimNetwork

    # Plain http for the generated portals, as `scrapy bench` serves its own pages (many commune sites
    # are http-only too); the TLS of the registry portals is covered by the tests.
    with tempfile.TemporaryDirectory() as tmp, SimNetwork(day=1, seed=0, extra_portals=args.portals, extra_scheme=args.scheme) as net:
        registry = Path(tmp) / "bench-portals.csv"
        net.write_registry(registry, only_extra=True)
        db = Path(tmp) / "bench.sqlite"
        env = {
            **os.environ, **net.env(),
            "CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "8",
            "CCHC_CONCURRENT_REQUESTS": "64", "CCHC_FILES_STORE": str(Path(tmp) / "files"),
            "CCHC_SIM_SLOW_SECONDS": "2", "CCHC_DOWNLOAD_TIMEOUT": "5",
        }
        cmd = [sys.executable, "-m", "cli", "crawl", "--db", str(db), "--registry", str(registry)]
        for s in args.spiders.split(","):
            cmd += ["--spider", s]
        rc, elapsed, peak_kb, out = run_measured(cmd, env, ROOT)
        if rc != 0:
            print(out[-3000:])
            raise SystemExit(f"crawl failed with exit {rc}")
        from storage import Store

        store = Store.open(str(db))
        runs = [json.loads(line) for line in _export(store, "runs")]
        docs = sum(1 for _ in _export(store, "documents"))
        widgets = sum(1 for _ in _export(store, "widgets"))
        stats = runs[-1]["stats"]
        if isinstance(stats, str):
            stats = json.loads(stats)
        responses = sum(int(s.get("response_received_count", 0)) for s in stats.values())
    ours = responses / elapsed
    theirs = scrapy_bench()
    print(f"portals crawled:          {args.portals}")
    print(f"responses:                {responses} in {elapsed:.1f} s")
    print(f"documents stored:         {docs}; widget readings: {widgets}")
    print(f"CCHC Watch pages/s:       {ours:.1f} (full item path: extraction pool, files, SQLite writes)")
    print(f"peak memory (crawl tree): {peak_kb / 1024:.0f} MiB")
    print(f"scrapy bench pages/s:     {theirs:.1f}")
    print(f"ratio:                    {ours / theirs:.2f} x scrapy bench (target >= 0.30)")


def _export(store, kind: str):
    import io

    buf = io.StringIO()
    store.export(kind, "jsonl", buf)
    return [line for line in buf.getvalue().splitlines() if line.strip()]


if __name__ == "__main__":
    main()
