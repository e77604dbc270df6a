"""Generate the whole country's candidates and probe them against the simulated country; print figures.

    .venv/bin/python bench/country_probe.py [--concurrency 16] [--delay 0] [--province P]

Prints the candidate rows per level (with and without the units the bundled registry already has),
the probe's outcomes, how many agree with the simulator's truth, wall time and candidates per second.
The simulator runs in this process (a thread), as in the tests: its CPU is counted in the wall time.
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.network import SimNetwork  # noqa: E402


def run(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "cli", "sources", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"cchc sources {args[0]} failed: {proc.stderr[-1000:]}")
    return proc.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", default="16")
    ap.add_argument("--delay", default="0")
    ap.add_argument("--province", default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SimNetwork(day=1, seed=0, country=True) as net:
        env = {**os.environ, **net.env()}
        sel = ["--province", a.province] if a.province else []
        print("generate, units the bundled registry has left out:",
              run(env, "generate", "--out", f"{tmp}/human", "--file", "crawler/data/portals.csv", *sel))
        t = time.monotonic()
        print("generate, whole country:", run(env, "generate", "--out", f"{tmp}/all", "--include-registered", *sel))
        print(f"  generation took {time.monotonic() - t:.1f} s")
        t = time.monotonic()
        print(run(env, "probe", "--registry", f"{tmp}/all", "--concurrency", a.concurrency, "--delay", a.delay, *sel))
        wall = time.monotonic() - t
        rows = list(csv.DictReader((Path(tmp) / "all" / "probe" / "results.csv").open(encoding="utf-8")))
        truth = {u.url: u for u in net.country.units}
        want = {"ok": "found", "absent": "not_found", "moved": "moved", "not_portal": "not_portal"}
        world = net.world

        def registry_served(url: str) -> bool:
            """The host is a registry portal's (the province portals, a few former district sites): the
            registry's page, with its faults, answers there, not the country table's fate."""
            parts = urlsplit(url)
            found = net.country.match(parts.hostname or "", parts.path)
            return not (found and found[0]) and world.portal_for_host(parts.hostname or "") is not None

        # what the probe should record on a faulty unit's home page (one retry: a flaky URL still fails)
        by_fault = {"error_500": "not_found", "broken_tls": "not_found", "timeout": "not_found",
                    "flaky_503": "not_found", "waf_block": "not_portal"}

        def agrees(r: dict[str, str]) -> bool:
            u = truth[r["base_url"]]
            expected = by_fault.get(u.fault, "found") if u.fate == "ok" else want[u.fate]
            return expected == r["outcome"] and (u.fate != "moved" or r["new_host"] == urlsplit(u.new_url).hostname)

        own = [r for r in rows if not registry_served(r["base_url"])]
        other = [r for r in rows if registry_served(r["base_url"])]
        print(f"probe: {len(rows)} candidates in {wall:.1f} s ({len(rows) / wall:.1f}/s), "
              f"outcomes {dict(Counter(r['outcome'] for r in rows))}")
        print(f"  on hosts the country table serves: {sum(map(agrees, own))}/{len(own)} agree with its truth")
        print(f"  on hosts a registry portal serves: {len(other)}, outcomes {dict(Counter(r['outcome'] for r in other))}")
        for r in [r for r in own if not agrees(r)][:20]:
            u = truth[r["base_url"]]
            print(f"  disagreement: {r['id']} truth={u.fate}/{u.fault or '-'} probe={r['outcome']} ({r['why']})")
        print(f"found by level: {dict(Counter(r['level'] for r in rows if r['outcome'] == 'found'))}")


if __name__ == "__main__":
    main()
